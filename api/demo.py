"""The demo programme (`mic seed-demo`) and the first administrator (`mic create-admin`).

The demo is a believable slice of the Guangxi programme: organisations of every kind in several
cities, centres in every lifecycle state with their alliances, and one account per role and
tenant. Everything is looked up before it is created, so seeding twice creates nothing new, and
accounts, centres and alliances that already exist are never changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from api.passwords import hash_password_async
from models.accounts import RoleBinding, RoleName, User
from models.audit import AuditEvent, Outcome, append
from models.base import utcnow
from models.centres import AllianceMember, Centre, CentreStatus, MemberRole
from models.credit_code import make_credit_code
from models.reference import City, Industry, Organisation, OrganisationKind
from models.reference_data import load_reference_data

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


async def _seed_centres(
    conn: BaseDBAsyncClient, orgs: dict[str, Organisation], industries: dict[str, Industry]
) -> tuple[int, int]:
    """Create missing centres with their alliances; an existing centre is left as it is."""
    names = [spec.name for spec in CENTRES]
    rows = await Centre.filter(name__in=names).using_db(conn).values("name")
    existing = {row["name"] for row in rows}
    centres: list[Centre] = []
    members: list[AllianceMember] = []
    for spec in CENTRES:
        if spec.name in existing:
            continue
        lead = orgs[spec.lead]
        centre = Centre(
            name=spec.name,
            city_id=lead.city_id,
            industry_id=industries[spec.industry].id,
            lead_organisation_id=lead.id,
            direction=spec.direction,
            operating_company=spec.operating_company,
            status=spec.status,
            is_national=spec.is_national,
            listed_on=spec.listed_on,
            established_on=spec.established_on,
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


async def _seed(conn: BaseDBAsyncClient, password_hash: str) -> dict[str, int]:
    cities = await City.all().using_db(conn).order_by("code")
    industries = {row.code: row for row in await Industry.all().using_db(conn)}
    orgs, new_orgs = await _seed_organisations(conn, {city.pinyin: city for city in cities})
    new_centres, new_members = await _seed_centres(conn, orgs, industries)
    new_users, new_bindings = await _seed_accounts(conn, password_hash, cities, orgs)
    return {
        "organisations": new_orgs,
        "centres": new_centres,
        "alliance_members": new_members,
        "users": new_users,
        "role_bindings": new_bindings,
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
        f"{counts['centres']} centres with {counts['alliance_members']} alliance members, "
        f"{counts['users']} users with {counts['role_bindings']} role bindings; "
        "sign in as e.g. admin, bureau-liuzhou, ent-liugong or expert-1 with the demo password"
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
