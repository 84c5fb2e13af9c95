"""A programme ready for the selection workflow: people of every role, a call, experts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from models.accounts import RoleName, User
from models.base import utcnow
from models.calls import Call
from models.reference import Organisation, OrganisationKind
from models.reviews import CRITERIA
from tests.helpers import Api, World, error_codes

APPLICATION = {
    "name": "广西智能装备制造业创新中心",
    "industry": "machinery_equipment",
    "direction": "智能 工程机械、电液控制",
    "operatingCompany": "广西智能装备创新中心有限公司",
    "planGoals": "建成国内领先的智能装备共性技术平台",
    "planKeyTechnologies": "电液控制；智能感知",
    "planRoadmap": "2026 平台; 2027 中试; 2028 推广",
    "fixedAssetInvestment": "12000000.00",
    "softwareInvestment": "3000000.50",
    "decisionBody": [{"name": "张三", "title": "理事长", "organisation": "广西柳工"}],
    "expertCommittee": [{"name": "李四", "title": "主任", "organisation": "广西大学"}],
}
CENTRE_FIELDS = "id status version fixedAssetInvestment softwareInvestment totalInvestment"
CREATE = f"""mutation($call: ID!, $input: ApplicationInput!) {{
  createApplication(callId: $call, input: $input) {{ {CENTRE_FIELDS} }} }}"""
MOVE = """mutation($id: ID!, $move: CentreMove!, $comment: String!, $reason: String) {
  transitionCentre(id: $id, move: $move, comment: $comment, overrideReason: $reason) { status version } }"""
ASSIGN = (
    """mutation($c: ID!, $e: ID!) { assignExpert(centreId: $c, expertId: $e) { expertCount } }"""
)
SCORE = """mutation($c: ID!, $s: [ScoreInput!]!) { submitScores(centreId: $c, scores: $s) { status } }"""
FINALISE = """mutation($c: ID!) { finaliseReview(centreId: $c, onsiteCheck: "现场核查通过", opinion: "同意列入培育") {
  status result } }"""
LIST = """mutation($c: ID!) { listForCultivation(id: $c, agreement: {
  signedOn: "2026-11-01", tasks: ["建设中试平台", "突破电液控制"], supportMeasures: "省级资金支持",
  indicators: [{name: "研发投入", unit: "万元", target: "5000"}, {name: "专利", unit: "件", target: "30"}]
}) { status listedOn cultivationDeadline } }"""


def scores(total: str) -> list[dict[str, str]]:
    """The same score on every criterion: the weighted total is that score."""
    return [{"criterion": c.code, "score": total, "comment": "ok"} for c in CRITERIA]


@dataclass
class Programme:
    api: Api
    world: World
    call: Call
    users: dict[str, User]
    orgs: dict[str, Organisation]
    experts: list[User] = field(default_factory=list)

    def token(self, who: str) -> str:
        return self.world.token(self.users[who])

    async def run(self, who: str, query: str, **variables: Any) -> dict[str, Any]:
        return await self.api.gql(query, variables, token=self.token(who))

    async def ok(self, who: str, query: str, **variables: Any) -> dict[str, Any]:
        body = await self.run(who, query, **variables)
        assert not body.get("errors"), body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    async def code(self, who: str, query: str, **variables: Any) -> str:
        codes = error_codes(await self.run(who, query, **variables))
        assert len(codes) == 1, codes
        return codes[0]

    async def move(
        self, who: str, centre: str, move: str, comment: str = "", **extra: Any
    ) -> dict[str, Any]:
        return await self.run(who, MOVE, id=centre, move=move, comment=comment, **extra)


async def build_programme(api: Api, world: World, *, experts: int = 6) -> Programme:
    orgs = {
        "lead": await world.organisation("450200", name="广西智能装备股份有限公司"),
        "member": await world.organisation(
            "450300", OrganisationKind.UNIVERSITY, name="桂林测试大学"
        ),
        "other": await world.organisation("450100"),
    }
    users = {
        "lead": await world.user(RoleName.ENTERPRISE, organisation=orgs["lead"]),
        "member": await world.user(RoleName.ENTERPRISE, organisation=orgs["member"]),
        "outsider": await world.user(RoleName.ENTERPRISE, organisation=orgs["other"]),
        "bureau": await world.user(RoleName.MUNICIPAL_BUREAU, city_code="450200"),
        "other_bureau": await world.user(RoleName.MUNICIPAL_BUREAU, city_code="450100"),
        "staff": await world.user(RoleName.PROVINCIAL_STAFF),
        "admin": await world.user(RoleName.PROVINCIAL_ADMIN),
    }
    expert_users = []
    for i in range(experts):
        institute = await world.organisation("450100", OrganisationKind.RESEARCH_INSTITUTE)
        expert = await world.user(RoleName.EXPERT, organisation=institute, username=f"expert-t{i}")
        expert.display_name = f"专家{i}号"
        await expert.save(update_fields=["display_name"])
        users[f"expert{i}"] = expert
        expert_users.append(expert)
    now = utcnow()
    call = await Call.create(
        year=2026,
        title="2026年度制造业创新中心申报",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
        industries=["machinery_equipment", "ai_it"],
        required_documents=["construction_plan"],
        published_at=now,
        created_by_id=users["staff"].id,
    )
    return Programme(api, world, call, users, orgs, expert_users)


async def upload_plan(programme: Programme, centre_id: str) -> None:
    response = await programme.api.client.post(
        "/documents",
        content=b"%PDF-1.7\nplan\n%%EOF",
        params={
            "centreId": centre_id,
            "kind": "CONSTRUCTION_PLAN",
            "title": "建设方案",
            "fileName": "plan.pdf",
        },
        headers={"authorization": f"Bearer {programme.token('lead')}"},
    )
    assert response.status_code == 201, response.text


async def new_application(programme: Programme, **overrides: Any) -> str:
    data = await programme.ok(
        "lead", CREATE, call=str(programme.call.id), input={**APPLICATION, **overrides}
    )
    return str(data["createApplication"]["id"])


async def to_expert_review(programme: Programme, centre: str, experts: int = 3) -> None:
    """Draft to expert review with ``experts`` assigned, by the right roles."""
    await upload_plan(programme, centre)
    for who, move in (("lead", "SUBMIT"), ("bureau", "RECOMMEND"), ("staff", "PASS_FORMAL_REVIEW")):
        body = await programme.move(who, centre, move)
        assert not body.get("errors"), body
    for expert in programme.experts[:experts]:
        await programme.ok("staff", ASSIGN, c=centre, e=str(expert.id))
    body = await programme.move("staff", centre, "START_EXPERT_REVIEW")
    assert not body.get("errors"), body


async def score_all(programme: Programme, centre: str, totals: list[str]) -> None:
    for i, total in enumerate(totals):
        await programme.ok(f"expert{i}", SCORE, c=centre, s=scores(total))


def money(value: str) -> Decimal:
    return Decimal(value)
