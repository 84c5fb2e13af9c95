"""The shapes of the demo's tables: organisations, centres and their alliances, experts, plans
and accounts. Frozen, so a table row never changes once written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from models.accounts import RoleName
from models.centres import CentreStatus, MemberRole
from models.reference import City, Organisation, OrganisationKind

# Registration authority + institution type, the first two characters of a credit code.
COMPANY = "91"  # enterprise registered with market regulation (企业)
PUBLIC = "12"  # public institution (事业单位)
SOCIAL = "51"  # social group registered with civil affairs (社会团体)


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


@dataclass(frozen=True, slots=True)
class PlanSpec:
    """A centre's construction plan (建设方案): goals, key technologies, the shared platform it
    builds, and the planned investment in exact CNY."""

    goals: str
    technologies: tuple[str, str, str]
    platform: str
    fixed_asset_investment: Decimal
    software_investment: Decimal
