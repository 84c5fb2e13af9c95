"""The demo programme (`mic seed-demo`) and the first administrator (`mic create-admin`).

The demo is a believable slice of the Guangxi programme: organisations of every kind in several
cities, the yearly calls for applications (the current one open), centres in every lifecycle state
with their alliances and application content, each centre's status history, expert reviews (one
in progress), and cultivation (task agreements, indicators, progress, inspections), and one
account per role and tenant. Everything is looked up before it is created, so seeding twice
creates nothing new, and accounts, calls, centres and alliances that already exist are never
changed. Dates are deterministic; only the open call and the newest applications are placed
relative to the day of seeding, so that the workflow looks current.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from uuid import UUID

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from api.passwords import hash_password_async
from models.accounts import RoleBinding, RoleName, User
from models.audit import AuditEvent, Outcome, append
from models.base import utcnow
from models.calls import Call
from models.centres import AllianceMember, Centre, CentreStatus, CentreStatusEvent, MemberRole
from models.credit_code import make_credit_code
from models.cultivation import (
    Indicator,
    IndicatorProgress,
    Inspection,
    InspectionKind,
    TaskAgreement,
)
from models.documents import DocumentKind
from models.lifecycle import (
    CULTIVATION_YEARS,
    TABLE,
    Authority,
    Move,
    apply,
    cultivation_deadline,
)
from models.reference import City, Industry, Organisation, OrganisationKind
from models.reference_data import load_reference_data
from models.reviews import (
    CENT,
    CRITERIA,
    Review,
    ReviewAssignment,
    ReviewStatus,
    Score,
    aggregate,
    conflict_of_interest,
    weighted_total,
)

ACTOR = "mic-cli"

# Registration authority + institution type, the first two characters of a credit code.
COMPANY = "91"  # enterprise registered with market regulation (企业)
PUBLIC = "12"  # public institution (事业单位)
SOCIAL = "51"  # social group registered with civil affairs (社会团体)

# How the organisation-code part of real codes of each registrar usually starts.
_BODY_PREFIX = {COMPANY: "MA5", PUBLIC: "498", SOCIAL: "MJ0"}

_ENT = OrganisationKind.ENTERPRISE
_INST = OrganisationKind.RESEARCH_INSTITUTE
_UNI = OrganisationKind.UNIVERSITY
_OTHER = OrganisationKind.OTHER
_LEAD, _CORE, _MEMBER = MemberRole.LEAD, MemberRole.CORE, MemberRole.MEMBER


@dataclass(frozen=True, slots=True)
class OrgSpec:
    short_name: str
    name: str
    kind: OrganisationKind
    city: str  # City.pinyin
    registrar: str = COMPANY


@dataclass(frozen=True, slots=True)
class MemberSpec:
    organisation: str  # OrgSpec.short_name
    role: MemberRole
    joined_on: date
    left_on: date | None = None


@dataclass(frozen=True, slots=True)
class CentreSpec:
    name: str
    industry: str  # Industry.code
    lead: str  # OrgSpec.short_name; the centre is in the lead organisation's city
    status: CentreStatus
    direction: str
    operating_company: str
    formed_on: date  # the day the lead unit founded the alliance
    members: tuple[MemberSpec, ...]
    listed_on: date | None = None
    established_on: date | None = None
    is_national: bool = False


@dataclass(frozen=True, slots=True)
class ExpertSpec:
    display_name: str
    organisation: str
    conflicts: tuple[str, ...] = ()  # organisations the expert declared they must not review


@dataclass(frozen=True, slots=True)
class AccountSpec:
    username: str
    display_name: str
    role: RoleName
    city: City | None = None
    organisation: Organisation | None = None
    user_organisation: Organisation | None = None
    conflicts: tuple[str, ...] = ()  # organisation ids


# Append only: a row's position derives its credit code, so reordering would change codes.
ORGANISATIONS: tuple[OrgSpec, ...] = (
    OrgSpec("liugong", "广西柳工机械股份有限公司", _ENT, "liuzhou"),
    OrgSpec("yuchai", "广西玉柴机器股份有限公司", _ENT, "yulin"),
    OrgSpec("sgmw", "上汽通用五菱汽车股份有限公司", _ENT, "liuzhou"),
    OrgSpec("dflzm", "东风柳州汽车有限公司", _ENT, "liuzhou"),
    OrgSpec("gxauto", "广西汽车集团有限公司", _ENT, "liuzhou"),
    OrgSpec("liugang", "广西柳州钢铁集团有限公司", _ENT, "liuzhou"),
    OrgSpec("shenglong", "广西盛隆冶金有限公司", _ENT, "fangchenggang"),
    OrgSpec("alnan", "广西南南铝加工有限公司", _ENT, "nanning"),
    OrgSpec("chalco-gx", "中国铝业股份有限公司广西分公司", _ENT, "baise"),
    OrgSpec("yinhai", "广西百色银海铝业有限责任公司", _ENT, "baise"),
    OrgSpec("huaxi", "广西华锡集团股份有限公司", _ENT, "hechi"),
    OrgSpec("huayi", "广西华谊能源化工有限公司", _ENT, "qinzhou"),
    OrgSpec("hengyi", "广西恒逸新材料有限公司", _ENT, "qinzhou"),
    OrgSpec("fugui", "南宁富桂精密工业有限公司", _ENT, "nanning"),
    OrgSpec("caih", "中国—东盟信息港股份有限公司", _ENT, "nanning"),
    OrgSpec("changhai", "桂林长海发展有限责任公司", _ENT, "guilin"),
    OrgSpec("gxsugar", "广西农垦糖业集团股份有限公司", _ENT, "nanning"),
    OrgSpec("dongya", "广西东亚糖业有限公司", _ENT, "chongzuo"),
    OrgSpec("dongtang", "广西来宾东糖集团有限公司", _ENT, "laibin"),
    OrgSpec("fenglin", "广西丰林木业集团股份有限公司", _ENT, "nanning"),
    OrgSpec("sunpaper", "广西太阳纸业有限公司", _ENT, "beihai"),
    OrgSpec("sanjin", "桂林三金药业股份有限公司", _ENT, "guilin"),
    OrgSpec("wzzy", "广西梧州制药（集团）股份有限公司", _ENT, "wuzhou"),
    OrgSpec("kelong", "广西贺州市科隆粉体有限公司", _ENT, "hezhou"),
    OrgSpec("crcement", "华润水泥（贵港）有限公司", _ENT, "guigang"),
    OrgSpec("fulda", "桂林福达股份有限公司", _ENT, "guilin"),
    OrgSpec("huayou", "广西华友锂电新材料有限公司", _ENT, "yulin"),
    OrgSpec("gxu", "广西大学", _UNI, "nanning", PUBLIC),
    OrgSpec("gxust", "广西科技大学", _UNI, "liuzhou", PUBLIC),
    OrgSpec("guet", "桂林电子科技大学", _UNI, "guilin", PUBLIC),
    OrgSpec("glut", "桂林理工大学", _UNI, "guilin", PUBLIC),
    OrgSpec("gxmu", "广西医科大学", _UNI, "nanning", PUBLIC),
    OrgSpec("gxtcmu", "广西中医药大学", _UNI, "nanning", PUBLIC),
    OrgSpec("bbgu", "北部湾大学", _UNI, "qinzhou", PUBLIC),
    OrgSpec("gxuwz", "梧州学院", _UNI, "wuzhou", PUBLIC),
    OrgSpec("ylu", "玉林师范学院", _UNI, "yulin", PUBLIC),
    OrgSpec("hzu", "贺州学院", _UNI, "hezhou", PUBLIC),
    OrgSpec("gxas", "广西科学院", _INST, "nanning", PUBLIC),
    OrgSpec("gxmri", "广西壮族自治区机械工业研究院", _INST, "nanning", PUBLIC),
    OrgSpec("gxcri", "广西化工研究院有限公司", _INST, "nanning"),
    OrgSpec("gxmeti", "广西冶金研究院有限公司", _INST, "nanning"),
    OrgSpec("gxfri", "广西壮族自治区林业科学研究院", _INST, "nanning", PUBLIC),
    OrgSpec("gxsri", "广西壮族自治区农业科学院甘蔗研究所", _INST, "nanning", PUBLIC),
    OrgSpec("gimg", "中国有色桂林矿产地质研究院有限公司", _INST, "guilin"),
    OrgSpec("gxatri", "广西汽车拖拉机研究所有限公司", _INST, "liuzhou"),
    OrgSpec("gxabr", "广西壮族自治区建筑科学研究设计院", _INST, "nanning", PUBLIC),
    OrgSpec("gxmpg", "广西壮族自治区药用植物园", _INST, "nanning", PUBLIC),
    OrgSpec("gxqi", "广西壮族自治区产品质量检验研究院", _OTHER, "nanning", PUBLIC),
    OrgSpec("gxmes", "广西机械工程学会", _OTHER, "nanning", SOCIAL),
    OrgSpec("gxnfa", "广西有色金属工业协会", _OTHER, "nanning", SOCIAL),
    OrgSpec("lzaia", "柳州市汽车行业协会", _OTHER, "liuzhou", SOCIAL),
)


def _m(org: str, role: MemberRole, joined: str, left: str | None = None) -> MemberSpec:
    # ISO strings keep the alliance tables below on one line per member.
    return MemberSpec(
        org, role, date.fromisoformat(joined), date.fromisoformat(left) if left else None
    )


CENTRES: tuple[CentreSpec, ...] = (
    CentreSpec(
        name="广西工程机械制造业创新中心",
        industry="machinery_equipment",
        lead="liugong",
        status=CentreStatus.ESTABLISHED,
        direction="智能化工程机械整机及关键零部件",
        operating_company="广西工程机械创新中心有限公司",
        formed_on=date(2020, 9, 15),
        members=(
            _m("gxust", _CORE, "2020-09-15"),
            _m("gxu", _CORE, "2020-10-20"),
            _m("gxmri", _MEMBER, "2021-01-08"),
            _m("fulda", _MEMBER, "2021-03-02"),
            _m("gxmes", _MEMBER, "2021-05-11"),
            _m("glut", _MEMBER, "2021-03-02", "2023-12-31"),
        ),
        listed_on=date(2021, 6, 18),
        established_on=date(2023, 3, 10),
    ),
    CentreSpec(
        name="广西新能源动力系统制造业创新中心",
        industry="nev_batteries",
        lead="yuchai",
        status=CentreStatus.ESTABLISHED,
        direction="混合动力、氢燃料及纯电动力总成",
        operating_company="广西玉柴动力创新科技有限公司",
        formed_on=date(2019, 11, 20),
        members=(
            _m("gxu", _CORE, "2019-11-20"),
            _m("gxust", _CORE, "2019-12-16"),
            _m("gxatri", _CORE, "2019-12-16"),
            _m("huayou", _MEMBER, "2021-04-09"),
            _m("ylu", _MEMBER, "2020-03-05"),
            _m("gxqi", _MEMBER, "2020-06-30"),
        ),
        listed_on=date(2020, 8, 5),
        established_on=date(2022, 6, 28),
        is_national=True,
    ),
    CentreSpec(
        name="广西智能网联新能源汽车制造业创新中心",
        industry="nev_batteries",
        lead="sgmw",
        status=CentreStatus.CULTIVATING,
        direction="智能网联与电动化整车平台",
        operating_company="广西智能网联汽车创新中心有限公司",
        formed_on=date(2023, 7, 1),
        members=(
            _m("dflzm", _CORE, "2023-07-01"),
            _m("gxauto", _CORE, "2023-07-01"),
            _m("guet", _CORE, "2023-08-14"),
            _m("gxust", _MEMBER, "2023-08-14"),
            _m("gxatri", _MEMBER, "2023-10-09"),
            _m("lzaia", _MEMBER, "2023-10-09"),
            _m("caih", _MEMBER, "2023-11-20", "2024-12-31"),
        ),
        listed_on=date(2024, 5, 20),
    ),
    CentreSpec(
        name="广西先进钢铁材料制造业创新中心",
        industry="advanced_steel",
        lead="liugang",
        status=CentreStatus.RECTIFYING,
        direction="高端汽车用钢及工程机械用高强钢",
        operating_company="广西先进钢铁材料创新中心有限公司",
        formed_on=date(2020, 3, 10),
        members=(
            _m("shenglong", _CORE, "2020-03-10"),
            _m("gxu", _CORE, "2020-04-22"),
            _m("gxmeti", _CORE, "2020-04-22"),
            _m("gxust", _MEMBER, "2020-06-01"),
            _m("liugong", _MEMBER, "2020-06-01"),
            _m("glut", _MEMBER, "2021-02-25"),
        ),
        listed_on=date(2020, 12, 8),
        established_on=date(2022, 9, 16),
    ),
    CentreSpec(
        name="广西高端铝基新材料制造业创新中心",
        industry="nonferrous_metals",
        lead="alnan",
        status=CentreStatus.CULTIVATING,
        direction="航空航天及轨道交通用高端铝合金材料",
        operating_company="广西铝基新材料创新科技有限公司",
        formed_on=date(2022, 8, 16),
        members=(
            _m("chalco-gx", _CORE, "2022-08-16"),
            _m("yinhai", _CORE, "2022-08-16"),
            _m("gxu", _CORE, "2022-09-05"),
            _m("gxnfa", _MEMBER, "2022-10-18"),
            _m("glut", _MEMBER, "2022-10-18"),
            _m("gxmeti", _MEMBER, "2023-01-12"),
        ),
        listed_on=date(2023, 11, 28),
    ),
    CentreSpec(
        name="广西锡锑关键金属材料制造业创新中心",
        industry="nonferrous_metals",
        lead="huaxi",
        status=CentreStatus.EXPERT_REVIEW,
        direction="锡锑精深加工与关键金属材料",
        operating_company="广西关键金属材料创新中心有限公司",
        formed_on=date(2024, 3, 18),
        members=(
            _m("glut", _CORE, "2024-03-18"),
            _m("gimg", _CORE, "2024-03-18"),
            _m("gxnfa", _MEMBER, "2024-04-25"),
            _m("gxu", _MEMBER, "2024-05-30"),
        ),
    ),
    CentreSpec(
        name="广西绿色化工新材料制造业创新中心",
        industry="green_chemicals",
        lead="huayi",
        status=CentreStatus.FORMAL_REVIEW_PASSED,
        direction="煤基及石化基高性能新材料",
        operating_company="广西绿色化工创新中心有限公司",
        formed_on=date(2024, 5, 9),
        members=(
            _m("hengyi", _CORE, "2024-05-09"),
            _m("gxcri", _CORE, "2024-05-09"),
            _m("bbgu", _CORE, "2024-06-03"),
            _m("gxu", _MEMBER, "2024-07-15"),
        ),
    ),
    CentreSpec(
        name="广西智能终端与电子信息制造业创新中心",
        industry="ai_it",
        lead="fugui",
        status=CentreStatus.RECOMMENDED,
        direction="智能终端、工业互联网与边缘计算",
        operating_company="广西智能终端创新科技有限公司",
        formed_on=date(2024, 6, 20),
        members=(
            _m("guet", _CORE, "2024-06-20"),
            _m("caih", _CORE, "2024-06-20"),
            _m("changhai", _MEMBER, "2024-08-08"),
            _m("gxas", _MEMBER, "2024-08-08"),
        ),
    ),
    CentreSpec(
        name="广西蔗糖精深加工制造业创新中心",
        industry="food_processing",
        lead="dongya",
        status=CentreStatus.SUBMITTED,
        direction="甘蔗制糖及副产物高值化利用",
        operating_company="广西蔗糖产业创新中心有限公司",
        formed_on=date(2024, 9, 2),
        members=(
            _m("gxsugar", _CORE, "2024-09-02"),
            _m("dongtang", _CORE, "2024-09-02"),
            _m("gxsri", _CORE, "2024-09-20"),
            _m("gxu", _MEMBER, "2024-10-11"),
        ),
    ),
    CentreSpec(
        name="广西林产化工与高端纸业制造业创新中心",
        industry="forestry_paper",
        lead="sunpaper",
        status=CentreStatus.RETURNED,
        direction="林浆纸一体化与生物基材料",
        operating_company="广西林纸创新科技有限公司",
        formed_on=date(2024, 4, 12),
        members=(
            _m("fenglin", _CORE, "2024-04-12"),
            _m("gxfri", _CORE, "2024-04-12"),
            _m("gxu", _CORE, "2024-05-06"),
            _m("bbgu", _MEMBER, "2024-06-17"),
        ),
    ),
    CentreSpec(
        name="广西中药民族药制造业创新中心",
        industry="biomedicine_health",
        lead="sanjin",
        status=CentreStatus.DRAFT,
        direction="壮瑶药等民族药现代化与大健康产品",
        operating_company="广西民族药创新中心有限公司（筹）",
        formed_on=date(2025, 2, 17),
        members=(
            _m("gxtcmu", _CORE, "2025-02-17"),
            _m("gxmpg", _CORE, "2025-02-17"),
            _m("gxmu", _MEMBER, "2025-03-10"),
            _m("wzzy", _MEMBER, "2025-03-10"),
        ),
    ),
    CentreSpec(
        name="广西碳酸钙新材料制造业创新中心",
        industry="green_building_materials",
        lead="kelong",
        status=CentreStatus.REJECTED,
        direction="重质碳酸钙粉体及绿色建材应用",
        operating_company="广西碳酸钙产业创新中心有限公司",
        formed_on=date(2023, 10, 10),
        members=(
            _m("hzu", _CORE, "2023-10-10"),
            _m("glut", _CORE, "2023-10-10"),
            _m("gxabr", _MEMBER, "2023-11-21"),
            _m("crcement", _MEMBER, "2023-12-05"),
        ),
    ),
    CentreSpec(
        name="广西汽车关键零部件制造业创新中心",
        industry="machinery_equipment",
        lead="fulda",
        status=CentreStatus.REVOKED,
        direction="汽车传动系统及精密锻件",
        operating_company="桂林汽车零部件创新中心有限公司",
        formed_on=date(2018, 12, 5),
        members=(
            _m("guet", _CORE, "2018-12-05"),
            _m("glut", _CORE, "2018-12-05"),
            _m("gxatri", _MEMBER, "2019-03-14"),
            _m("gxmes", _MEMBER, "2019-03-14", "2023-06-30"),
        ),
        listed_on=date(2019, 9, 20),
        established_on=date(2021, 4, 15),
    ),
    CentreSpec(
        name="广西现代中药制剂制造业创新中心",
        industry="biomedicine_health",
        lead="wzzy",
        status=CentreStatus.CULTIVATION_FAILED,
        direction="中成药新型制剂与智能制造",
        operating_company="梧州中药制剂创新科技有限公司",
        formed_on=date(2020, 12, 1),
        members=(
            _m("gxtcmu", _CORE, "2020-12-01"),
            _m("gxuwz", _CORE, "2020-12-01"),
            _m("gxmu", _MEMBER, "2021-02-22"),
            _m("sanjin", _MEMBER, "2021-02-22", "2022-10-31"),
        ),
        listed_on=date(2021, 7, 26),
    ),
)

# Experts sit in universities and institutes; some declared conflicts with enterprises.
EXPERTS: tuple[ExpertSpec, ...] = (
    ExpertSpec("黄志刚 教授", "gxu", ("liugong", "alnan")),
    ExpertSpec("陈丽娟 教授", "guet", ("fugui", "changhai")),
    ExpertSpec("韦国华 教授", "gxust"),
    ExpertSpec("李明哲 教授", "glut"),
    ExpertSpec("覃海燕 研究员", "gxas"),
    ExpertSpec("周建平 研究员", "gxmri", ("yuchai",)),
    ExpertSpec("蒙晓东 正高级工程师", "gxcri"),
    ExpertSpec("梁秋云 教授", "gxtcmu", ("sanjin", "wzzy")),
    ExpertSpec("刘振宇 教授", "bbgu"),
    ExpertSpec("黎文静 研究员", "gxfri"),
)

# Member enterprises that get an account besides every lead organisation.
MEMBER_ENTERPRISE_ACCOUNTS: tuple[str, ...] = (
    "dflzm",
    "gxauto",
    "chalco-gx",
    "hengyi",
    "caih",
    "gxsugar",
)


@dataclass(frozen=True, slots=True)
class PlanSpec:
    """A centre's construction plan (建设方案): goals, key technologies, the shared platform it
    builds, and the planned investment in exact CNY."""

    goals: str
    technologies: tuple[str, str, str]
    platform: str
    fixed_asset_investment: Decimal
    software_investment: Decimal


# By the lead organisation's short name (one centre per lead).
PLANS: dict[str, PlanSpec] = {
    "liugong": PlanSpec(
        "建成国内领先的工程机械智能化共性技术研发与验证平台，突破电动化、无人化施工装备关键技术，"
        "带动广西工程机械产业链本地配套率提升至70%以上。",
        ("工程机械电驱动与能量回收系统", "无人化施工与远程遥控技术", "高可靠性液压传动关键零部件"),
        "工程机械整机可靠性试验与验证平台",
        Decimal("68500000.00"),
        Decimal("12300000.00"),
    ),
    "yuchai": PlanSpec(
        "打造面向商用车和非道路机械的新能源动力总成共性技术供给平台，形成混合动力、氢燃料发动机和"
        "电驱动系统的正向开发能力，支撑广西内燃机产业绿色转型。",
        ("大功率混合动力系统集成与控制", "氢内燃机燃烧与排放控制", "电驱动总成高效集成"),
        "新能源动力总成台架试验中心",
        Decimal("82000000.00"),
        Decimal("15600000.00"),
    ),
    "sgmw": PlanSpec(
        "围绕小型电动车与智能网联汽车，构建整车平台、智能座舱和车路协同共性技术体系，"
        "推动柳州汽车产业向电动化、智能化升级。",
        ("低成本电动化整车平台架构", "智能座舱与车载操作系统", "车路协同与高精度定位"),
        "智能网联汽车测试验证与示范平台",
        Decimal("56800000.00"),
        Decimal("18200000.00"),
    ),
    "liugang": PlanSpec(
        "突破高端汽车用钢和工程机械用高强钢的成分设计与稳定化生产技术，形成从材料研发到用户应用的"
        "协同创新链，提升广西钢铁产品附加值。",
        (
            "第三代先进高强汽车钢成分与工艺设计",
            "高强耐磨钢板形与性能稳定控制",
            "钢材服役性能评价与应用技术",
        ),
        "先进钢铁材料中试与应用评价平台",
        Decimal("49300000.00"),
        Decimal("6750000.00"),
    ),
    "alnan": PlanSpec(
        "建成高端铝合金材料研发、中试与检测评价一体化平台，突破航空航天和轨道交通用铝合金板带型材"
        "关键制备技术，实现重点产品进口替代。",
        (
            "高强高韧铝合金成分设计与熔铸",
            "大规格铝合金板材热处理与残余应力控制",
            "铝合金型材精密挤压成形",
        ),
        "高端铝合金中试线与检测评价中心",
        Decimal("61200000.00"),
        Decimal("7480000.00"),
    ),
    "huaxi": PlanSpec(
        "依托广西锡锑资源优势，突破锡锑精深加工和高纯材料制备技术，建设关键金属材料创新平台，"
        "提升资源综合利用率和产品附加值。",
        ("高纯锡、高纯锑制备与提纯", "锡基无铅焊料与电子材料", "锑系阻燃材料与伴生金属综合回收"),
        "关键金属材料中试与分析检测平台",
        Decimal("38600000.00"),
        Decimal("5200000.00"),
    ),
    "huayi": PlanSpec(
        "围绕钦州石化产业基地，突破煤基及石化基高性能材料绿色合成关键技术，形成一批可工程化放大的"
        "工艺包，推动化工产业向新材料延伸。",
        ("煤基甲醇制烯烃高值化利用", "高性能聚酯与工程塑料合成", "化工过程低碳节能与数字化控制"),
        "绿色化工新材料中试放大基地",
        Decimal("72500000.00"),
        Decimal("9860000.00"),
    ),
    "fugui": PlanSpec(
        "构建智能终端与工业互联网共性技术平台，突破边缘计算和智能制造关键技术，服务广西电子信息"
        "产业集群和中国—东盟数字经济合作。",
        ("工业互联网标识解析与边缘计算", "智能终端精密制造与检测", "面向东盟的多语种智能终端软件"),
        "工业互联网与边缘计算测试验证平台",
        Decimal("35400000.00"),
        Decimal("21600000.00"),
    ),
    "dongya": PlanSpec(
        "围绕甘蔗“种—收—制—用”全链条，突破智能制糖和副产物高值化利用技术，提升制糖综合效益，"
        "助力广西糖业二次创业。",
        ("制糖过程智能控制与节能降耗", "蔗渣、糖蜜高值化利用", "甘蔗机械化收获与原料品质评价"),
        "蔗糖精深加工中试基地",
        Decimal("28900000.00"),
        Decimal("4350000.00"),
    ),
    "sunpaper": PlanSpec(
        "依托林浆纸一体化基地，突破桉木高效制浆和生物基材料制备技术，推动林产加工向高端纸品和"
        "生物基新材料延伸。",
        ("桉木高得率清洁制浆", "纤维素基生物材料制备", "造纸过程节水减排与智能控制"),
        "林浆纸及生物基材料中试平台",
        Decimal("44700000.00"),
        Decimal("6120000.00"),
    ),
    "sanjin": PlanSpec(
        "建设民族药现代化研发平台，开展壮瑶药资源评价、质量标准和新药研发，培育一批具有广西特色的"
        "民族药和大健康产品。",
        ("壮瑶药药效物质基础与质量标准", "民族药经典名方二次开发", "药用植物规范化种植与溯源"),
        "民族药质量研究与中试平台",
        Decimal("22600000.00"),
        Decimal("3980000.00"),
    ),
    "kelong": PlanSpec(
        "围绕贺州碳酸钙产业，突破超细重质碳酸钙粉体制备与表面改性技术，拓展在绿色建材、"
        "高分子材料中的高端应用。",
        ("超细重质碳酸钙粉碎分级", "碳酸钙表面改性与功能化", "碳酸钙基绿色建材制品"),
        "碳酸钙粉体应用评价平台",
        Decimal("18500000.00"),
        Decimal("2460000.00"),
    ),
    "fulda": PlanSpec(
        "突破汽车传动系统和精密锻件关键工艺，建设精密锻造共性技术平台，服务广西汽车及零部件产业"
        "本地配套。",
        ("曲轴、齿轮精密锻造成形", "传动系统轻量化设计", "锻件在线检测与质量追溯"),
        "精密锻造工艺验证平台",
        Decimal("31800000.00"),
        Decimal("4270000.00"),
    ),
    "wzzy": PlanSpec(
        "推动中成药新型制剂研发和智能制造升级，建设中药制剂共性技术平台，提高广西中成药产品质量和"
        "市场竞争力。",
        ("中药注射剂与新型口服制剂", "中药提取过程在线质控", "中药智能制造与连续化生产"),
        "中药新型制剂中试平台",
        Decimal("26300000.00"),
        Decimal("5140000.00"),
    ),
}

# Governance people (决策机构, 技术专家委员会): surname and given name picked by position.
_SURNAMES = "韦覃黄莫蓝陆梁李罗谢廖甘邓卢农潘杨周唐吴钟何蒋黎"
_GIVEN_NAMES = (
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
_EXPERT_TITLE = {_ENT: "正高级工程师", _INST: "研究员", _UNI: "教授", _OTHER: "高级工程师"}

# Guangxi wall-clock time: the demo's moves happen in office hours there.
CST = timezone(timedelta(hours=8), "CST")

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
_PROVINCIAL_SELECTION = frozenset(
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
_AUTHORITY_ROLE = {
    Authority.LEAD_ENTERPRISE: RoleName.ENTERPRISE,
    Authority.CITY_BUREAU: RoleName.MUNICIPAL_BUREAU,
    Authority.PROVINCE: RoleName.PROVINCIAL_STAFF,
}
# Applications under the open call, moving along these weeks; the rejected one applied last year.
_OPEN_CALL_STATUSES = frozenset(
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
_DATED_MOVES = frozenset({Move.LIST_FOR_CULTIVATION, Move.ESTABLISH})
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
OPEN_REVIEW_EXPERTS, OPEN_REVIEW_SCORED = 5, 3
# The cultivating centre whose three years run out soon (centresNearingCultivationDeadline).
NEARING_DEADLINE = "广西高端铝基新材料制造业创新中心"
NEARING_WINDOW = (timedelta(days=30), timedelta(days=180))


def _credit_code(index: int, spec: OrgSpec, city: City) -> str:
    # 7919 is prime, so the 5-digit tails differ for the first 100 000 rows yet look unordered.
    body = f"{_BODY_PREFIX[spec.registrar]}{(index + 1) * 7919 % 100_000:05d}"
    return make_credit_code(spec.registrar, city.code, body)


async def _ensure_reference_data() -> None:
    # `mic migrate` loads these; a bare database gets the bundled Guangxi data first.
    cities = {spec.city for spec in ORGANISATIONS}
    industries = {spec.industry for spec in CENTRES}
    have_cities = await City.filter(pinyin__in=cities).count()
    have_industries = await Industry.filter(code__in=industries).count()
    if have_cities < len(cities) or have_industries < len(industries):
        await load_reference_data()


async def _seed_organisations(
    conn: BaseDBAsyncClient, cities: dict[str, City]
) -> tuple[dict[str, Organisation], int]:
    """Every demo organisation by short name, reusing one with the same short name or code."""
    codes = [_credit_code(i, spec, cities[spec.city]) for i, spec in enumerate(ORGANISATIONS)]
    shorts = [spec.short_name for spec in ORGANISATIONS]
    existing = await Organisation.filter(
        Q(short_name__in=shorts) | Q(credit_code__in=codes)
    ).using_db(conn)
    by_short = {org.short_name: org for org in existing}
    by_code = {org.credit_code: org for org in existing}
    found: dict[str, Organisation] = {}
    new: list[Organisation] = []
    for spec, code in zip(ORGANISATIONS, codes, strict=True):
        org = by_short.get(spec.short_name) or by_code.get(code)
        if org is None:
            org = Organisation(
                name=spec.name,
                short_name=spec.short_name,
                credit_code=code,
                kind=spec.kind,
                city_id=cities[spec.city].id,
            )
            new.append(org)
        found[spec.short_name] = org
    await Organisation.bulk_create(new, using_db=conn)
    return found, len(new)


def _alliance(
    spec: CentreSpec, centre: Centre, orgs: dict[str, Organisation]
) -> list[AllianceMember]:
    lead = MemberSpec(spec.lead, _LEAD, spec.formed_on)
    return [
        AllianceMember(
            centre_id=centre.id,
            organisation_id=orgs[m.organisation].id,
            member_role=m.role,
            joined_on=m.joined_on,
            left_on=m.left_on,
        )
        for m in (lead, *spec.members)
    ]


def _det(*parts: object) -> int:
    """A stable pseudo-random number for the parts: the same on every run and platform."""
    text = "|".join(str(part) for part in parts)
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=CST)


def _cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _wan(amount: Decimal) -> str:
    """CNY as 万元 without needless decimals: 6850, 748.5."""
    return f"{(amount / 10000).quantize(CENT):f}".rstrip("0").rstrip(".")


# --- calls -----------------------------------------------------------------------------------


def _call_title(year: int) -> str:
    return f"关于组织申报{year}年度广西壮族自治区制造业创新中心的通知"


def _open_year(now: datetime) -> int:
    return now.astimezone(CST).year


def _call_window(year: int, now: datetime) -> tuple[datetime, datetime]:
    """Past calls ran from mid-January to March; the current one opened a month ago."""
    if year >= _open_year(now):
        hour = now.astimezone(CST).replace(minute=0, second=0, microsecond=0)
        return hour - timedelta(days=30), hour + timedelta(days=60)
    return datetime(year, 1, 15, 9, tzinfo=CST), datetime(year, 3, 31, 17, tzinfo=CST)


def _call_industries(year: int, now: datetime) -> list[str]:
    if year == _open_year(now):
        return list(OPEN_CALL_INDUSTRIES)
    if year == _open_year(now) - 1:
        return list(LAST_CALL_INDUSTRIES)
    return []  # every industry


async def _seed_calls(
    conn: BaseDBAsyncClient, staff: User, now: datetime
) -> tuple[dict[int, Call], int]:
    """One published call a year; a call with the same title is reused as it is."""
    years = range(FIRST_CALL_YEAR, _open_year(now) + 1)
    titles = {_call_title(year): year for year in years}
    rows = await Call.filter(title__in=list(titles)).using_db(conn).order_by("created_at")
    found: dict[int, Call] = {}
    for row in rows:
        found.setdefault(titles[row.title], row)
    new: list[Call] = []
    for year in years:
        if year in found:
            continue
        opens, closes = _call_window(year, now)
        published = opens - timedelta(days=7)
        call = Call(
            year=year,
            title=_call_title(year),
            opens_at=opens,
            closes_at=closes,
            industries=_call_industries(year, now),
            conditions=CALL_CONDITIONS,
            required_documents=list(REQUIRED_DOCUMENTS),
            support_policy=SUPPORT_POLICY,
            published_at=published,
            created_by_id=staff.id,
            created_at=published - timedelta(days=1),
        )
        new.append(call)
        found[year] = call
    await Call.bulk_create(new, using_db=conn)
    return found, len(new)


# --- an application's history ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HistoryStep:
    move: Move | None  # None: the lead enterprise created the application (a draft)
    status: CentreStatus
    at: datetime
    comment: str


@dataclass(frozen=True, slots=True)
class Timeline:
    call_year: int
    steps: tuple[HistoryStep, ...]

    @property
    def created(self) -> datetime:
        return self.steps[0].at

    def at(self, move: Move) -> datetime | None:
        return next((step.at for step in self.steps if step.move is move), None)

    @property
    def decided(self) -> datetime | None:
        """When the province decided after the expert review."""
        return self.at(Move.LIST_FOR_CULTIVATION) or self.at(Move.REJECT_AFTER_REVIEW)


def _listed_on(spec: CentreSpec, today: date) -> date | None:
    """The listing date; the NEARING_DEADLINE centre's is moved so its 3 years end soon."""
    if spec.name != NEARING_DEADLINE or spec.listed_on is None:
        return spec.listed_on
    soonest, latest = (today + days for days in NEARING_WINDOW)
    if soonest <= cultivation_deadline(spec.listed_on) <= latest:
        return spec.listed_on
    return _years_after(today + sum(NEARING_WINDOW, timedelta()) / 2, -CULTIVATION_YEARS)


