"""`seed_demo`: the whole demo programme in one transaction, audited, with a summary."""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from demo.centres import CENTRES
from demo.organisations import ORGANISATIONS
from demo.seed_accounts import seed_accounts
from demo.seed_assessments import seed_assessments
from demo.seed_calls import seed_calls
from demo.seed_centres import seed_centres
from demo.seed_funding import seed_funding
from demo.seed_ip import seed_ip
from demo.seed_organisations import seed_organisations
from demo.seed_reports import seed_reports
from demo.seed_workflow import seed_workflow
from models.accounts import User
from models.audit import AuditEvent, Outcome, append
from models.base import utcnow
from models.centres import Centre
from models.reference import City, Industry
from models.reference_data import load_reference_data
from services.passwords import hash_password_async

ACTOR = "mic-cli"


async def _ensure_reference_data() -> None:
    # `mic migrate` loads these; a bare database gets the bundled Guangxi data first.
    cities = {spec.city for spec in ORGANISATIONS}
    industries = {spec.industry for spec in CENTRES}
    have_cities = await City.filter(pinyin__in=cities).count()
    have_industries = await Industry.filter(code__in=industries).count()
    if have_cities < len(cities) or have_industries < len(industries):
        await load_reference_data()


async def _seed(conn: BaseDBAsyncClient, password_hash: str) -> dict[str, int]:
    now = utcnow()
    cities = await City.all().using_db(conn).order_by("code")
    industries = {row.code: row for row in await Industry.all().using_db(conn)}
    orgs, new_orgs = await seed_organisations(conn, {city.pinyin: city for city in cities})
    new_users, new_bindings = await seed_accounts(conn, password_hash, cities, orgs)
    staff = await User.filter(username="staff").using_db(conn).get()
    calls, new_calls = await seed_calls(conn, staff, now)
    new_centres, new_members = await seed_centres(conn, orgs, industries, calls, now)
    workflow = await seed_workflow(conn, cities, calls, now)
    workflow.update(await seed_assessments(conn, now))  # after the status history it explains
    reports = await seed_reports(conn, now)  # after the workflow: established centres report
    funding = await seed_funding(conn, now)  # after the status history it follows
    ip = await seed_ip(conn, now)  # after the centres, their alliances and accounts
    return {
        "organisations": new_orgs,
        "centres": new_centres,
        "alliance_members": new_members,
        "users": new_users,
        "role_bindings": new_bindings,
        "calls": new_calls,
        **workflow,
        **reports,
        **funding,
        **ip,
    }


async def seed_demo(password: str, *, only_if_empty: bool = False) -> str:
    """Create the demo programme (idempotent); return a one-line summary."""
    if only_if_empty and await Centre.exists():
        return "centres exist already: demo programme not seeded"
    await _ensure_reference_data()
    # One hash for every demo account: hashing is deliberately slow (tens of ms each).
    password_hash = await hash_password_async(password)
    async with in_transaction() as conn:
        counts = await _seed(conn, password_hash)
        if any(counts.values()):
            await append(
                AuditEvent(
                    action="demo.seed",
                    outcome=Outcome.SUCCESS,
                    actor=ACTOR,
                    object_type="programme",
                    after=counts,
                ),
                conn,
            )
    if not any(counts.values()):
        return "demo programme already present: nothing created"
    return (
        f"demo programme: created {counts['organisations']} organisations, "
        f"{counts['calls']} calls, "
        f"{counts['centres']} centres with {counts['alliance_members']} alliance members, "
        f"{counts['status_events']} status events, "
        f"{counts['reviews']} expert reviews with {counts['review_assignments']} assignments "
        f"and {counts['scores']} scores, "
        f"{counts['task_agreements']} task agreements with {counts['indicators']} indicators "
        f"and {counts['indicator_progress']} progress reports, "
        f"{counts['inspections']} inspections, "
        f"{counts['annual_reports']} annual reports, "
        f"{counts['assessments']} assessments with their panels, "
        f"{counts['subsidy_decisions']} subsidy decisions with {counts['ledger_entries']} ledger "
        f"entries, {counts['ip_assets']} IP assets with {counts['ip_transfers']} transfers, "
        f"{counts['users']} users with {counts['role_bindings']} role bindings; "
        "sign in as e.g. admin, staff, bureau-liuzhou, ent-liugong or expert-1 with the demo "
        "password"
    )
