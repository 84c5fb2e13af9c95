"""Inputs of an application (R-CTR-2, R-CTR-3, R-CTR-5), checked into plain values."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from models.reference import Industry
from schema.errors import BadInput

MONEY_CAP = Decimal("1000000000000.00")


@strawberry.input(description="A person on a governance body / 治理机构成员")
class GovernanceMemberInput:
    name: str
    title: str = ""
    organisation: str = ""


@strawberry.input(description="An application for a centre / 申报书")
class ApplicationInput:
    name: str
    industry: str = strawberry.field(description="Industry code / 产业代码")
    direction: str = strawberry.field(description="Domain direction / 领域方向")
    operating_company: str = strawberry.field(description="Operating company / 运营公司")
    plan_goals: str = strawberry.field(default="", description="Goals / 建设目标")
    plan_key_technologies: str = strawberry.field(
        default="", description="Key technologies / 关键技术"
    )
    plan_roadmap: str = strawberry.field(default="", description="Roadmap / 路线图")
    fixed_asset_investment: Decimal = strawberry.field(
        default=Decimal("0"), description="Planned fixed-asset investment, CNY / 固定资产投资"
    )
    software_investment: Decimal = strawberry.field(
        default=Decimal("0"), description="Planned supporting software, CNY / 配套软件投资"
    )
    decision_body: list[GovernanceMemberInput] = strawberry.field(
        default_factory=list, description="Decision body / 决策机构"
    )
    expert_committee: list[GovernanceMemberInput] = strawberry.field(
        default_factory=list, description="Technical expert committee / 技术专家委员会"
    )


def _text(value: str, field: str, limit: int, *, required: bool = True) -> str:
    value = value.strip()
    if required and not value:
        raise BadInput(f"{field} is required", field=field)
    if len(value) > limit:
        raise BadInput(f"{field} has at most {limit} characters", field=field)
    return value


def money(value: Decimal, field: str) -> Decimal:
    """Exact CNY with at most two places, never negative (R-FUND-4)."""
    if not value.is_finite() or value < 0 or value > MONEY_CAP:
        raise BadInput(f"{field} must be an amount of CNY between 0 and {MONEY_CAP}", field=field)
    if value != value.quantize(Decimal("0.01")):
        raise BadInput(f"{field} has at most two decimal places", field=field)
    return value.quantize(Decimal("0.01"))


def _people(members: list[GovernanceMemberInput], field: str) -> list[dict[str, str]]:
    return [
        {
            "name": _text(p.name, f"{field}.name", 64),
            "title": _text(p.title, f"{field}.title", 64, required=False),
            "organisation": _text(p.organisation, f"{field}.organisation", 200, required=False),
        }
        for p in members
    ]


async def check_application(input: ApplicationInput) -> tuple[dict[str, object], Industry]:
    industry = await Industry.get_or_none(code=input.industry)
    if industry is None:
        raise BadInput(f"unknown industry code {input.industry}", field="industry")
    fields: dict[str, object] = {
        "name": _text(input.name, "name", 200),
        "direction": _text(input.direction, "direction", 200),
        "operating_company": _text(input.operating_company, "operatingCompany", 200),
        "plan_goals": _text(input.plan_goals, "planGoals", 20000, required=False),
        "plan_key_technologies": _text(
            input.plan_key_technologies, "planKeyTechnologies", 20000, required=False
        ),
        "plan_roadmap": _text(input.plan_roadmap, "planRoadmap", 20000, required=False),
        "fixed_asset_investment": money(input.fixed_asset_investment, "fixedAssetInvestment"),
        "software_investment": money(input.software_investment, "softwareInvestment"),
        "decision_body": _people(input.decision_body, "decisionBody"),
        "expert_committee": _people(input.expert_committee, "expertCommittee"),
        "industry_id": industry.id,
    }
    return fields, industry
