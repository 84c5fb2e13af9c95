"""Text as people type it: control characters refused, invisible characters not counted,
keys compared in one normal form.

Uses the standard library's Unicode database (``unicodedata``, the Unicode Character Database
of the running Python): categories decide what is a control (Cc), a lone surrogate (Cs) or an
invisible format character (Cf: zero-width space, BOM, bidi marks), and NFKC folds full-width
and compatibility forms.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

# Line breaks and tabs belong in long text (a plan, findings, a comment); every other C0/C1
# control, and lone surrogates (which no database encoding accepts), are refused.
_ALLOWED_CONTROLS = frozenset("\t\n\r")
# Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) make text show
# in another order than it is stored ("Trojan Source"): refused like controls. The marks (LRM,
# RLM) and zero-width characters stay allowed; they cannot reorder what follows them.
_BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))


def control_characters(value: str) -> list[str]:
    """The refused control characters in ``value`` as ``U+XXXX`` (empty when clean): C0/C1
    controls but tab and line breaks, lone surrogates, and bidirectional overrides."""
    return [
        f"U+{ord(ch):04X}"
        for ch in value
        if (ch not in _ALLOWED_CONTROLS and unicodedata.category(ch) in ("Cc", "Cs"))
        or ch in _BIDI_CONTROLS
    ]


def strings_in(value: object) -> Iterator[str]:
    """Every string inside a JSON value (keys included), depth first."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)


def _invisible(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch) in ("Cf", "Cc", "Zs", "Zl", "Zp")


def visible_length(value: str) -> int:
    """How many characters of ``value`` a reader sees (format characters and spaces not)."""
    return sum(1 for ch in value if not _invisible(ch))


def trimmed(value: str) -> str:
    """``value`` without invisible characters (spaces, zero-width, BOM) at either end."""
    start, end = 0, len(value)
    while start < end and _invisible(value[start]):
        start += 1
    while end > start and _invisible(value[end - 1]):
        end -= 1
    return value[start:end]


def key_form(value: str) -> str:
    """A key as stored: NFKC (full-width → ASCII, compatibility forms folded), trimmed, format
    characters (zero-width space, BOM, bidi marks) removed; case kept for display."""
    folded = trimmed(unicodedata.normalize("NFKC", value))
    return "".join(ch for ch in folded if unicodedata.category(ch) != "Cf")


def normal_key(value: str) -> str:
    """The form in which keys that must be unique are compared (short names, usernames):
    NFKC (full-width → ASCII, compatibility forms folded), invisible characters removed,
    case-folded."""
    return key_form(value).casefold()


# Usernames: ASCII letters, digits, '-', '_' and '.', starting with a letter or digit, 1 to 64.
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")


def username_form(value: str) -> str:
    """A username as stored and as looked up at sign-in: ``normal_key`` (NFKC, invisible
    characters removed, case-folded), so that ``ＡＤＭＩＮ`` and ``admin\u200b`` are ``admin``."""
    return normal_key(value)
