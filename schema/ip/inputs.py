"""What the IP register's mutations and list take (R-IP-1…4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from schema.ip.types import IpKind, IpLegalStatus


@strawberry.input(description="A co-owner and its share (R-IP-2, R-IP-4) / 共有人及份额")
class IpOwnerInput:
    organisation_id: strawberry.ID = strawberry.field(
        description="A current member of the centre's alliance / 联盟成员单位"
    )
    share: Decimal = strawberry.field(
        description="Percent above 0, at most four places; all add up to exactly 100 / 份额(%)"
    )


@strawberry.input(description="Narrow the IP register / 知识产权筛选条件")
class IpAssetFilter:
    centre_id: strawberry.ID | None = strawberry.field(
        default=None, description="One centre's assets / 创新中心"
    )
    kind: IpKind | None = strawberry.field(default=None, description="Kind / 类型")
    legal_status: IpLegalStatus | None = strawberry.field(
        default=None, description="Legal status / 法律状态"
    )
    owner_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Assets the organisation holds or held a share of, in any share set / 共有单位",
    )
    year: int | None = strawberry.field(default=None, description="Filing year (UTC+8) / 申请年度")


@strawberry.input(description="An asset's descriptive facts (R-IP-1) / 知识产权基本信息")
class IpAssetInput:
    centre_id: strawberry.ID = strawberry.field(description="The centre / 创新中心")
    kind: IpKind
    title: str = strawberry.field(description="Title, at most 300 characters / 名称")
    number: str | None = strawberry.field(
        default=None,
        description="Required except for a technical secret or other; a patent's is a CNIPA "
        "application number with its check digit, e.g. 202310123456.6 / 申请号或登记号",
    )
    filed_on: date | None = strawberry.field(
        default=None, description="Filing date, UTC+8, required for a patent / 申请日"
    )
    granted_on: date | None = strawberry.field(
        default=None, description="Grant date, UTC+8, not for a pending asset / 授权日"
    )
    legal_status: IpLegalStatus = strawberry.field(
        default=IpLegalStatus.PENDING, description="Legal status / 法律状态"
    )
    owners: list[IpOwnerInput] = strawberry.field(
        description="Co-owners, the caller's organisation among them / 共有人"
    )
    effective_on: date | None = strawberry.field(
        default=None, description="Shares in force from, UTC+8, default today / 份额生效日期"
    )


@strawberry.input(description="Edit an asset; what is not given stays (R-IP-1) / 修改知识产权")
class IpAssetChanges:
    title: str | None = None
    number: str | None = None
    filed_on: date | None = None
    granted_on: date | None = None
    legal_status: IpLegalStatus | None = None
