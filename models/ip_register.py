"""The IP-sharing register (R-IP-1…4; provincial plan 二(三), 三(三)3: 知识产权协同创造、联合运营和
收益共享, 成果转化和专利许可转让).

A centre's IP assets (``IpAsset``) are co-owned by organisations of its alliance. Who holds what
is a numbered share set (``IpShareSet`` with its ``IpShare`` rows), never overwritten: a change is a
new set, effective from a day. A transfer (``IpTransfer``: a licence, an assignment or an equity
investment) brings revenue that is split among the owners by the set in force on the transfer's
day, to the fen (``IpRevenueShare``), so that revenue per organisation per year is a sum in SQL.
Amounts are whole fen (``models/money.py``); shares are percentages with at most four places.
The rules are the predicates at the end of this module.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from tortoise import fields

from models.accounts import User
from models.base import Entity
from models.centres import Centre
from models.reference import Organisation
from models.vocabulary import term

SHARE_PLACES = Decimal("0.0001")  # a share is a percentage with at most four decimal places
WHOLE = Decimal("100")


class IpKind(StrEnum):
    """The kind of an IP asset (R-IP-1)."""

    INVENTION_PATENT = "invention_patent"  # 发明专利
    UTILITY_MODEL = "utility_model"  # 实用新型专利
    DESIGN_PATENT = "design_patent"  # 外观设计专利
    SOFTWARE_COPYRIGHT = "software_copyright"  # 软件著作权
    STANDARD = "standard"  # 标准
    TECHNICAL_SECRET = "technical_secret"  # noqa: S105 - a kind of IP, not a password  # 技术秘密
    OTHER = "other"  # 其他


PATENT_KINDS = frozenset({IpKind.INVENTION_PATENT, IpKind.UTILITY_MODEL, IpKind.DESIGN_PATENT})


class LegalStatus(StrEnum):
    """An IP asset's legal status (R-IP-1)."""

    PENDING = "pending"  # 申请中
    GRANTED = "granted"  # 已授权
    LAPSED = "lapsed"  # 已失效
    TRANSFERRED = "transferred"  # 已转让


class TransferKind(StrEnum):
    """How an asset is put to use (R-IP-3)."""

    EXCLUSIVE_LICENCE = "exclusive_licence"  # 独占许可
    NON_EXCLUSIVE_LICENCE = "non_exclusive_licence"  # 普通许可
    ASSIGNMENT = "assignment"  # 转让
    EQUITY_INVESTMENT = "equity_investment"  # 作价入股


class IpAsset(Entity):
    centre: fields.ForeignKeyRelation[Centre] = fields.ForeignKeyField(
        "models.Centre", related_name="ip_assets", on_delete=fields.RESTRICT
    )
    centre_id: UUID
    kind = fields.CharEnumField(IpKind, max_length=24)
    title = fields.CharField(max_length=300)
    # Unique per kind (a technical secret has no number: null, and nulls never collide).
    number = fields.CharField(max_length=64, null=True)
    filed_on = fields.DateField(null=True)
    granted_on = fields.DateField(null=True)
    legal_status = fields.CharEnumField(LegalStatus, max_length=16, default=LegalStatus.PENDING)
    recorded_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="ip_assets", on_delete=fields.RESTRICT
    )
    recorded_by_id: UUID
    updated_at = fields.DatetimeField(auto_now=True)
    version = fields.IntField(default=0)

    SNAPSHOT = (
        "centre_id",
        "kind",
        "title",
        "number",
        "filed_on",
        "granted_on",
        "legal_status",
        "version",
    )

    class Meta:
        table = "ip_asset"
        unique_together = (("kind", "number"),)
        indexes = (("centre_id", "kind"), ("centre_id", "legal_status"), ("filed_on",))
        ordering = ["-filed_on", "id"]