def _call_year(status: CentreStatus, listed_on: date | None, now: datetime) -> int:
    if listed_on is not None:
        # Applied in the spring of the listing year, or of the year before if listed by April.
        return listed_on.year if listed_on.month >= 5 else listed_on.year - 1
    return _open_year(now) - (0 if status in _OPEN_CALL_STATUSES else 1)


def _spread(start: datetime, end: datetime, count: int) -> list[datetime]:
    """``count`` moments after ``start``, evenly spaced, the last one at ``end``."""
    return [start + (end - start) * (i + 1) / count for i in range(count)]


def _office(moment: datetime, key: str, *, keep_date: bool = False) -> datetime:
    """``moment`` moved into office hours in Guangxi, on its day or the weekday before it."""
    day = moment.astimezone(CST).date()
    if not keep_date and day.weekday() >= 5:
        day -= timedelta(days=day.weekday() - 4)
    hour, minute = 9 + _det(key, "hour") % 8, _det(key, "minute") % 60
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=CST)


def _timeline(
    status: CentreStatus,
    listed_on: date | None,
    established_on: date | None,
    window: tuple[datetime, datetime],
    *,
    call_year: int,
    now: datetime,
    key: str,
) -> Timeline:
    """Every move from the draft to ``status``, along models/lifecycle.TABLE, with its time."""
    path = PATHS[status]
    opens, closes = window
    if listed_on is not None or status is CentreStatus.REJECTED:
        # A past selection: submitted within the call, decided months later.
        if listed_on is not None:
            decided = _at(listed_on)
            submitted = min(
                max(decided - timedelta(days=90), opens + timedelta(days=14)),
                closes - timedelta(days=3),
            )
        else:
            submitted = opens + (closes - opens) * 0.6
            decided = submitted + timedelta(days=150)
        created = max(opens + timedelta(days=2), submitted - timedelta(days=30))
        bureau = submitted + timedelta(days=21)
        provincial = [move for move in path if move in _PROVINCIAL_SELECTION]
        times = {Move.SUBMIT: submitted, Move.RECOMMEND: bureau, Move.RETURN: bureau}
        times.update(zip(provincial, _spread(bureau, decided, len(provincial)), strict=True))
    else:
        # An application under the open call, moving along these weeks.
        first = opens + timedelta(days=1)
        last = max(
            first + timedelta(days=1),
            min(closes, now) - timedelta(days=2 + _det(key, "last") % 5),
        )
        created = first if path else first + (last - first) * 0.6
        times = dict(zip(path, _spread(first, last, len(path)), strict=True))
    if listed_on is not None:
        established = established_on or _years_after(listed_on, 2)
        deadline = cultivation_deadline(listed_on)
        times[Move.ESTABLISH] = _at(established)
        times[Move.FAIL_CULTIVATION] = min(
            _at(deadline - timedelta(days=10)), now - timedelta(days=1)
        )
        # The periodic assessment three years after establishment failed; a year to rectify.
        rectify = min(
            _at(_years_after(established, 3) + timedelta(days=30)), now - timedelta(days=30)
        )
        times[Move.START_RECTIFICATION] = rectify
        times[Move.REVOKE] = min(rectify + timedelta(days=385), now - timedelta(days=5))
    steps = [HistoryStep(None, CentreStatus.DRAFT, _office(created, f"{key}/create"), "")]
    for move in path:
        comment = MOVE_COMMENTS.get(move, "")
        at = _office(times[move], f"{key}/{move}", keep_date=move in _DATED_MOVES)
        at = max(at, steps[-1].at + timedelta(minutes=7))  # two moves on one day keep order
        steps.append(HistoryStep(move, apply(steps[-1].status, move, comment), at, comment))
    assert steps[-1].status is status, (status, path)
    return Timeline(call_year, tuple(steps))


