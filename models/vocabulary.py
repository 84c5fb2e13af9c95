"""The programme's terms: how a stored code reads on every surface.

A code is stored in lower case (``rectifying``) and every surface a person or a client reads shows
the GraphQL enum's name for it (``RECTIFYING``): errors' ``currentStatus`` and messages, the HTTP
routes' parameters (``kind=CONSTRUCTION_PLAN``), the iCalendar categories and the exports' code
columns. ``tests/test_vocabulary.py`` proves that every enum of the schema names its values so.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import TypeVar

E = TypeVar("E", bound=StrEnum)


def term(code: StrEnum) -> str:
    """The term of a stored code, e.g. ``CentreStatus.RECTIFYING`` → ``"RECTIFYING"``."""
    return code.name


def terms(codes: Iterable[StrEnum]) -> str:
    """Several terms, sorted and joined for a message: ``"ESTABLISHED or RECTIFYING"``."""
    return " or ".join(sorted(term(code) for code in codes))


def code_of_term(kind: type[E], given: str) -> E | None:
    """The member of ``kind`` whose term is ``given`` exactly, or None (no case folding: one
    spelling per value, the schema's)."""
    return kind.__members__.get(given)
