"""Seeding the demo's centres: the application content (plan, governance) and the alliance."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from demo.centres import CENTRES
from demo.names import EXPERT_TITLE, GIVEN_NAMES, SURNAMES
from demo.organisations import ORGANISATIONS
from demo.plans import PLANS
from demo.specs import CentreSpec, MemberSpec
from demo.timeline import Timeline, application_year, build_timeline, listing_date, window_of
from models.calls import Call
from models.centres import AllianceMember, Centre, MemberRole
from models.lifecycle import Move
from models.reference import Industry, Organisation, OrganisationKind

_INST = OrganisationKind.RESEARCH_INSTITUTE
_UNI = OrganisationKind.UNIVERSITY
_LEAD = MemberRole.LEAD


def _alliance(
    spec: CentreSpec, centre: Centre, orgs: dict[str, Organisation]
) -> list[AllianceMember]:
    lead = MemberSpec(spec.lead, _LEAD, spec.formed_on)
    return [
        AllianceMember(
            centre_id=centre.id,
            organisation_id=orgs[m.organisation].id,
            member_role=m.role,
            joined_on=m.joined_on,
            left_on=m.left_on,
        )
        for m in (lead, *spec.members)
    ]


def _person(index: int, k: int) -> str:
    # 7 is prime to 24: the k-th person of a centre never shares a surname with another of it.
    surname = SURNAMES[(index * 5 + k * 7) % len(SURNAMES)]
    return surname + GIVEN_NAMES[(index * 11 + k * 5) % len(GIVEN_NAMES)]


def _governance(
    index: int, spec: CentreSpec, orgs: dict[str, Organisation]
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The decision body (lead first) and the technical expert committee (academics first)."""
    current = [spec.lead, *(m.organisation for m in spec.members if m.left_on is None)]
    kinds = {o.short_name: o.kind for o in ORGANISATIONS}
    board_titles = ("理事长", "副理事长", "理事", "理事")
    board = [
        {"name": _person(index, k), "title": board_titles[k], "organisation": orgs[short].name}
        for k, short in enumerate(current[: 2 + index % 3])
    ]
    academics_first = sorted(current, key=lambda short: kinds[short] not in {_UNI, _INST})
    committee = [
        {
            "name": _person(index, 4 + k),
            "title": f"{'主任委员' if k == 0 else '委员'}、{EXPERT_TITLE[kinds[short]]}",
            "organisation": orgs[short].name,
        }
        for k, short in enumerate(academics_first[: 2 + (index + 1) % 3])
    ]
    return board, committee


def _application(
    index: int,
    spec: CentreSpec,
    orgs: dict[str, Organisation],
    timeline: Timeline,
    call: Call | None,
) -> dict[str, Any]:
    """The application content of a new centre (R-CTR-3, R-CTR-5) and when it was made."""
    plan = PLANS[spec.lead]
    first, second, third = plan.technologies
    year = timeline.call_year
    board, committee = _governance(index, spec, orgs)
    return {
        "call_id": call.id if call else None,
        "plan_goals": plan.goals,
        "plan_key_technologies": (
            f"围绕{spec.direction}，联合联盟成员重点突破：（一）{first}；（二）{second}；"
            f"（三）{third}。"
        ),
        "plan_roadmap": (
            f"第一阶段（{year}—{year + 1}年）：完成运营公司实体化运作，建成{plan.platform}一期，"
            f"启动{first}联合攻关。\n"
            f"第二阶段（{year + 1}—{year + 2}年）：突破{second}，形成中试验证能力并面向行业开放"
            "服务。\n"
            f"第三阶段（{year + 2}—{year + 3}年）：实现{third}成果转移扩散和首次商业化应用，技术"
            "服务与成果转化收入占总收入30%以上，达到批复成立条件。"
        ),
        "fixed_asset_investment": plan.fixed_asset_investment,
        "software_investment": plan.software_investment,
        "decision_body": board,
        "expert_committee": committee,
        "submitted_at": timeline.at(Move.SUBMIT),
        "created_at": timeline.created,
        "version": len(timeline.steps) - 1,  # every move bumps the version
    }


async def seed_centres(
    conn: BaseDBAsyncClient,
    orgs: dict[str, Organisation],
    industries: dict[str, Industry],
    calls: dict[int, Call],
    now: datetime,
) -> tuple[int, int]:
    """Create missing centres with their applications and alliances; an existing one is left."""
    names = [spec.name for spec in CENTRES]
    rows = await Centre.filter(name__in=names).using_db(conn).values("name")
    existing = {row["name"] for row in rows}
    centres: list[Centre] = []
    members: list[AllianceMember] = []
    for index, spec in enumerate(CENTRES):
        if spec.name in existing:
            continue
        lead = orgs[spec.lead]
        listed_on = listing_date(spec, now.date())
        year = application_year(spec.status, listed_on, now)
        call = calls.get(year)
        window = window_of(call, year, now)
        timeline = build_timeline(
            spec.status,
            listed_on,
            spec.established_on,
            window,
            call_year=year,
            now=now,
            key=spec.name,
        )
        centre = Centre(
            name=spec.name,
            city_id=lead.city_id,
            industry_id=industries[spec.industry].id,
            lead_organisation_id=lead.id,
            direction=spec.direction,
            operating_company=spec.operating_company,
            status=spec.status,
            is_national=spec.is_national,
            listed_on=listed_on,
            established_on=spec.established_on,
            **_application(index, spec, orgs, timeline, call),
        )
        centres.append(centre)
        members.extend(_alliance(spec, centre, orgs))
    await Centre.bulk_create(centres, using_db=conn)
    await AllianceMember.bulk_create(members, using_db=conn)
    return len(centres), len(members)