class IpShareSet(Entity):
    # Who holds the asset from ``effective_on`` (UTC+8 day) until the next set: numbered 1, 2, …
    asset: fields.ForeignKeyRelation[IpAsset] = fields.ForeignKeyField(
        "models.IpAsset", related_name="share_sets", on_delete=fields.RESTRICT
    )
    asset_id: UUID
    number = fields.IntField()
    effective_on = fields.DateField()
    recorded_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="ip_share_sets", on_delete=fields.RESTRICT
    )
    recorded_by_id: UUID

    class Meta:
        table = "ip_share_set"
        unique_together = (("asset_id", "number"),)
        ordering = ["number"]


class IpShare(Entity):
    share_set: fields.ForeignKeyRelation[IpShareSet] = fields.ForeignKeyField(
        "models.IpShareSet", related_name="shares", on_delete=fields.RESTRICT
    )
    share_set_id: UUID
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="ip_shares", on_delete=fields.RESTRICT
    )
    organisation_id: UUID
    share = fields.DecimalField(max_digits=7, decimal_places=4)  # percent, 0 < share ≤ 100

    class Meta:
        table = "ip_share"
        unique_together = (("share_set_id", "organisation_id"),)
        indexes = (("organisation_id",),)


class IpTransfer(Entity):
    asset: fields.ForeignKeyRelation[IpAsset] = fields.ForeignKeyField(
        "models.IpAsset", related_name="transfers", on_delete=fields.RESTRICT
    )
    asset_id: UUID
    centre: fields.ForeignKeyRelation[Centre] = fields.ForeignKeyField(
        "models.Centre", related_name="ip_transfers", on_delete=fields.RESTRICT
    )
    centre_id: UUID  # the asset's, kept here so that scopes and totals need no join
    kind = fields.CharEnumField(TransferKind, max_length=24)
    counterparty = fields.CharField(max_length=200)
    amount_fen = fields.BigIntField()
    transferred_on = fields.DateField()
    year = fields.IntField()  # transferred_on's year, for totals per year in SQL
    contract_reference = fields.CharField(max_length=64)
    share_set: fields.ForeignKeyRelation[IpShareSet] = fields.ForeignKeyField(
        "models.IpShareSet", related_name="transfers", on_delete=fields.RESTRICT
    )
    share_set_id: UUID  # the shares in force on the transfer's day
    recorded_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="ip_transfers", on_delete=fields.RESTRICT
    )
    recorded_by_id: UUID

    SNAPSHOT = (
        "asset_id",
        "kind",
        "counterparty",
        "amount_fen",
        "transferred_on",
        "contract_reference",
        "share_set_id",
    )

    class Meta:
        table = "ip_transfer"
        indexes = (("asset_id", "transferred_on"), ("centre_id", "year"))
        ordering = ["-transferred_on", "id"]


class IpRevenueShare(Entity):
    # One owner's part of one transfer's revenue, exact to the fen (R-IP-3).
    transfer: fields.ForeignKeyRelation[IpTransfer] = fields.ForeignKeyField(
        "models.IpTransfer", related_name="revenue_shares", on_delete=fields.RESTRICT
    )
    transfer_id: UUID
    centre: fields.ForeignKeyRelation[Centre] = fields.ForeignKeyField(
        "models.Centre", related_name="ip_revenue_shares", on_delete=fields.RESTRICT
    )
    centre_id: UUID
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="ip_revenue_shares", on_delete=fields.RESTRICT
    )
    organisation_id: UUID
    year = fields.IntField()
    amount_fen = fields.BigIntField()

    class Meta:
        table = "ip_revenue_share"
        unique_together = (("transfer_id", "organisation_id"),)
        indexes = (("centre_id", "year"), ("organisation_id", "year"))


# --- the rules ------------------------------------------------------------------------------


