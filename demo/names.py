"""Names of the people on the centres' governance bodies, and the titles of their members."""

from __future__ import annotations

from models.reference import OrganisationKind

_ENT = OrganisationKind.ENTERPRISE
_INST = OrganisationKind.RESEARCH_INSTITUTE
_UNI = OrganisationKind.UNIVERSITY
_OTHER = OrganisationKind.OTHER


# Governance people (决策机构, 技术专家委员会): surname and given name picked by position.
SURNAMES = "韦覃黄莫蓝陆梁李罗谢廖甘邓卢农潘杨周唐吴钟何蒋黎"
GIVEN_NAMES = (
    "振华",
    "国庆",
    "立新",
    "晓峰",
    "海涛",
    "建军",
    "志远",
    "春燕",
    "文斌",
    "伟东",
    "红梅",
    "永强",
    "启明",
    "少华",
    "秀玲",
    "宏伟",
    "德胜",
    "立群",
    "振宇",
    "家豪",
    "雪梅",
    "文涛",
    "建明",
    "晓燕",
)
EXPERT_TITLE = {_ENT: "正高级工程师", _INST: "研究员", _UNI: "教授", _OTHER: "高级工程师"}
