"""R-CUL-2 and the lifecycle table: "cultivating → cultivation_failed by provincial staff or the
deadline". The deadline's own move, made by `mic cultivation expire` and the service's sweep."""

from __future__ import annotations

from datetime import date, timedelta

from api.settings import Settings
from models.audit import AuditEntry, verify_chain
from models.base import programme_today
from models.centres import Centre, CentreStatus, CentreStatusEvent
from models.lifecycle import cultivation_deadline
from services.deadlines import SYSTEM_ACTOR, expire_cultivation
from tests.helpers import Api, World, pk
from tests.test_cli import mic
from tests.test_cultivation import cultivating  # noqa: F401 - the fixture
from tests.workflow import Programme

HISTORY = """query($id: ID!) { centre(id: $id) { status statusHistory { fromStatus toStatus role
  comment } } }"""


async def test_r_cul_2_the_deadline_fails_a_centre_the_day_after_its_third_year(
    cultivating: tuple[Programme, str],  # noqa: F811
) -> None:
    programme, centre = cultivating
    # given a centre listed on 20 May 2023: its period ends on 20 May 2026
    await Centre.filter(id=pk(centre)).update(listed_on=date(2023, 5, 20))
    # when the deadline runs on the last day, nothing moves
    assert await expire_cultivation(date(2026, 5, 20)) == []
    assert (await Centre.get(id=pk(centre))).status is CentreStatus.CULTIVATING
    # when it runs the day after, the centre has failed cultivation
    moved = await expire_cultivation(date(2026, 5, 21))
    assert moved == [pk(centre)]
    # then the history shows the move with no role and the date in the comment
    data = await programme.ok("lead", HISTORY, id=centre)
    assert data["centre"]["status"] == "CULTIVATION_FAILED"
    last = data["centre"]["statusHistory"][-1]
    assert (last["fromStatus"], last["toStatus"], last["role"]) == (
        "CULTIVATING",
        "CULTIVATION_FAILED",
        None,
    )
    assert "2026-05-20" in last["comment"]
    # and the audit log has the system's entry, with the chain intact
    entry = await AuditEntry.filter(action="centre.fail_cultivation").get()
    assert (entry.actor, entry.actor_id, entry.object_id) == (SYSTEM_ACTOR, None, str(pk(centre)))
    assert entry.before["status"] == "cultivating"
    assert entry.after["status"] == "cultivation_failed"
    assert (await verify_chain())[1] == []
    # and running again changes nothing
    assert await expire_cultivation(date(2026, 5, 22)) == []
    assert await CentreStatusEvent.filter(centre_id=pk(centre)).count() == len(
        data["centre"]["statusHistory"]
    )


async def test_r_cul_2_a_centre_listed_on_29_february_runs_to_28_february(
    api: Api, world: World
) -> None:
    # given a centre listed on a leap day
    lead = await world.organisation()
    centre = await world.centre(lead, status=CentreStatus.CULTIVATING)
    await Centre.filter(id=centre.id).update(listed_on=date(2024, 2, 29))
    assert cultivation_deadline(date(2024, 2, 29)) == date(2027, 2, 28)
    # then it is still cultivating on 28 February 2027 and failed on 1 March
    assert await expire_cultivation(date(2027, 2, 28)) == []
    assert await expire_cultivation(date(2027, 3, 1)) == [centre.id]


async def test_r_cul_2_the_deadline_moves_only_cultivating_centres_past_it(
    api: Api, world: World
) -> None:
    # given centres in several states, all listed long ago, and one cultivating recently listed
    lead = await world.organisation()
    today = date(2026, 11, 28)
    old = today - timedelta(days=4 * 365)
    overdue = await world.centre(lead, status=CentreStatus.CULTIVATING)
    recent = await world.centre(lead, status=CentreStatus.CULTIVATING)
    established = await world.centre(lead, status=CentreStatus.ESTABLISHED)
    await Centre.filter(id__in=[overdue.id, established.id]).update(listed_on=old)
    await Centre.filter(id=recent.id).update(listed_on=today - timedelta(days=400))
    # when the deadline runs
    moved = await expire_cultivation(today)
    # then only the overdue cultivating centre moved, with one status event
    assert moved == [overdue.id]
    statuses = {c.id: c.status for c in await Centre.all()}
    assert statuses == {
        overdue.id: CentreStatus.CULTIVATION_FAILED,
        recent.id: CentreStatus.CULTIVATING,
        established.id: CentreStatus.ESTABLISHED,
    }
    assert await CentreStatusEvent.filter(actor_id=None).count() == 1


async def test_mic_cultivation_expire_runs_the_deadline(
    api: Api, world: World, settings: Settings
) -> None:
    # given a centre listed four years ago that is still cultivating
    lead = await world.organisation()
    centre = await world.centre(lead, status=CentreStatus.CULTIVATING)
    await Centre.filter(id=centre.id).update(listed_on=programme_today() - timedelta(days=4 * 365))
    # when the operator's command runs
    code, out, _ = await mic(settings, "cultivation", "expire")
    # then it says what it moved, and did it
    assert code == 0 and str(centre.id) in out and "1 centre(s)" in out
    assert (await Centre.get(id=centre.id)).status is CentreStatus.CULTIVATION_FAILED
