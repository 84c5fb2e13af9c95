"""Build GraphQL objects from Tortoise rows: one converter instead of an `of` body per type.

A strawberry type that inherits `FromRow[Model]` gets `of(row, **overrides)`. The first call works
out, once per type, how to fill each of the type's declared fields (strawberry's object
definition) and caches it; every later call only reads attributes and applies the cached
conversions. A field is read from the row attribute of the same name, and:

- `id` of a `Node`: the global id `<Type>:<uuid>` (services/ids.py); any other `ID` (or
  `ID | None`): the UUID becomes its string form;
- a strawberry enum: the model's StrEnum (or stored string) becomes the member of equal value;
- `list[...]`: copied into a new list, each item converted as here;
- an object type with an `of` of its own (a JSON list of dicts, say): each built with that `of`;
- `X | None`: None stays null, and so does an empty string (a blank column) once converted;
- every other scalar (str, int, bool, Decimal, date, datetime, JSON, ...) is copied as it is;
- a `strawberry.Private[...]` attribute kept for resolvers is copied as it is, from the row
  attribute of the same name or, for `_name`, from `name` (a hidden value a resolver guards);
- resolver fields (`@strawberry.field` methods) are left alone: they compute their own value.

Whatever is not 1:1 is passed as a keyword override: it replaces the row's value, and the row
need not have that attribute. A type whose `of` takes more than the row (a call's `now`) keeps a
short `of` that returns `convert(cls, row, field=...)`, the same machinery.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from enum import Enum
from functools import partial
from operator import attrgetter, call
from typing import Any, Generic, Self, TypeVar, cast

from strawberry.scalars import ID
from strawberry.types.base import (
    StrawberryList,
    StrawberryOptional,
    StrawberryType,
    get_object_definition,
    has_object_definition,
)
from strawberry.types.enum import StrawberryEnumDefinition
from strawberry.types.private import is_private
from strawberry.types.scalar import ScalarDefinition, ScalarWrapper

from schema.node import Node
from services.ids import global_id

T = TypeVar("T")
RowT = TypeVar("RowT")

Conversion = Callable[[Any], Any]
"""Turns a row's value into the value of a GraphQL field."""


class _NoConversion(Exception):
    """No rule turns a row value into this field's type: the caller must override the field."""


@dataclasses.dataclass(frozen=True, slots=True)
class _Field:
    """One data field of a strawberry type, worked out once."""

    name: str  # keyword of the type's __init__
    source: str  # attribute read from the row
    conversion: Conversion | None  # None: copied as it is
    readable: bool  # False: no rule applies, so every call must override it


@dataclasses.dataclass(frozen=True, slots=True)
class _Recipe:
    """How to fill a type from a row when a given set of fields is overridden."""

    copied: tuple[str, ...]  # fields taken as they are, in the order `fetch_copied` reads them
    fetch_copied: Callable[[Any], tuple[Any, ...]]
    converted: tuple[str, ...]  # fields converted, in the order `fetch_converted` reads them
    fetch_converted: Callable[[Any], tuple[Any, ...]]
    conversions: tuple[Conversion, ...]  # one per converted field


_NOTHING: frozenset[str] = frozenset()


class _Converter(Generic[T]):
    """The cached recipes of one strawberry type, keyed by the names the caller overrides."""

    __slots__ = ("_cls", "_fields", "_recipes")

    def __init__(self, cls: type[T]) -> None:
        self._cls = cls
        self._fields = tuple(_fields_of(cls))
        self._recipes: dict[frozenset[str], _Recipe] = {}

    def __call__(self, row: object, overrides: Mapping[str, Any]) -> T:
        """Build the type from `row`, with `overrides` taking the place of the row's values."""
        key = frozenset(overrides) if overrides else _NOTHING
        recipe = self._recipes.get(key) or self._recipe(key)
        # Whole tuples at a time (attrgetter, zip, map are C loops): no Python loop per field.
        try:
            values = dict(zip(recipe.copied, recipe.fetch_copied(row), strict=False))
            raw = recipe.fetch_converted(row)
        except AttributeError as error:
            raise TypeError(
                f"{self._cls.__name__}.of: {error}; pass the field as a keyword override"
            ) from error
        values.update(zip(recipe.converted, map(call, recipe.conversions, raw), strict=False))
        if overrides:
            values.update(overrides)
        return self._cls(**values)

    def _recipe(self, overridden: frozenset[str]) -> _Recipe:
        unfilled = [f.name for f in self._fields if not f.readable and f.name not in overridden]
        if unfilled:
            raise TypeError(
                f"{self._cls.__name__}.of needs an override for {', '.join(unfilled)}: "
                "no conversion applies to its type"
            )
        kept = [f for f in self._fields if f.name not in overridden]
        copied = [f for f in kept if f.conversion is None]
        converted = [(f, f.conversion) for f in kept if f.conversion is not None]
        recipe = _Recipe(
            copied=tuple(f.name for f in copied),
            fetch_copied=_fetcher(tuple(f.source for f in copied)),
            converted=tuple(f.name for f, _ in converted),
            fetch_converted=_fetcher(tuple(f.source for f, _ in converted)),
            conversions=tuple(conversion for _, conversion in converted),
        )
        self._recipes[overridden] = recipe
        return recipe