def _window(call: Call | None, year: int, now: datetime) -> tuple[datetime, datetime]:
    return (call.opens_at, call.closes_at) if call else _call_window(year, now)


# --- the application itself --------------------------------------------------------------------


def _person(index: int, k: int) -> str:
    # 7 is prime to 24: the k-th person of a centre never shares a surname with another of it.
    surname = _SURNAMES[(index * 5 + k * 7) % len(_SURNAMES)]
    return surname + _GIVEN_NAMES[(index * 11 + k * 5) % len(_GIVEN_NAMES)]


def _governance(
    index: int, spec: CentreSpec, orgs: dict[str, Organisation]
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The decision body (lead first) and the technical expert committee (academics first)."""
    current = [spec.lead, *(m.organisation for m in spec.members if m.left_on is None)]
    kinds = {o.short_name: o.kind for o in ORGANISATIONS}
    board_titles = ("理事长", "副理事长", "理事", "理事")
    board = [
        {"name": _person(index, k), "title": board_titles[k], "organisation": orgs[short].name}
        for k, short in enumerate(current[: 2 + index % 3])
    ]
    academics_first = sorted(current, key=lambda short: kinds[short] not in {_UNI, _INST})
    committee = [
        {
            "name": _person(index, 4 + k),
            "title": f"{'主任委员' if k == 0 else '委员'}、{_EXPERT_TITLE[kinds[short]]}",
            "organisation": orgs[short].name,
        }
        for k, short in enumerate(academics_first[: 2 + (index + 1) % 3])
    ]
    return board, committee


def _application(
    index: int,
    spec: CentreSpec,
    orgs: dict[str, Organisation],
    timeline: Timeline,
    call: Call | None,
) -> dict[str, Any]:
    """The application content of a new centre (R-CTR-3, R-CTR-5) and when it was made."""
    plan = PLANS[spec.lead]
    first, second, third = plan.technologies
    year = timeline.call_year
    board, committee = _governance(index, spec, orgs)
    return {
        "call_id": call.id if call else None,
        "plan_goals": plan.goals,
        "plan_key_technologies": (
            f"围绕{spec.direction}，联合联盟成员重点突破：（一）{first}；（二）{second}；"
            f"（三）{third}。"
        ),
        "plan_roadmap": (
            f"第一阶段（{year}—{year + 1}年）：完成运营公司实体化运作，建成{plan.platform}一期，"
            f"启动{first}联合攻关。\n"
            f"第二阶段（{year + 1}—{year + 2}年）：突破{second}，形成中试验证能力并面向行业开放"
            "服务。\n"
            f"第三阶段（{year + 2}—{year + 3}年）：实现{third}成果转移扩散和首次商业化应用，技术"
            "服务与成果转化收入占总收入30%以上，达到批复成立条件。"
        ),
        "fixed_asset_investment": plan.fixed_asset_investment,
        "software_investment": plan.software_investment,
        "decision_body": board,
        "expert_committee": committee,
        "submitted_at": timeline.at(Move.SUBMIT),
        "created_at": timeline.created,
        "version": len(timeline.steps) - 1,  # every move bumps the version
    }


async def _seed_centres(
    conn: BaseDBAsyncClient,
    orgs: dict[str, Organisation],
    industries: dict[str, Industry],
    calls: dict[int, Call],
    now: datetime,
) -> tuple[int, int]:
    """Create missing centres with their applications and alliances; an existing one is left."""
    names = [spec.name for spec in CENTRES]
    rows = await Centre.filter(name__in=names).using_db(conn).values("name")
    existing = {row["name"] for row in rows}
    centres: list[Centre] = []
    members: list[AllianceMember] = []
    for index, spec in enumerate(CENTRES):
        if spec.name in existing:
            continue
        lead = orgs[spec.lead]
        listed_on = _listed_on(spec, now.date())
        year = _call_year(spec.status, listed_on, now)
        call = calls.get(year)
        window = _window(call, year, now)
        timeline = _timeline(
            spec.status,
            listed_on,
            spec.established_on,
            window,
            call_year=year,
            now=now,
            key=spec.name,
        )
        centre = Centre(
            name=spec.name,
            city_id=lead.city_id,
            industry_id=industries[spec.industry].id,
            lead_organisation_id=lead.id,
            direction=spec.direction,
            operating_company=spec.operating_company,
            status=spec.status,
            is_national=spec.is_national,
            listed_on=listed_on,
            established_on=spec.established_on,
            **_application(index, spec, orgs, timeline, call),
        )
        centres.append(centre)
        members.extend(_alliance(spec, centre, orgs))
    await Centre.bulk_create(centres, using_db=conn)
    await AllianceMember.bulk_create(members, using_db=conn)
    return len(centres), len(members)


def _account_specs(cities: list[City], orgs: dict[str, Organisation]) -> list[AccountSpec]:
    specs = [
        AccountSpec("admin", "自治区工业和信息化厅 系统管理员", RoleName.PROVINCIAL_ADMIN),
        AccountSpec("staff", "自治区工业和信息化厅 科技处", RoleName.PROVINCIAL_STAFF),
    ]
    specs += [
        AccountSpec(
            f"bureau-{city.pinyin}",
            f"{city.name_zh}工业和信息化局",
            RoleName.MUNICIPAL_BUREAU,
            city=city,
        )
        for city in cities
    ]
    specs += [
        AccountSpec(
            f"expert-{n}",
            expert.display_name,
            RoleName.EXPERT,
            user_organisation=orgs[expert.organisation],
            conflicts=tuple(str(orgs[short].id) for short in expert.conflicts),
        )
        for n, expert in enumerate(EXPERTS, start=1)
    ]
    # dict.fromkeys: de-duplicated, in table order (a lead may also be listed as a member).
    enterprises = dict.fromkeys([spec.lead for spec in CENTRES] + list(MEMBER_ENTERPRISE_ACCOUNTS))
    specs += [
        AccountSpec(
            f"ent-{short}",
            f"{orgs[short].name} 联络员",
            RoleName.ENTERPRISE,
            organisation=orgs[short],
            user_organisation=orgs[short],
        )
        for short in enterprises
    ]
    return specs


async def _seed_accounts(
    conn: BaseDBAsyncClient, password_hash: str, cities: list[City], orgs: dict[str, Organisation]
) -> tuple[int, int]:
    """Create missing accounts with their one binding. An existing account never gains a role."""
    specs = _account_specs(cities, orgs)
    rows = (
        await User.filter(username__in=[s.username for s in specs])
        .using_db(conn)
        .values("username")
    )
    taken = {row["username"] for row in rows}
    now = utcnow()
    users: list[User] = []
    bindings: list[RoleBinding] = []
    for spec in specs:
        if spec.username in taken:
            continue
        user = User(
            username=spec.username,
            display_name=spec.display_name,
            password_hash=password_hash,
            organisation_id=spec.user_organisation.id if spec.user_organisation else None,
            password_changed_at=now,
            declared_conflicts=list(spec.conflicts),
        )
        users.append(user)
        bindings.append(
            RoleBinding(
                user_id=user.id,
                role=spec.role,
                city_id=spec.city.id if spec.city else None,
                organisation_id=spec.organisation.id if spec.organisation else None,
            )
        )
    await User.bulk_create(users, using_db=conn)
    await RoleBinding.bulk_create(bindings, using_db=conn)
    return len(users), len(bindings)


# --- the workflow: status history, expert reviews, cultivation --------------------------------

_EVALUATED = frozenset({CentreStatus.ESTABLISHED, CentreStatus.RECTIFYING, CentreStatus.REVOKED})
# Each indicator's progress as a share of its target, report by report.
_PROGRESS_SHARES: dict[CentreStatus, tuple[Decimal, ...]] = {
    CentreStatus.CULTIVATING: (Decimal("0.25"), Decimal("0.5"), Decimal("0.7")),
    CentreStatus.CULTIVATION_FAILED: (Decimal("0.15"), Decimal("0.3"), Decimal("0.42")),
    **dict.fromkeys(_EVALUATED, (Decimal("0.35"), Decimal("0.7"), Decimal("1.05"))),
}


@dataclass(slots=True)
class Workflow:
    """The rows the workflow step creates, in the order they must be inserted."""

    events: list[CentreStatusEvent]
    reviews: list[Review]
    assignments: list[ReviewAssignment]
    scores: list[Score]
    agreements: list[TaskAgreement]
    indicators: list[Indicator]
    progress: list[IndicatorProgress]
    inspections: list[Inspection]

    async def save(self, conn: BaseDBAsyncClient) -> dict[str, int]:
        await CentreStatusEvent.bulk_create(self.events, using_db=conn)
        await Review.bulk_create(self.reviews, using_db=conn)
        await ReviewAssignment.bulk_create(self.assignments, using_db=conn)
        await Score.bulk_create(self.scores, using_db=conn)
        await TaskAgreement.bulk_create(self.agreements, using_db=conn)
        await Indicator.bulk_create(self.indicators, using_db=conn)
        await IndicatorProgress.bulk_create(self.progress, using_db=conn)
        await Inspection.bulk_create(self.inspections, using_db=conn)
        return {
            "status_events": len(self.events),
            "reviews": len(self.reviews),
            "review_assignments": len(self.assignments),
            "scores": len(self.scores),
            "task_agreements": len(self.agreements),
            "indicators": len(self.indicators),
            "indicator_progress": len(self.progress),
            "inspections": len(self.inspections),
        }


@dataclass(frozen=True, slots=True)
class Actors:
    staff: User
    experts: list[User]  # expert-1, expert-2, ...
    users: dict[str, User]  # by username

    def for_move(self, spec: CentreSpec, city: str, move: Move | None) -> tuple[User, RoleName]:
        role = RoleName.ENTERPRISE if move is None else _AUTHORITY_ROLE[TABLE[move].authority]
        if role is RoleName.ENTERPRISE:
            return self.users[f"ent-{spec.lead}"], role
        if role is RoleName.MUNICIPAL_BUREAU:
            return self.users[f"bureau-{city}"], role
        return self.staff, role


def _events(
    centre: Centre, spec: CentreSpec, city: str, timeline: Timeline, actors: Actors
) -> list[CentreStatusEvent]:
    rows: list[CentreStatusEvent] = []
    previous: CentreStatus | None = None
    for step in timeline.steps:
        actor, role = actors.for_move(spec, city, step.move)
        rows.append(
            CentreStatusEvent(
                centre_id=centre.id,
                from_status=previous,
                to_status=step.status,
                actor_id=actor.id,
                role=role.value,
                comment=step.comment,
                created_at=step.at,  # auto_now_add keeps a time that is given
            )
        )
        previous = step.status
    return rows


def _mark(base: int, centre: str, expert: str, criterion: str) -> Decimal:
    # Half points around the centre's level: the expert's leaning plus the criterion's spread.
    halves = 2 * base + _det(centre, expert) % 9 - 4 + _det(centre, expert, criterion) % 13 - 6
    return (Decimal(max(0, min(200, halves))) / 2).quantize(CENT)


def _panel(index: int, experts: list[User], alliance: list[UUID], size: int) -> list[User]:
    """Experts without a conflict with the alliance (R-REV-1), rotated by the centre."""
    eligible = [
        e
        for e in experts
        if conflict_of_interest(e.organisation_id, e.declared_conflicts, alliance) is None
    ]
    start = index * 3 % max(len(eligible), 1)
    return (eligible[start:] + eligible[:start])[:size]


def _review(
    index: int,
    spec: CentreSpec,
    centre: Centre,
    timeline: Timeline,
    actors: Actors,
    *,
    alliance: list[UUID],
    rows: Workflow,
) -> None:
    """The centre's expert review: open with some scores in, or finalised with all of them."""
    started = timeline.at(Move.START_EXPERT_REVIEW)
    finalised = centre.status is not CentreStatus.EXPERT_REVIEW
    panel = _panel(
        index, actors.experts, alliance, 3 + index % 4 if finalised else OPEN_REVIEW_EXPERTS
    )
    if started is None or len(panel) < 3:
        return
    opened = _office(started - timedelta(days=2), f"{spec.name}/assign")  # before it starts
    review = Review(centre_id=centre.id, expert_count=len(panel), created_at=opened)
    rejected = centre.status is CentreStatus.REJECTED
    base = 63 + _det(spec.name) % 5 if rejected else 81 + _det(spec.name) % 8
    scoring = len(panel) if finalised else OPEN_REVIEW_SCORED
    totals: list[Decimal] = []
    for k, expert in enumerate(panel):
        assignment = ReviewAssignment(
            review_id=review.id,
            centre_id=centre.id,
            expert_id=expert.id,
            created_at=opened + timedelta(minutes=k),
        )
        if k < scoring:
            marks = {c.code: _mark(base, spec.name, expert.username, c.code) for c in CRITERIA}
            assignment.weighted_total = weighted_total(marks)
            totals.append(assignment.weighted_total)
            rows.scores.extend(
                Score(assignment_id=assignment.id, criterion=code, score=mark)
                for code, mark in marks.items()
            )
        rows.assignments.append(assignment)
    decided = timeline.decided
    if finalised and decided is not None:
        plan = PLANS[spec.lead]
        review.status = ReviewStatus.FINALISED
        review.result = aggregate(totals)
        review.finalised_at = _office(started + (decided - started) * 0.7, f"{spec.name}/final")
        review.finalised_by_id = actors.staff.id
        visited = max(review.finalised_at - timedelta(days=10), started + timedelta(days=1))
        review.onsite_check = (
            f"{_cn_date(visited.astimezone(CST).date())}，专家组赴{centre.operating_company}"
            f"开展现场核验，查看研发及中试场地、{plan.platform}建设情况和主要仪器设备，核验联盟"
            "协议、成员出资证明和研发人员社保缴纳材料。"
            + (
                "中试线尚在建设，部分关键设备未到位，研发人员以兼职为主。"
                if rejected
                else "现场情况与申报材料一致。"
            )
        )
        if rejected:
            review.opinion = (
                f"专家组认为，该中心聚焦{spec.direction}，具备一定产业基础，但市场化运行模式论证"
                "不充分，成果转移扩散渠道单一，中试条件尚不具备。"
                f"综合得分{review.result}分，低于列入培育名单的要求，不建议列入培育名单。"
            )
        else:
            members = 1 + sum(1 for m in spec.members if m.left_on is None)
            review.opinion = (
                f"专家组认为，该中心聚焦{spec.direction}，牵头单位行业影响力大、研发能力强，"
                f"联盟汇聚产业链上下游企业、高校和科研院所{members}家，建设方案目标明确、技术"
                f"路线可行，市场化运行模式基本清晰。综合得分{review.result}分，建议列入培育名单。"
                f"建议进一步完善知识产权收益分配机制，加快{plan.technologies[0]}等成果的转移扩散。"
            )
    rows.reviews.append(review)


def _tasks(index: int, spec: CentreSpec, plan: PlanSpec) -> list[str]:
    first, second, third = plan.technologies
    tasks = [
        f"突破{first}、{second}等关键共性技术，形成不少于{5 + _det(spec.name, 'results') % 6}"
        "项可工程化应用的技术成果",
        f"建成{plan.platform}并面向行业开放共享，年服务企业不少于"
        f"{30 + _det(spec.name, 'clients') % 40}家",
        "完善“公司+联盟”运行机制，建立知识产权协同创造、联合运营和收益共享制度",
        f"围绕{third}开展首次商业化应用示范，带动产业链上下游企业协同升级",
    ]
    return tasks[: 2 + index % 3]


def _indicator_targets(index: int, spec: CentreSpec, total: Decimal) -> list[tuple[str, str, int]]:
    catalogue = [
        ("培育期研发投入", "万元", int(total * Decimal("0.45") / 10000)),
        ("新增授权发明专利", "件", 20 + _det(spec.name, "patents") % 30),
        ("主导或参与制修订国家、行业及团体标准", "项", 3 + _det(spec.name, "standards") % 6),
        ("研发及工程技术人员", "人", 60 + _det(spec.name, "people") % 90),
    ]
    return catalogue[: 2 + (index + 1) % 3]


def _cultivation(
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
        evaluated = (centre.established_on or _years_after(listed, 2)) - timedelta(days=25)
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
                f"按照不超过总投资的50%给予资金扶持：核定总投资{_wan(total)}万元（固定资产投资"
                f"{_wan(fixed)}万元、配套软件投入{_wan(software)}万元），支持资金{_wan(grant)}万元"
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
                        created_at=_at(reported_on, 16) + timedelta(seconds=k),
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
            created_at=_at(inspected, 17),
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
            created_at=_at(evaluated, 17),
        )
    )


