"""How the demo's centres reach their states: the moves, who makes them, what is said."""

from __future__ import annotations

from models.accounts import RoleName
from models.centres import CentreStatus
from models.lifecycle import Authority, Move

# How each state is reached from a new draft, move by move (models/lifecycle.TABLE).
_SELECTION = (Move.SUBMIT, Move.RECOMMEND, Move.PASS_FORMAL_REVIEW, Move.START_EXPERT_REVIEW)
_LISTED = (*_SELECTION, Move.LIST_FOR_CULTIVATION)
_ESTABLISHED = (*_LISTED, Move.ESTABLISH)
PATHS: dict[CentreStatus, tuple[Move, ...]] = {
    CentreStatus.DRAFT: (),
    CentreStatus.SUBMITTED: (Move.SUBMIT,),
    CentreStatus.RETURNED: (Move.SUBMIT, Move.RETURN),
    CentreStatus.RECOMMENDED: _SELECTION[:2],
    CentreStatus.FORMAL_REVIEW_PASSED: _SELECTION[:3],
    CentreStatus.EXPERT_REVIEW: _SELECTION,
    CentreStatus.REJECTED: (*_SELECTION, Move.REJECT_AFTER_REVIEW),
    CentreStatus.CULTIVATING: _LISTED,
    CentreStatus.CULTIVATION_FAILED: (*_LISTED, Move.FAIL_CULTIVATION),
    CentreStatus.ESTABLISHED: _ESTABLISHED,
    CentreStatus.RECTIFYING: (*_ESTABLISHED, Move.START_RECTIFICATION),
    CentreStatus.REVOKED: (*_ESTABLISHED, Move.START_RECTIFICATION, Move.REVOKE),
}
PROVINCIAL_SELECTION = frozenset(
    {
        Move.PASS_FORMAL_REVIEW,
        Move.START_EXPERT_REVIEW,
        Move.LIST_FOR_CULTIVATION,
        Move.REJECT_AFTER_REVIEW,
    }
)
MOVE_COMMENTS: dict[Move, str] = {
    Move.RECOMMEND: "经初审，申报材料齐全、符合申报条件，同意推荐。",
    Move.RETURN: (
        "建设方案的技术路线图缺少分年度里程碑和考核指标，联盟成员出资证明不全，"
        "请补充完善后重新提交。"
    ),
    Move.PASS_FORMAL_REVIEW: "资格条件核验和形式审查通过。",
    Move.LIST_FOR_CULTIVATION: "专家评审和现场核验通过，列入培育名单，已签订培育任务书。",
    Move.REJECT_AFTER_REVIEW: (
        "专家评审综合得分未达到列入培育名单的要求：市场化运行模式论证不充分，成果转移扩散渠道"
        "单一，与现有平台的应用方向区分度不足。请结合评审意见完善建设方案后再行申报。"
    ),
    Move.ESTABLISH: "期满评估通过，培育任务全部完成，批复成立。",
    Move.FAIL_CULTIVATION: (
        "期满评估未通过：培育期内研发投入、发明专利等关键指标完成率不足一半，运营公司尚未形成"
        "稳定的技术服务收入，不予批复成立。"
    ),
    Move.START_RECTIFICATION: (
        "定期考核结果为不合格：关键共性技术攻关进展滞后，技术服务收入连续两年下降，决策机构未按"
        "章程履职。给予1年整改期限，期满后重新考核。"
    ),
    Move.REVOKE: "整改期满后经专家组重新考核，整改结果仍未通过，按程序予以摘牌撤销。",
}
AUTHORITY_ROLE = {
    Authority.LEAD_ENTERPRISE: RoleName.ENTERPRISE,
    Authority.CITY_BUREAU: RoleName.MUNICIPAL_BUREAU,
    Authority.PROVINCE: RoleName.PROVINCIAL_STAFF,
}
# Applications under the open call, moving along these weeks; the rejected one applied last year.
OPEN_CALL_STATUSES = frozenset(
    {
        CentreStatus.DRAFT,
        CentreStatus.SUBMITTED,
        CentreStatus.RETURNED,
        CentreStatus.RECOMMENDED,
        CentreStatus.FORMAL_REVIEW_PASSED,
        CentreStatus.EXPERT_REVIEW,
    }
)
# Moves whose day is a date on the centre (listed_on, established_on).
DATED_MOVES = frozenset({Move.LIST_FOR_CULTIVATION, Move.ESTABLISH})
REVIEWED = frozenset(
    {
        CentreStatus.EXPERT_REVIEW,
        CentreStatus.REJECTED,
        CentreStatus.CULTIVATING,
        CentreStatus.CULTIVATION_FAILED,
        CentreStatus.ESTABLISHED,
        CentreStatus.RECTIFYING,
        CentreStatus.REVOKED,
    }
)
CULTIVATED = REVIEWED - {CentreStatus.EXPERT_REVIEW, CentreStatus.REJECTED}
