"""Calls for applications (申报通知): the province drafts or publishes a call, then publishes a
draft. A call names its period, its industries and the documents an application must carry."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from models.base import utcnow
from models.calls import Call
from models.documents import DocumentKind
from models.reference import Industry
from policies import scopes
from policies.vocabulary import Action, Resource
from services.actor import Actor
from services.changes import changing, creating
from services.errors import BadInput
from services.ids import parse_id
from services.text import trimmed, visible_length
from services.values import count, programme_day, text


class CallTerms(Protocol):
    """What a call says: year, title, the period (time-zone aware), industry codes (none: every
    industry), conditions, support policy; ``publish`` at once or keep it a draft."""

    @property
    def year(self) -> int: ...

    @property
    def title(self) -> str: ...

    @property
    def opens_at(self) -> datetime: ...

    @property
    def closes_at(self) -> datetime: ...

    @property
    def industries(self) -> Sequence[str]: ...

    @property
    def conditions(self) -> str: ...

    @property
    def support_policy(self) -> str: ...

    @property
    def publish(self) -> bool: ...


async def _checked(
    terms: CallTerms, required_documents: Sequence[DocumentKind]
) -> dict[str, object]:
    title = trimmed(terms.title)
    if not visible_length(title) or len(title) > 200:
        raise BadInput("title must have 1 to 200 characters", field="title")
    count(terms.industries, "industries", most=50)
    if not 2000 <= terms.year <= 2100:
        raise BadInput("year must be a calendar year", field="year")
    if terms.opens_at.tzinfo is None or terms.closes_at.tzinfo is None:
        raise BadInput("opensAt and closesAt need a time zone (UTC: ...Z)")
    programme_day(terms.opens_at.date(), "opensAt")
    programme_day(terms.closes_at.date(), "closesAt")
    if terms.closes_at <= terms.opens_at:
        raise BadInput("closesAt must be after opensAt", field="closesAt")
    codes = list(dict.fromkeys(terms.industries))
    found = await Industry.filter(code__in=codes).values_list("code", flat=True) if codes else []
    known = {str(code) for code in found}
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise BadInput(f"unknown industry codes: {', '.join(unknown)}", field="industries")
    return {
        "year": terms.year,
        "title": title,
        "opens_at": terms.opens_at,
        "closes_at": terms.closes_at,
        "industries": codes,
        "conditions": text(terms.conditions, "conditions", 20000, required=False),
        "required_documents": list(dict.fromkeys(kind.value for kind in required_documents)),
        "support_policy": text(terms.support_policy, "supportPolicy", 20000, required=False),
    }


async def create_call(
    actor: Actor, terms: CallTerms, required_documents: Sequence[DocumentKind] = ()
) -> Call:
    """Create a call, published at once if ``terms.publish`` (audited ``call.create``).

    ``required_documents`` are the kinds an application must carry before submission (duplicates
    dropped). Raises NotAllowed (no role may manage calls), BadInput (title, year, a period
    without time zone or ending before it opens, unknown industry codes)."""
    await actor.require(Resource.CALL, Action.CREATE)
    fields = await _checked(terms, required_documents)
    user = (await actor.caller()).user
    async with creating(actor, resource=Resource.CALL, action=Action.CREATE) as creation:
        row = await Call.create(
            **fields,
            published_at=utcnow() if terms.publish else None,
            created_by_id=user.id,
            using_db=creation.conn,
        )
        creation.row = row
    return row


class _Unchanged(Exception):
    """Leaves ``changing`` without a change, so without an audit entry."""

    def __init__(self, row: Call) -> None:
        super().__init__("unchanged")
        self.row = row


async def publish_call(actor: Actor, call_id: object) -> Call:
    """Publish a draft call (audited ``call.publish``); an already published call is returned
    unchanged and nothing is audited. Raises NotAllowed, NotFound (call)."""
    authz = await actor.require(Resource.CALL, Action.CREATE)
    try:
        async with changing(
            actor,
            scopes.visible_calls(authz),
            parse_id(call_id, "call"),
            what="call",
            resource=Resource.CALL,
            action=Action.CREATE,
            name="call.publish",
        ) as change:
            row = change.row
            if row.published_at is not None:
                raise _Unchanged(row)
            row.published_at = utcnow()
            await row.save(update_fields=["published_at"], using_db=change.conn)
    except _Unchanged as unchanged:
        return unchanged.row
    return row