async def _ids_with(conn: BaseDBAsyncClient, model: type[Any], centre_ids: list[UUID]) -> set[UUID]:
    rows = (
        await model.filter(centre_id__in=centre_ids)
        .using_db(conn)
        .values_list("centre_id", flat=True)
    )
    return set(rows)


async def _seed_workflow(
    conn: BaseDBAsyncClient, cities: list[City], calls: dict[int, Call], now: datetime
) -> dict[str, int]:
    """Status history, reviews and cultivation of the demo centres, each made if missing.

    A demo centre whose status is no longer the demo's was moved on by someone: its records are
    its own, and nothing is added to it.
    """
    found = await Centre.filter(name__in=[spec.name for spec in CENTRES]).using_db(conn)
    by_name = {row.name: row for row in found}
    work = [
        (index, spec, by_name[spec.name])
        for index, spec in enumerate(CENTRES)
        if spec.name in by_name and by_name[spec.name].status is spec.status
    ]
    ids = [centre.id for _, _, centre in work]
    with_events = await _ids_with(conn, CentreStatusEvent, ids)
    with_review = await _ids_with(conn, Review, ids)
    with_agreement = await _ids_with(conn, TaskAgreement, ids)
    with_inspections = await _ids_with(conn, Inspection, ids)
    alliances: dict[UUID, list[UUID]] = {}
    pairs = (
        await AllianceMember.filter(centre_id__in=ids)
        .using_db(conn)
        .values_list("centre_id", "organisation_id")
    )
    for centre_id, organisation_id in pairs:
        alliances.setdefault(centre_id, []).append(organisation_id)
    city_pinyin = {city.id: city.pinyin for city in cities}
    expert_names = [f"expert-{n}" for n in range(1, len(EXPERTS) + 1)]
    wanted = [
        "staff",
        *expert_names,
        *(f"ent-{spec.lead}" for spec in CENTRES),
        *(f"bureau-{city.pinyin}" for city in cities),
    ]
    users = {u.username: u for u in await User.filter(username__in=wanted).using_db(conn)}
    actors = Actors(
        staff=users["staff"],
        experts=[users[name] for name in expert_names if name in users],
        users=users,
    )
    calls_by_id = {call.id: call for call in calls.values()}
    rows = Workflow([], [], [], [], [], [], [], [])
    for index, spec, centre in work:
        call = calls_by_id.get(centre.call_id) if centre.call_id else None
        year = call.year if call else _call_year(centre.status, centre.listed_on, now)
        call = call or calls.get(year)
        timeline = _timeline(
            centre.status,
            centre.listed_on,
            centre.established_on,
            _window(call, year, now),
            call_year=year,
            now=now,
            key=spec.name,
        )
        if centre.id not in with_events:
            city = city_pinyin[centre.city_id]
            rows.events.extend(_events(centre, spec, city, timeline, actors))
        if centre.status in REVIEWED and centre.id not in with_review:
            alliance = alliances.get(centre.id, [])
            _review(index, spec, centre, timeline, actors, alliance=alliance, rows=rows)
        if centre.status in CULTIVATED:
            _cultivation(
                index,
                spec,
                centre,
                timeline,
                actors,
                today=now.date(),
                rows=rows,
                agreement_missing=centre.id not in with_agreement,
                inspections_missing=centre.id not in with_inspections,
            )
    return await rows.save(conn)


