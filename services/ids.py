"""Global object ids: one opaque string per record that says which type it is.

An id reads ``<Type>:<uuid>`` — the GraphQL type name, a colon, the record's UUID in its
canonical lower-case form (``Centre:0b3c…``). Clients must treat it as opaque: take it from an
answer, give it back unchanged; the format may change. The same text is built in SQL by the
compiled read path (``schema/compiled``), so both paths give byte-identical ids.

Parsing is strict and never says why an id was refused: malformed, of another type, absent and
outside the caller's scope all read alike (NotFound, R-ACC-5).
"""

from __future__ import annotations

from uuid import UUID

from services.errors import NotFound

SEPARATOR = ":"

# What each operation calls the record (its NotFound word) → the type names an id may carry.
TYPES_OF: dict[str, frozenset[str]] = {
    "centre": frozenset({"Centre"}),
    "application": frozenset({"Centre"}),
    "organisation": frozenset({"Organisation"}),
    "member": frozenset({"AllianceMember"}),
    "user": frozenset({"User"}),
    "expert": frozenset({"User"}),
    "role binding": frozenset({"RoleBinding"}),
    "call": frozenset({"Call"}),
    "indicator": frozenset({"Indicator"}),
    "document": frozenset({"Document"}),
    "document version": frozenset({"DocumentVersion"}),
    "review": frozenset({"Review"}),
    "assessment": frozenset({"Assessment"}),
    "city": frozenset({"City"}),
    "industry": frozenset({"Industry"}),
    "annual report": frozenset({"AnnualReport"}),
    "subsidy decision": frozenset({"SubsidyDecision"}),
    "ledger entry": frozenset({"LedgerEntry"}),
    "national support plan": frozenset({"NationalSupportPlan"}),
    "ip asset": frozenset({"IpAsset"}),
    "ip transfer": frozenset({"IpTransfer"}),
}


def global_id(type_name: str, pk: UUID | str) -> str:
    """The opaque id of record ``pk`` of GraphQL type ``type_name``."""
    return f"{type_name}{SEPARATOR}{pk}"


def split_global_id(value: object) -> tuple[str, UUID] | None:
    """(type name, UUID) of a global id; None for anything else (never raises)."""
    if not isinstance(value, str) or len(value) > 120:
        return None
    type_name, separator, rest = value.partition(SEPARATOR)
    if not separator or not type_name.isascii() or not type_name.isalpha():
        return None
    pk = _canonical_uuid(rest)
    return None if pk is None else (type_name, pk)


def _canonical_uuid(text: str) -> UUID | None:
    # One spelling per record: the lower-case hyphenated form that ids are written in.
    try:
        pk = UUID(text)
    except ValueError:
        return None
    return pk if str(pk) == text else None


def parse_id(value: object, what: str) -> UUID:
    """The UUID behind an id given for a ``what`` (``"centre"``, ``"organisation"``…).

    Takes a global id of one of the types ``what`` may be (``TYPES_OF``), or — deprecated, for
    clients written before global ids (CHANGELOG 0.2.0) — a bare UUID. Raises NotFound(what) for
    anything else: malformed, or a global id of another type."""
    if isinstance(value, UUID):
        return value
    found = split_global_id(value)
    if found is not None:
        type_name, pk = found
        if type_name in TYPES_OF.get(what, frozenset()):
            return pk
        raise NotFound(what)
    try:
        return UUID(str(value))
    except ValueError:
        raise NotFound(what) from None
