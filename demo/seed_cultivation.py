"""A demo centre's cultivation: task agreement, indicators and progress, inspections."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from demo.call_terms import GRANT_CAP, GRANT_SHARE
from demo.helpers import at_hour, det, wan, years_after
from demo.plans import PLANS
from demo.specs import CentreSpec, PlanSpec
from demo.timeline import Timeline
from demo.workflow import Actors, Workflow
from models.centres import Centre, CentreStatus
from models.cultivation import (
    Indicator,
    IndicatorProgress,
    Inspection,
    InspectionKind,
    TaskAgreement,
)
from models.lifecycle import Move, cultivation_deadline
from models.reviews import CENT

_EVALUATED = frozenset({CentreStatus.ESTABLISHED, CentreStatus.RECTIFYING, CentreStatus.REVOKED})
# Each indicator's progress as a share of its target, report by report.
_PROGRESS_SHARES: dict[CentreStatus, tuple[Decimal, ...]] = {
    CentreStatus.CULTIVATING: (Decimal("0.25"), Decimal("0.5"), Decimal("0.7")),
    CentreStatus.CULTIVATION_FAILED: (Decimal("0.15"), Decimal("0.3"), Decimal("0.42")),
    **dict.fromkeys(_EVALUATED, (Decimal("0.35"), Decimal("0.7"), Decimal("1.05"))),
}


def _tasks(index: int, spec: CentreSpec, plan: PlanSpec) -> list[str]:
    first, second, third = plan.technologies
    tasks = [
        f"突破{first}、{second}等关键共性技术，形成不少于{5 + det(spec.name, 'results') % 6}"
        "项可工程化应用的技术成果",
        f"建成{plan.platform}并面向行业开放共享，年服务企业不少于"
        f"{30 + det(spec.name, 'clients') % 40}家",
        "完善“公司+联盟”运行机制，建立知识产权协同创造、联合运营和收益共享制度",
        f"围绕{third}开展首次商业化应用示范，带动产业链上下游企业协同升级",
    ]
    return tasks[: 2 + index % 3]


def _indicator_targets(index: int, spec: CentreSpec, total: Decimal) -> list[tuple[str, str, int]]:
    catalogue = [
        ("培育期研发投入", "万元", int(total * Decimal("0.45") / 10000)),
        ("新增授权发明专利", "件", 20 + det(spec.name, "patents") % 30),
        ("主导或参与制修订国家、行业及团体标准", "项", 3 + det(spec.name, "standards") % 6),
        ("研发及工程技术人员", "人", 60 + det(spec.name, "people") % 90),
    ]
    return catalogue[: 2 + (index + 1) % 3]


def add_cultivation(
    index: int,
    spec: CentreSpec,
    centre: Centre,
    timeline: Timeline,
    actors: Actors,
    *,
    today: date,
    rows: Workflow,
    agreement_missing: bool,
    inspections_missing: bool,
) -> None:
    """Task agreement, indicators and progress; the special inspection and the evaluation."""
    listed = centre.listed_on
    listed_at = timeline.at(Move.LIST_FOR_CULTIVATION)
    if listed is None or listed_at is None:
        return
    plan = PLANS[spec.lead]
    status = centre.status
    tasks = _tasks(index, spec, plan)
    evaluated: date | None = None
    if status in _EVALUATED:
        evaluated = (centre.established_on or years_after(listed, 2)) - timedelta(days=25)
    elif status is CentreStatus.CULTIVATION_FAILED:
        evaluated = cultivation_deadline(listed) - timedelta(days=28)
    span = (evaluated or today) - listed
    if agreement_missing:
        fixed = centre.fixed_asset_investment or plan.fixed_asset_investment
        software = centre.software_investment or plan.software_investment
        total = fixed + software
        grant = min((total * GRANT_SHARE).quantize(CENT), GRANT_CAP)
        agreement = TaskAgreement(
            centre_id=centre.id,
            signed_on=listed,
            tasks=tasks,
            support_measures=(
                f"按照不超过总投资的50%给予资金扶持：核定总投资{wan(total)}万元（固定资产投资"
                f"{wan(fixed)}万元、配套软件投入{wan(software)}万元），支持资金{wan(grant)}万元"
                "（单个平台最高不超过1000万元），分2次拨付：签订培育任务书后拨付50%，正式获得认定"
                "后拨付50%。优先推荐承担国家和自治区科技计划项目，落实首台（套）重大技术装备、"
                "重点新材料首批次应用保险补偿政策。"
            ),
            created_at=listed_at,
        )
        rows.agreements.append(agreement)
        reporter = actors.users[f"ent-{spec.lead}"]
        shares = _PROGRESS_SHARES[status]
        for k, (name, unit, target) in enumerate(_indicator_targets(index, spec, total)):
            indicator = Indicator(
                agreement_id=agreement.id,
                name=name,
                unit=unit,
                target=Decimal(target).quantize(CENT),
                created_at=listed_at + timedelta(seconds=k),
            )
            rows.indicators.append(indicator)
            for n, share in enumerate(shares, start=1):
                reported_on = listed + span * n / (len(shares) + 1)
                value = (target * share).quantize(Decimal(1))
                rows.progress.append(
                    IndicatorProgress(
                        indicator_id=indicator.id,
                        reported_on=reported_on,
                        value=value.quantize(CENT),
                        note=f"累计完成{value}{unit}，为目标值的{int(share * 100)}%",
                        reported_by_id=reporter.id,
                        created_at=at_hour(reported_on, 16) + timedelta(seconds=k),
                    )
                )
    if not inspections_missing:
        return
    first = plan.technologies[0]
    inspected = listed + min(timedelta(days=365), span / 2)
    behind = status is CentreStatus.CULTIVATION_FAILED
    findings = f"培育期专项检查：{plan.platform}" + (
        f"建设滞后，{first}攻关未按任务书进度推进，研发投入未按计划到位，要求限期整改。"
        if behind
        else f"已完成主体建设，{first}攻关按任务书进度推进；运营公司实体化运作，联盟成员"
        "按季度会商。"
    )
    rows.inspections.append(
        Inspection(
            centre_id=centre.id,
            kind=InspectionKind.SPECIAL_INSPECTION,
            held_on=inspected,
            findings=findings,
            passed=None,
            recorded_by_id=actors.staff.id,
            created_at=at_hour(inspected, 17),
        )
    )
    if evaluated is None:
        return
    passed = status in _EVALUATED
    rows.inspections.append(
        Inspection(
            centre_id=centre.id,
            kind=InspectionKind.END_OF_PERIOD_EVALUATION,
            held_on=evaluated,
            findings=(
                f"期满评估：培育任务书确定的{len(tasks)}项任务全部完成，关键指标均达到或超过"
                "目标值，专家组一致同意通过评估，建议批复成立。"
                if passed
                else f"期满评估：培育任务书确定的{len(tasks)}项任务均未完成，研发投入、发明专利"
                "等关键指标完成率不足一半，运营公司未形成稳定收入，评估不通过。"
            ),
            passed=passed,
            recorded_by_id=actors.staff.id,
            created_at=at_hour(evaluated, 17),
        )
    )
