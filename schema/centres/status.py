"""A centre's lifecycle state as a GraphQL enum, shared by centres and their status history."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="Where a centre stands in its lifecycle / 创新中心所处阶段")
class CentreStatus(Enum):
    DRAFT = strawberry.enum_value("draft", description="Draft application / 申报草稿")
    SUBMITTED = strawberry.enum_value("submitted", description="Submitted to the bureau / 已提交")
    RETURNED = strawberry.enum_value("returned", description="Returned for changes / 退回修改")
    RECOMMENDED = strawberry.enum_value(
        "recommended", description="Recommended by the bureau / 市局推荐"
    )
    FORMAL_REVIEW_PASSED = strawberry.enum_value(
        "formal_review_passed", description="Formal review passed / 形式审查通过"
    )
    EXPERT_REVIEW = strawberry.enum_value(
        "expert_review", description="Under expert review / 专家评审中"
    )
    REJECTED = strawberry.enum_value("rejected", description="Rejected / 未通过")
    CULTIVATING = strawberry.enum_value(
        "cultivating", description="On the cultivation list / 培育中"
    )
    CULTIVATION_FAILED = strawberry.enum_value(
        "cultivation_failed", description="Cultivation failed / 培育未通过"
    )
    ESTABLISHED = strawberry.enum_value("established", description="Established / 批复成立")
    RECTIFYING = strawberry.enum_value("rectifying", description="In rectification / 整改中")
    REVOKED = strawberry.enum_value("revoked", description="Revoked / 摘牌撤销")
