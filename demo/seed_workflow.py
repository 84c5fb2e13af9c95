"""Seeding the workflow of the demo centres: status history, expert reviews, cultivation."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from tortoise.backends.base.client import BaseDBAsyncClient

from demo.centres import CENTRES
from demo.moves import CULTIVATED, REVIEWED
from demo.organisations import EXPERTS
from demo.seed_cultivation import add_cultivation
from demo.seed_reviews import add_review
from demo.timeline import application_year, build_timeline, window_of
from demo.workflow import Actors, Workflow, status_events
from models.accounts import User
from models.calls import Call
from models.centres import AllianceMember, Centre, CentreStatusEvent
from models.cultivation import Inspection, TaskAgreement
from models.reference import City
from models.reviews import Review


async def _ids_with(conn: BaseDBAsyncClient, model: type[Any], centre_ids: list[UUID]) -> set[UUID]:
    rows = (
        await model.filter(centre_id__in=centre_ids)
        .using_db(conn)
        .values_list("centre_id", flat=True)
    )
    return set(rows)


async def seed_workflow(
    conn: BaseDBAsyncClient, cities: list[City], calls: dict[int, Call], now: datetime
) -> dict[str, int]:
    """Status history, reviews and cultivation of the demo centres, each made if missing.

    A demo centre whose status is no longer the demo's was moved on by someone: its records are
    its own, and nothing is added to it.
    """
    found = await Centre.filter(name__in=[spec.name for spec in CENTRES]).using_db(conn)
    by_name = {row.name: row for row in found}
    work = [
        (index, spec, by_name[spec.name])
        for index, spec in enumerate(CENTRES)
        if spec.name in by_name and by_name[spec.name].status is spec.status
    ]
    ids = [centre.id for _, _, centre in work]
    with_events = await _ids_with(conn, CentreStatusEvent, ids)
    with_review = await _ids_with(conn, Review, ids)
    with_agreement = await _ids_with(conn, TaskAgreement, ids)
    with_inspections = await _ids_with(conn, Inspection, ids)
    alliances: dict[UUID, list[UUID]] = {}
    pairs = (
        await AllianceMember.filter(centre_id__in=ids)
        .using_db(conn)
        .values_list("centre_id", "organisation_id")
    )
    for centre_id, organisation_id in pairs:
        alliances.setdefault(centre_id, []).append(organisation_id)
    city_pinyin = {city.id: city.pinyin for city in cities}
    expert_names = [f"expert-{n}" for n in range(1, len(EXPERTS) + 1)]
    wanted = [
        "staff",
        *expert_names,
        *(f"ent-{spec.lead}" for spec in CENTRES),
        *(f"bureau-{city.pinyin}" for city in cities),
    ]
    users = {u.username: u for u in await User.filter(username__in=wanted).using_db(conn)}
    actors = Actors(
        staff=users["staff"],
        experts=[users[name] for name in expert_names if name in users],
        users=users,
    )
    calls_by_id = {call.id: call for call in calls.values()}
    rows = Workflow([], [], [], [], [], [], [], [])
    for index, spec, centre in work:
        call = calls_by_id.get(centre.call_id) if centre.call_id else None
        year = call.year if call else application_year(centre.status, centre.listed_on, now)
        call = call or calls.get(year)
        timeline = build_timeline(
            centre.status,
            centre.listed_on,
            centre.established_on,
            window_of(call, year, now),
            call_year=year,
            now=now,
            key=spec.name,
        )
        if centre.id not in with_events:
            city = city_pinyin[centre.city_id]
            rows.events.extend(status_events(centre, spec, city, timeline, actors))
        if centre.status in REVIEWED and centre.id not in with_review:
            alliance = alliances.get(centre.id, [])
            add_review(index, spec, centre, timeline, actors, alliance=alliance, rows=rows)
        if centre.status in CULTIVATED:
            add_cultivation(
                index,
                spec,
                centre,
                timeline,
                actors,
                today=now.date(),
                rows=rows,
                agreement_missing=centre.id not in with_agreement,
                inspections_missing=centre.id not in with_inspections,
            )
    return await rows.save(conn)
