"""The demo's centres, one in every lifecycle state, with their alliances."""

from __future__ import annotations

from datetime import date, timedelta

from demo.specs import CentreSpec, MemberSpec
from models.centres import CentreStatus, MemberRole

_CORE, _MEMBER = MemberRole.CORE, MemberRole.MEMBER


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


# The cultivating centre whose three years run out soon (centresNearingCultivationDeadline).
NEARING_DEADLINE = "广西高端铝基新材料制造业创新中心"
NEARING_WINDOW = (timedelta(days=30), timedelta(days=180))
