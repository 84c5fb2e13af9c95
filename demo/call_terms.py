"""The terms of the demo's yearly calls for applications."""

from __future__ import annotations

from decimal import Decimal

from models.documents import DocumentKind

# Calls: one a year since the programme began; the current year's is open.
FIRST_CALL_YEAR = 2019
REQUIRED_DOCUMENTS = (DocumentKind.CONSTRUCTION_PLAN.value, DocumentKind.BUSINESS_LICENCE.value)
OPEN_CALL_INDUSTRIES = (
    "nonferrous_metals",
    "green_chemicals",
    "ai_it",
    "food_processing",
    "forestry_paper",
    "biomedicine_health",
)
LAST_CALL_INDUSTRIES = ("advanced_steel", "green_building_materials", "machinery_equipment")
CALL_CONDITIONS = (
    "一、由行业影响力大、研发能力强的企业牵头，联合产业链上下游企业、科研院所、高校等创新主体，"
    "按照“公司+联盟”模式组建，牵头单位为在广西境内注册、具有独立法人资格的企业。\n"
    "二、创新资源基础扎实：紧扣自治区制造业十大现代化支柱产业布局，拥有能够代表本领域先进水平的"
    "研发力量，原则上不与已支持建设的创新中心领域方向重复。\n"
    "三、核心功能定位清晰：以本领域关键共性技术研发供给、转移扩散和首次商业化为核心任务。\n"
    "四、协同机制运行高效、市场运作模式稳定：形成资源开放共享机制，能够通过技术成果转化、"
    "企业孵化、企业委托研发等方式获得一定收入。\n"
    "五、转化应用渠道畅通、产业带动效应突出：建有知识产权与成果转化机制，具备中试放大与场景应用"
    "能力。\n"
    "申报单位须提交建设方案和营业执照，经所在市工业和信息化局初审后推荐。"
)
SUPPORT_POLICY = (
    "对列入“广西壮族自治区制造业创新中心培育名单”的，按照不超过总投资（固定资产投资、"
    "配套软件投入等）的50%给予资金扶持，单个平台最高不超过1000万元。资金分2次拨付，"
    "签订培育任务书、正式获得认定分别拨付资金的50%。支持获批成立的创新中心创建国家制造业"
    "创新中心，获批的5年内累计给予原则上不低于5000万元科技计划项目支持。"
)
GRANT_SHARE = Decimal("0.5")
GRANT_CAP = Decimal("10000000.00")