_CONVERTERS: dict[type, _Converter[Any]] = {}


def _converter(cls: type[T]) -> _Converter[T]:
    """The converter of `cls`, worked out on first use and then reused."""
    converter: _Converter[T] | None = _CONVERTERS.get(cls)
    if converter is None:
        converter = _CONVERTERS[cls] = _Converter(cls)
    return converter


def convert(cls: type[T], row: object, /, **overrides: Any) -> T:
    """Build the strawberry type `cls` from `row`, taking each keyword override as given.

    The generic path behind `FromRow.of`, for a type whose own `of` needs more than the row:

    >>> def of(cls, row: m.Call, now: datetime) -> Call:  # doctest: +SKIP
    ...     return convert(cls, row, is_open=row.is_open(now))
    """
    return _converter(cls)(row, overrides)


class FromRow(Generic[RowT]):
    """A strawberry type built from one kind of row: gives it `of(row, **overrides)`.

    Declare it as `class Indicator(FromRow[m.Indicator])` under `@strawberry.type`; the mixin
    adds no field, so the GraphQL schema is unchanged.
    """

    @classmethod
    def of(cls, row: RowT, /, **overrides: Any) -> Self:
        """Build this type from `row`; a keyword override replaces the row's value of a field."""
        return _converter(cls)(row, overrides)


def _fields_of(cls: type) -> Iterator[_Field]:
    """The data fields of a strawberry type and how each is read (resolver fields skipped)."""
    settable = {f.name for f in dataclasses.fields(cls) if f.init}
    for field in get_object_definition(cls, strict=True).fields:
        name = field.python_name
        if field.base_resolver is not None or name not in settable:
            continue
        if is_private(field.type):
            source = name[1:] if name.startswith("_") and not name.startswith("__") else name
            yield _Field(name, source, None, readable=True)
            continue
        if name == "id" and issubclass(cls, Node):
            # A Node's id is global: it carries the GraphQL type's name (services/ids.py).
            yield _Field(name, name, partial(global_id, field_type_name(cls)), readable=True)
            continue
        try:
            yield _Field(name, name, _conversion(field.type), readable=True)
        except _NoConversion:
            yield _Field(name, name, None, readable=False)


def field_type_name(cls: type) -> str:
    """The GraphQL name of a strawberry type (what its global ids carry)."""
    return get_object_definition(cls, strict=True).name


def _conversion(type_: object) -> Conversion | None:
    """How a row value becomes a value of GraphQL type `type_`; None when it is copied as is."""
    if isinstance(type_, StrawberryOptional):
        inner = _conversion(type_.of_type)
        return None if inner is None else _optional(inner)
    if isinstance(type_, StrawberryList):
        inner = _conversion(type_.of_type)
        return list if inner is None else _each(inner)
    if isinstance(type_, StrawberryEnumDefinition):
        return _enum(cast("type[Enum]", type_.wrapped_cls))
    if type_ is ID:
        return str
    if has_object_definition(type_):
        of: Conversion | None = getattr(type_, "of", None)
        if callable(of):
            return of
        raise _NoConversion
    if isinstance(type_, ScalarWrapper | ScalarDefinition) or not isinstance(type_, StrawberryType):
        return None
    raise _NoConversion  # a union, a lazy or generic type: only an override can fill it


def _optional(inner: Conversion) -> Conversion:
    """Null stays null (and so does a blank string); anything else is converted."""

    def convert_optional(value: Any) -> Any:
        return None if value is None or value == "" else inner(value)

    return convert_optional


def _each(inner: Conversion) -> Conversion:
    """A new list, each item converted."""

    def convert_each(values: Any) -> list[Any]:
        return [inner(value) for value in values]

    return convert_each


class _Members(dict[Any, Enum]):
    """An enum's members by value; a miss falls back to the enum (a member, or ValueError)."""

    def __init__(self, enum: type[Enum]) -> None:
        super().__init__((member.value, member) for member in enum)
        self._enum = enum

    def __missing__(self, value: Any) -> Enum:
        return self._enum(value)


def _enum(enum: type[Enum]) -> Conversion:
    """The member of `enum` whose value equals the row's value (a C dict look-up)."""
    return _Members(enum).__getitem__  # a model StrEnum hashes and compares as its value


def _fetcher(sources: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """One call reading every copied attribute of a row (operator.attrgetter runs in C)."""
    if len(sources) > 1:
        return attrgetter(*sources)
    if not sources:
        return lambda _row: ()
    get = attrgetter(sources[0])
    return lambda row: (get(row),)