def share_sum_problem(shares: Mapping[UUID, Decimal]) -> str | None:
    """R-IP-2: co-owners' shares are percentages, each above 0 with at most four places, that
    add up to exactly 100; the refusal gives the sum. None when they hold."""
    if not shares:
        return "an asset has at least one owner"
    for share in shares.values():
        if not share.is_finite() or share <= 0 or share > WHOLE:
            return "each share is a percentage above 0 and at most 100"
        if share != share.quantize(SHARE_PLACES):
            return "a share has at most four decimal places"
    total = sum(shares.values(), Decimal(0))
    if total != WHOLE:
        return f"the shares add up to {total.normalize():f}, not 100"
    return None


def split_revenue_fen(amount_fen: int, shares: Mapping[UUID, Decimal]) -> dict[UUID, int]:
    """R-IP-3: each owner's part of ``amount_fen`` by its share, whole fen that add up to the
    amount exactly — the largest-remainder rule: each part is first rounded down, and the fen
    left over go one each to the owners whose parts lost the most in rounding (ties: the larger
    share, then the smaller organisation id), so no part is a whole fen away from its exact share.
    Shares must pass ``share_sum_problem``."""
    if amount_fen < 0:
        raise ValueError("revenue is not negative")
    problem = share_sum_problem(shares)
    if problem:
        raise ValueError(problem)
    exact = {org: amount_fen * share for org, share in shares.items()}  # in 1/100 fen
    parts = {org: int(value // WHOLE) for org, value in exact.items()}
    left = amount_fen - sum(parts.values())
    lost = {org: exact[org] - parts[org] * WHOLE for org in shares}
    order = sorted(shares, key=lambda org: (-lost[org], -shares[org], str(org)))
    for org in order[:left]:
        parts[org] += 1
    return parts


# Chinese patent application numbers (专利申请号): since 2003, 12 digits — the year (4), the
# kind (1: invention, 2: utility model, 3: design; 8 and 9: PCT national phase of an invention or
# a utility model), a serial (7) — then a dot and a check digit (0-9 or X); before 2003, 8 digits
# (year 2, kind 1, serial 5) and the check digit. "CN" may precede it.
_PATENT_NUMBER = re.compile(r"^(?:CN)?(\d{12}|\d{8})\.([0-9X])$", re.ASCII)
_KIND_DIGITS = {
    IpKind.INVENTION_PATENT: "18",
    IpKind.UTILITY_MODEL: "29",
    IpKind.DESIGN_PATENT: "3",
}
_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)


def patent_check_digit(digits: str) -> str:
    """The check digit of a patent application number's digits: weights 2-9, 2-5 from the left,
    the sum modulo 11, 10 written X (CNIPA's rule)."""
    total = sum(int(d) * w for d, w in zip(digits, _WEIGHTS, strict=False))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def patent_number_problem(kind: IpKind, number: str) -> str | None:
    """R-IP-1: a patent's number is a Chinese patent application number of its kind with a
    correct check digit; None when it is (and for kinds without such a format)."""
    if kind not in PATENT_KINDS:
        return None
    found = _PATENT_NUMBER.match(number.upper())
    if found is None:
        return "a patent number reads like 202310123456.6 (12 digits, a dot, a check digit)"
    digits, check = found.groups()
    kind_digit = digits[4] if len(digits) == 12 else digits[2]
    if kind_digit not in _KIND_DIGITS[kind]:
        return f"the number's kind digit {kind_digit} is not that of a {term(kind)}"
    if patent_check_digit(digits) != check:
        return "the number's check digit is wrong"
    return None


def normalise_number(number: str) -> str:
    """The stored form of an asset's number: NFKC (full-width digits and letters become ASCII),
    without spaces or invisible format characters (zero-width space, BOM, soft hyphen), upper
    case, without a leading "CN" on a patent number — so that uniqueness per kind compares like
    with like."""
    folded = unicodedata.normalize("NFKC", number)
    compact = "".join(
        ch for ch in folded if not ch.isspace() and unicodedata.category(ch) != "Cf"
    ).upper()
    return compact[2:] if compact.startswith("CN") and _PATENT_NUMBER.match(compact) else compact