async def _seed(conn: BaseDBAsyncClient, password_hash: str) -> dict[str, int]:
    now = utcnow()
    cities = await City.all().using_db(conn).order_by("code")
    industries = {row.code: row for row in await Industry.all().using_db(conn)}
    orgs, new_orgs = await _seed_organisations(conn, {city.pinyin: city for city in cities})
    new_users, new_bindings = await _seed_accounts(conn, password_hash, cities, orgs)
    staff = await User.filter(username="staff").using_db(conn).get()
    calls, new_calls = await _seed_calls(conn, staff, now)
    new_centres, new_members = await _seed_centres(conn, orgs, industries, calls, now)
    workflow = await _seed_workflow(conn, cities, calls, now)
    return {
        "organisations": new_orgs,
        "centres": new_centres,
        "alliance_members": new_members,
        "users": new_users,
        "role_bindings": new_bindings,
        "calls": new_calls,
        **workflow,
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
        f"{counts['users']} users with {counts['role_bindings']} role bindings; "
        "sign in as e.g. admin, staff, bureau-liuzhou, ent-liugong or expert-1 with the demo "
        "password"
    )


async def ensure_admin(username: str, display_name: str, password: str) -> bool:
    """Create a provincial administrator unless the username exists (then change nothing)."""
    if await User.filter(username=username).exists():
        return False
    password_hash = await hash_password_async(password)
    try:
        async with in_transaction() as conn:
            user = await User.create(
                username=username,
                display_name=display_name,
                password_hash=password_hash,
                password_changed_at=utcnow(),
                using_db=conn,
            )
            await RoleBinding.create(user_id=user.id, role=RoleName.PROVINCIAL_ADMIN, using_db=conn)
            after: dict[str, Any] = {
                "username": user.username,
                "display_name": user.display_name,
                "organisation_id": None,
                "is_active": user.is_active,
                "token_version": user.token_version,
                "role": str(RoleName.PROVINCIAL_ADMIN),
            }
            await append(
                AuditEvent(
                    action="user.create",
                    outcome=Outcome.SUCCESS,
                    actor=ACTOR,
                    object_type="user",
                    object_id=str(user.id),
                    after=after,
                ),
                conn,
            )
    except IntegrityError:
        return False  # created meanwhile by a concurrent run: theirs stands
    return True
