"""Bridging GraphQL enums (described in Chinese and English) and the models' StrEnums."""

from __future__ import annotations

from enum import Enum


def value_of(member: Enum) -> str:
    """The stored value behind a GraphQL enum member (mypy sees enum_value() wrappers)."""
    value = member.value
    if not isinstance(value, str):
        raise TypeError(f"{member!r} has no string value")
    return value
