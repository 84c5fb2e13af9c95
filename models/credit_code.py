"""Unified social credit code (统一社会信用代码), GB 32100-2015 (R-REF-3).

18 characters: registration authority (1), institution type (1), administrative division (6,
GB/T 2260), organisation code (9, GB 11714), check character (1). Only the final check character is
enforced: some codes in circulation embed organisation codes whose own check does not hold, and
refusing a real applicant is worse than the typo the final check already catches.
"""

from __future__ import annotations

import re

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # I, O, S, V, Z are never used
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")


class InvalidCreditCode(ValueError):
    """The code is not a valid unified social credit code; the message says why."""


def _check_character(first17: str) -> str:
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def _org_check_character(first8: str) -> str:
    # GB 11714: digits count as themselves, letters A..Z as 10..35.
    total = sum(int(c, 36) * w for c, w in zip(first8, _ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def normalise_credit_code(raw: str) -> str:
    """Return the canonical (upper-case, trimmed) code or raise InvalidCreditCode."""
    code = raw.strip().upper()
    if len(code) != 18:
        raise InvalidCreditCode(f"a unified social credit code has 18 characters, got {len(code)}")
    if not _SHAPE.match(code):
        raise InvalidCreditCode(
            "a unified social credit code uses digits and capital letters except I, O, S, V, Z, "
            "with a 6-digit administrative division code in positions 3-8"
        )
    if _org_check_character(code[8:16]) != code[16]:
        raise InvalidCreditCode(
            "the organisation code (positions 9-17) has a wrong check character"
        )
    expected = _check_character(code[:17])
    if expected != code[17]:
        raise InvalidCreditCode(
            f"the check character (position 18) is wrong: expected {expected}, got {code[17]}"
        )
    return code


def make_credit_code(authority_and_type: str, division: str, org_body: str) -> str:
    """Build a valid code from its parts (used by demo data and tests).

    ``authority_and_type`` is 2 characters (e.g. "91" for a company), ``division`` the 6-digit
    GB/T 2260 code, ``org_body`` the first 8 characters of the organisation code.
    """
    org_code = org_body + _org_check_character(org_body)
    first17 = authority_and_type + division + org_code
    return normalise_credit_code(first17 + _check_character(first17))
