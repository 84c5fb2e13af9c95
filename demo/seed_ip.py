"""The demo's IP-sharing register (R-IP-1…4): 32 assets of five demo centres (established,
rectifying, cultivating), co-owned by their alliances' members, with share changes, transfers and
the revenue split to the fen — written directly in the seed's transaction.

- every kind: invention patents, utility models and designs with valid CNIPA application numbers
  (the check digit computed), software copyrights, standards, technical secrets, a data set;
  every legal status (pending, granted, lapsed, transferred by an assignment);
- shares summing to exactly 100, three-way ones (33.3334 / 33.3333 / 33.3333) included; two
  assets whose shares changed (a second set, the first kept);
- licences (exclusive, non-exclusive), assignments and equity investments, split by
  ``split_revenue_fen`` (several leave fen over for the largest share);
- former members who keep their shares: 桂林理工大学 left the construction machinery alliance at
  the end of 2023 and 中国—东盟信息港 the connected vehicles alliance at the end of 2024 (both in
  ``demo/centres.py``); transfers after they left still pay them their part.

Filing days and share sets are fixed days of the alliances' history (each owner a member on the
day its set took effect); transfers fall within the time their share set was in force, placed
from today, so nothing is dated after now whatever the day the demo is seeded on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from tortoise.backends.base.client import BaseDBAsyncClient

from demo.centres import CENTRES
from demo.helpers import CST, at_hour, det
from models.accounts import User
from models.centres import AllianceMember, Centre
from models.ip_register import (
    PATENT_KINDS,
    IpAsset,
    IpKind,
    IpRevenueShare,
    IpShare,
    IpShareSet,
    IpTransfer,
    LegalStatus,
    TransferKind,
    patent_check_digit,
    share_sum_problem,
    split_revenue_fen,
)
from models.money import to_fen
from models.reference import Organisation

_INV, _UM, _DES = IpKind.INVENTION_PATENT, IpKind.UTILITY_MODEL, IpKind.DESIGN_PATENT
_SW, _STD, _SECRET = IpKind.SOFTWARE_COPYRIGHT, IpKind.STANDARD, IpKind.TECHNICAL_SECRET
_PENDING, _GRANTED = LegalStatus.PENDING, LegalStatus.GRANTED
_LAPSED, _ASSIGNED = LegalStatus.LAPSED, LegalStatus.TRANSFERRED
_EXCL, _NONEX = TransferKind.EXCLUSIVE_LICENCE, TransferKind.NON_EXCLUSIVE_LICENCE
_ASSIGN, _EQUITY = TransferKind.ASSIGNMENT, TransferKind.EQUITY_INVESTMENT
_KIND_DIGIT = {_INV: "1", _UM: "2", _DES: "3"}


@dataclass(frozen=True, slots=True)
class T:
    """A transfer: placed at ``at`` (0…1) of the time its share set was in force — after every
    former owner left, when ``after_leaving`` — with its amount in CNY."""

    kind: TransferKind
    counterparty: str
    amount: str
    at: float
    share_set: int = 1
    after_leaving: bool = False


@dataclass(frozen=True, slots=True)
class A:
    """An asset of the centre led by ``lead``: owners as "org share, org share"; ``granted``
    days after filing (for a technical secret or other asset, ``filed`` is the day its owners
    recorded it and ``granted`` the day its rights were confirmed); ``number`` for kinds other
    than patents; ``later`` a second share set (its day, its owners)."""

    lead: str
    kind: IpKind
    title: str
    filed: str
    status: LegalStatus
    owners: str
    granted: int | None = None
    number: str | None = None
    later: tuple[str, str] | None = None
    transfers: tuple[T, ...] = ()


_THREE = "33.3334, {} 33.3333, {} 33.3333"

ASSETS: tuple[A, ...] = (
    # 广西工程机械制造业创新中心 (established; 桂林理工大学 left on 2023-12-31)
    A("liugong", _INV, "一种装载机动臂液压节能控制系统及方法", "2021-05-20", _GRANTED,
      "liugong " + _THREE.format("gxust", "glut"), 640,
      transfers=(T(_NONEX, "广西桂工重型装备有限公司", "386000.00", 0.15),
                 T(_EXCL, "柳州欧维姆机械股份有限公司", "1286500.01", 0.5, after_leaving=True))),
    A("liugong", _INV, "工程机械整机电液控制器故障诊断方法", "2021-09-08", _GRANTED,
      "liugong 60, gxu 40", 660, later=("2023-09-01", "liugong 50, gxu 30, gxmri 20"),
      transfers=(T(_NONEX, "广西玉柴重工有限公司", "120000.03", 0.3),
                 T(_NONEX, "徐州某工程机械配套件有限公司", "98765.43", 0.6, share_set=2))),
    A("liugong", _UM, "一种挖掘机驾驶室减振装置", "2022-03-15", _ASSIGNED,
      "liugong 70, fulda 30", 190,
      transfers=(T(_ASSIGN, "广西桂林驾驶室系统有限公司", "450000.01", 0.4),)),
    A("liugong", _DES, "电动装载机（ZL50E）", "2022-06-10", _GRANTED, "liugong 100", 158),
    A("liugong", _SW, "工程机械远程运维管理平台V2.0", "2022-08-01", _GRANTED,
      "liugong 50, gxmri 50", 45, "2022SR1187342",
      transfers=(T(_NONEX, "南宁某设备租赁有限公司", "60000.01", 0.35),)),
    A("liugong", _STD, "T/GXMES 003—2022《电动装载机 通用技术条件》", "2022-04-18", _GRANTED,
      "gxmes 40, liugong 30, gxust 30", 200, "T/GXMES 003—2022"),
    A("liugong", _SECRET, "高强度结构件机器人焊接工艺参数包", "2022-11-01", _GRANTED,
      "liugong 80, gxust 20", 30,
      transfers=(T(_EQUITY, "广西柳工智能焊接技术有限公司", "3500000.00", 0.5),)),
    A("liugong", _INV, "基于数字孪生的装载机作业效率优化方法", "2024-07-22", _PENDING,
      "liugong " + _THREE.format("gxust", "gxu")),
    # 广西新能源动力系统制造业创新中心 (established, national level)
    A("yuchai", _INV, "混合动力系统多模式能量管理方法", "2020-09-14", _GRANTED,
      "yuchai 50, gxu 25, gxatri 25", 700,
      transfers=(T(_EXCL, "广西玉柴新能源汽车有限公司", "2680000.00", 0.3),
                 T(_NONEX, "东风某商用车动力有限公司", "335000.05", 0.8))),
    A("yuchai", _INV, "氢燃料发动机缸内直喷燃烧控制方法", "2021-06-03", _GRANTED,
      "yuchai " + _THREE.format("gxust", "gxatri"), 850,
      transfers=(T(_NONEX, "广西氢能动力科技有限公司", "800000.02", 0.55),)),
    A("yuchai", _UM, "一种增程器发电机组集成冷却结构", "2021-11-16", _GRANTED, "yuchai 100", 175),
    A("yuchai", _UM, "一种发动机后处理尿素喷射装置", "2020-05-11", _LAPSED, "yuchai 100", 210),
    A("yuchai", _SW, "动力总成标定数据管理系统V1.0", "2021-03-25", _GRANTED,
      "yuchai 60, ylu 40", 60, "2021SR0562219",
      transfers=(T(_NONEX, "玉林某动力总成检测有限公司", "45000.00", 0.5),)),
    A("yuchai", _STD, "T/GXAS 105—2023《混合动力商用车动力总成台架试验方法》", "2022-12-05",
      _GRANTED, "yuchai 50, gxqi 50", 160, "T/GXAS 105—2023"),
    A("yuchai", _INV, "锂电池正极材料前驱体连续共沉淀制备方法", "2022-03-28", _GRANTED,
      "huayou 60, gxu 40", 760,
      transfers=(T(_EQUITY, "广西华友新能源材料科技有限公司", "5200000.00", 0.4),)),
    A("yuchai", IpKind.OTHER, "发动机可靠性台架试验数据集（2020—2023）", "2023-12-20", _GRANTED,
      "yuchai 70, gxqi 30", 15),
    # 广西先进钢铁材料制造业创新中心 (rectifying)
    A("liugang", _INV, "一种1500MPa级热成形钢及其生产方法", "2021-04-12", _GRANTED,
      "liugang 40, gxmeti 30, gxu 30", 760,
      transfers=(T(_EXCL, "广西汽车零部件精密成形有限公司", "960000.01", 0.5),)),
    A("liugang", _INV, "工程机械用高强耐磨钢板的在线淬火方法", "2021-10-19", _GRANTED,
      "liugang 50, liugong 50", 700,
      transfers=(T(_NONEX, "柳州某钢结构有限公司", "150000.00", 0.6),)),
    A("liugang", _UM, "一种连铸坯表面裂纹在线检测装置", "2022-02-08", _GRANTED, "liugang 100", 185),
    A("liugang", _STD, "T/GXMETI 012—2022《汽车用热成形钢板及钢带》", "2022-05-16", _GRANTED,
      "liugang 70, shenglong 30", 150, "T/GXMETI 012—2022"),
    A("liugang", _SECRET, "高端汽车用钢洁净度控制工艺诀窍", "2021-12-01", _GRANTED,
      "liugang 100", 30),
    A("liugang", _INV, "一种低成本耐候钢及其制备方法", "2024-05-06", _PENDING,
      "liugang " + _THREE.format("glut", "gxust")),
    # 广西智能网联新能源汽车制造业创新中心 (cultivating; 中国—东盟信息港 left on 2024-12-31)
    A("sgmw", _INV, "基于多传感器融合的低速无人驾驶物流车路径规划方法", "2024-01-15", _PENDING,
      "sgmw 40, guet 30, caih 30",
      transfers=(T(_NONEX, "柳州某智慧物流科技有限公司", "210000.01", 0.2),
                 T(_NONEX, "南宁某无人配送科技有限公司", "188888.89", 0.5, after_leaving=True))),
    A("sgmw", _SW, "整车域控制器OTA升级管理软件V1.0", "2023-12-04", _GRANTED,
      "sgmw 50, gxauto 50", 50, "2024SR0031576",
      transfers=(T(_NONEX, "广西某新能源专用车有限公司", "90000.00", 0.45),)),
    A("sgmw", _UM, "一种电动汽车换电底座锁止机构", "2023-11-02", _GRANTED, "sgmw 100", 170),
    A("sgmw", _DES, "微型电动汽车（前脸）", "2023-09-18", _GRANTED, "sgmw 60, dflzm 40", 120),
    A("sgmw", _STD, "T/LZAIA 001—2024《低速无人驾驶物流车 技术要求》", "2024-03-11", _GRANTED,
      "lzaia 50, sgmw 50", 110, "T/LZAIA 001—2024"),
    # 广西高端铝基新材料制造业创新中心 (cultivating)
    A("alnan", _INV, "航空用7xxx系铝合金厚板的分级时效方法", "2022-11-07", _GRANTED,
      "alnan 50, gxu 50", 620, transfers=(T(_EXCL, "广西某航空材料有限公司", "1500000.00", 0.5),)),
    A("alnan", _INV, "一种轨道交通车体用6系铝合金型材及其挤压方法", "2023-06-19", _PENDING,
      "alnan " + _THREE.format("chalco-gx", "glut")),
    A("alnan", _UM, "一种铝合金板带在线退火冷却装置", "2023-02-27", _GRANTED, "alnan 100", 160),
    A("alnan", _SECRET, "高纯铝熔体在线净化工艺参数", "2023-03-15", _GRANTED, "alnan 60, yinhai 40",
      20, transfers=(T(_EQUITY, "百色某高纯铝材料有限公司", "2400000.01", 0.5),)),
    A("alnan", _SW, "铝加工全流程质量追溯系统V1.0", "2023-08-21", _GRANTED, "alnan 100", 40,
      "2023SR1045863"),
)  # fmt: skip

_LEADS = {spec.lead: spec.name for spec in CENTRES}
UNNUMBERED = frozenset({_SECRET, IpKind.OTHER})


def _owners(text: str) -> list[tuple[str, Decimal]]:
    pairs = [part.split() for part in text.split(",")]
    return [(org, Decimal(share)) for org, share in pairs]


def patent_number(spec: A, filed: date) -> str:
    """A valid CNIPA application number: filing year, kind digit, a stable serial, check digit."""
    serial = 1_000_000 + det(spec.title, "serial") % 9_000_000
    digits = f"{filed.year}{_KIND_DIGIT[spec.kind]}{serial:07d}"
    return f"{digits}.{patent_check_digit(digits)}"


@dataclass
class _Rows:
    now: datetime
    assets: list[IpAsset]
    sets: list[IpShareSet]
    shares: list[IpShare]
    transfers: list[IpTransfer]
    parts: list[IpRevenueShare]

    @property
    def today(self) -> date:
        return self.now.astimezone(CST).date()

    def moment(self, day: date, hour: int) -> datetime:
        return min(at_hour(day, hour), self.now)


def _asset(rows: _Rows, spec: A, centre: Centre, by: User) -> IpAsset:
    filed = min(date.fromisoformat(spec.filed), rows.today)
    granted = None
    if spec.granted is not None:
        granted = min(filed + timedelta(days=spec.granted), rows.today)
    number = patent_number(spec, filed) if spec.kind in PATENT_KINDS else spec.number
    asset = IpAsset(
        centre_id=centre.id,
        kind=spec.kind,
        title=spec.title,
        number=number,
        filed_on=None if spec.kind in UNNUMBERED else filed,
        granted_on=granted,
        legal_status=spec.status,
        recorded_by_id=by.id,
        version=1 if spec.status is _ASSIGNED else 0,
        created_at=rows.moment(filed, 10),
    )
    rows.assets.append(asset)
    return asset


def _share_sets(
    rows: _Rows, spec: A, asset: IpAsset, orgs: dict[str, Organisation], by: User
) -> list[tuple[IpShareSet, dict[str, Decimal]]]:
    sets = [(spec.filed, spec.owners)] + ([spec.later] if spec.later else [])
    made: list[tuple[IpShareSet, dict[str, Decimal]]] = []
    for number, (day, owners) in enumerate(sets, start=1):
        effective = min(date.fromisoformat(day), rows.today)
        share_set = IpShareSet(
            asset_id=asset.id,
            number=number,
            effective_on=effective,
            recorded_by_id=by.id,
            created_at=rows.moment(effective, 11),
        )
        held = dict(_owners(owners))
        assert share_sum_problem({orgs[o].id: s for o, s in held.items()}) is None, spec.title
        rows.sets.append(share_set)
        rows.shares.extend(
            IpShare(share_set_id=share_set.id, organisation_id=orgs[o].id, share=s)
            for o, s in held.items()
        )
        made.append((share_set, held))
    return made


def _transfers(
    rows: _Rows,
    spec: A,
    asset: IpAsset,
    sets: list[tuple[IpShareSet, dict[str, Decimal]]],
    *,
    orgs: dict[str, Organisation],
    left: dict[str, date],
    by: User,
) -> None:
    for n, t in enumerate(spec.transfers, start=1):
        share_set, held = sets[t.share_set - 1]
        start = share_set.effective_on
        if t.after_leaving:
            start = max([start, *(left[o] + timedelta(days=1) for o in held if o in left)])
        following = sets[t.share_set][0].effective_on if t.share_set < len(sets) else None
        end = rows.today if following is None else following - timedelta(days=1)
        assert start <= end, spec.title
        day = start + timedelta(days=round((end - start).days * t.at))
        amount = to_fen(Decimal(t.amount))
        transfer = IpTransfer(
            asset_id=asset.id,
            centre_id=asset.centre_id,
            kind=t.kind,
            counterparty=t.counterparty,
            amount_fen=amount,
            transferred_on=day,
            year=day.year,
            contract_reference=f"GXIP-{spec.lead.upper()}-{day:%Y%m%d}-{n:02d}",
            share_set_id=share_set.id,
            recorded_by_id=by.id,
            created_at=rows.moment(day, 15),
        )
        rows.transfers.append(transfer)
        parts = split_revenue_fen(amount, {orgs[o].id: s for o, s in held.items()})
        rows.parts.extend(
            IpRevenueShare(
                transfer_id=transfer.id,
                centre_id=asset.centre_id,
                organisation_id=org,
                year=day.year,
                amount_fen=part,
                created_at=transfer.created_at,
            )
            for org, part in sorted(parts.items(), key=lambda item: str(item[0]))
        )


async def seed_ip(conn: BaseDBAsyncClient, now: datetime) -> dict[str, int]:
    """The register of the demo centres that have no IP asset yet (idempotent): assets, share
    sets and shares, transfers and each owner's part of their revenue."""
    names = sorted({_LEADS[spec.lead] for spec in ASSETS})
    centres = {c.name: c for c in await Centre.filter(name__in=names).using_db(conn)}
    recorded = set(
        await IpAsset.filter(centre_id__in=[c.id for c in centres.values()])
        .using_db(conn)
        .values_list("centre_id", flat=True)
    )
    shorts = {org for spec in ASSETS for org, _ in _owners(spec.owners)}
    shorts |= {org for spec in ASSETS if spec.later for org, _ in _owners(spec.later[1])}
    orgs = {
        o.short_name: o for o in await Organisation.filter(short_name__in=shorts).using_db(conn)
    }
    members = await AllianceMember.filter(centre_id__in=[c.id for c in centres.values()]).using_db(
        conn
    )
    left = {(m.centre_id, m.organisation_id): m.left_on for m in members if m.left_on is not None}
    leads = {spec.lead for spec in ASSETS}
    users = {
        u.username: u
        for u in await User.filter(username__in=[f"ent-{lead}" for lead in leads]).using_db(conn)
    }
    staff = await User.filter(username="staff").using_db(conn).get()
    rows = _Rows(now, [], [], [], [], [])
    for spec in ASSETS:
        centre = centres.get(_LEADS[spec.lead])
        if centre is None or centre.id in recorded:
            continue
        by = users.get(f"ent-{spec.lead}", staff)
        asset = _asset(rows, spec, centre, by)
        sets = _share_sets(rows, spec, asset, orgs, by)
        gone = {
            short: day
            for short, org in orgs.items()
            if (day := left.get((centre.id, org.id))) is not None
        }
        _transfers(rows, spec, asset, sets, orgs=orgs, left=gone, by=by)
    await IpAsset.bulk_create(rows.assets, using_db=conn)
    await IpShareSet.bulk_create(rows.sets, using_db=conn)
    await IpShare.bulk_create(rows.shares, using_db=conn)
    await IpTransfer.bulk_create(rows.transfers, using_db=conn)
    await IpRevenueShare.bulk_create(rows.parts, using_db=conn)
    return {
        "ip_assets": len(rows.assets),
        "ip_share_sets": len(rows.sets),
        "ip_transfers": len(rows.transfers),
        "ip_revenue_shares": len(rows.parts),
    }
