"""The demo's organisations, its experts, and the member enterprises that get an account."""

from __future__ import annotations

from demo.specs import PUBLIC, SOCIAL, ExpertSpec, OrgSpec
from models.reference import OrganisationKind

_ENT = OrganisationKind.ENTERPRISE
_INST = OrganisationKind.RESEARCH_INSTITUTE
_UNI = OrganisationKind.UNIVERSITY
_OTHER = OrganisationKind.OTHER


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
