"""Inputs of an application (R-CTR-2, R-CTR-3, R-CTR-5); services.applications checks them."""

from __future__ import annotations

from decimal import Decimal

import strawberry


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
