"""The words of the authorization matrix. Every value appears in policy.csv as written here."""

from __future__ import annotations

from enum import StrEnum

from models.accounts import RoleName as Role

__all__ = ["Action", "Resource", "Role", "Scope"]


class Resource(StrEnum):
    CENTRE = "centre"
    ORGANISATION = "organisation"
    USER = "user"
    ROLE_BINDING = "role_binding"
    AUDIT_LOG = "audit_log"
    DOCUMENT = "document"
    CALL = "call"
    REVIEW = "review"
    CULTIVATION = "cultivation"
    ANNUAL_REPORT = "annual_report"  # 年度报告 (R-ASM-2, R-ASM-3)
    ASSESSMENT = "assessment"  # 定期考核 and re-assessment (R-ASM-4, R-ASM-5)
    CALENDAR = "calendar"  # the regulatory calendar (R-ASM-6)
    FUNDING = "funding"  # the funding ledger: decisions, plans, entries (R-FUND-1…4)
    FUNDING_TOTAL = "funding_total"  # a centre's approved subsidy alone (R-FUND-1)
    IP_ASSET = "ip_asset"  # the IP-sharing register: assets, shares, transfers (R-IP-1…4)
    STATISTICS = "statistics"  # the programme's figures at a glance (R-CTR-6, R-ACC-5)


class Action(StrEnum):
    READ = "read"
    CREATE = "create"
    GRANT = "grant"
    REVOKE = "revoke"
    RESET_PASSWORD = "reset_password"  # noqa: S105 - an action name
    DISABLE = "disable"
    UPDATE = "update"  # edit an application and its alliance
    SUBMIT = "submit"  # the lead enterprise's lifecycle moves
    RECOMMEND = "recommend"  # the city bureau's lifecycle moves (recommend, return)
    DECIDE = "decide"  # the province's lifecycle moves
    ASSIGN = "assign"  # assign experts to a review
    SCORE = "score"  # an expert scores an assigned review
    FINALISE = "finalise"  # close a review and compute its result
    REPORT = "report"  # report progress on cultivation indicators
    INSPECT = "inspect"  # record special inspections and the end-of-period evaluation
    ATTACH = "attach"  # add documents (or new versions) to a record
    EXPORT = "export"  # download a record's evidence pack; the bulk exports (issue 15)
    DECLARE = "declare"  # an expert declares the organisations they must never review (R-REV-1)
    VERIFY = "verify"  # the city bureau verifies an annual report: forward or return (R-ASM-2)
    RECEIVE = "receive"  # provincial staff receive a forwarded annual report (R-ASM-2)
    OPEN = "open"  # open an assessment and staff its panel (R-ASM-4)
    GRADE = "grade"  # finalise an assessment's panel and record the grade (R-ASM-4, R-ASM-5)
    RECORD = "record"  # record subsidy decisions, support plans and ledger entries (R-FUND-1…3)


class Scope(StrEnum):
    """How far a permission reaches, bounded by the tenant of the role binding."""

    ALL = "all"  # the whole province
    OWN_CITY = "own_city"  # the binding's city
    MEMBER_ORG = "member_org"  # centres whose alliance has the binding's organisation
    LEAD_ORG = "lead_org"  # centres led by the binding's organisation
    ASSIGNED = "assigned"  # what the expert was assigned
    SELF = "self"  # the user's own records
