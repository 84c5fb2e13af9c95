"""The error codes (``extensions.code``) as a GraphQL enum, with their meaning.

No field returns ``ErrorCode``: errors travel in the response's ``errors`` list, whose
``extensions.code`` is one of these names. The enum is in the schema so that clients generate the
vocabulary from the SDL instead of copying it from the README. ``Code`` (schema/errors.py) is the
one Python list; ``tests/test_vocabulary.py`` proves the two hold the same names.
"""

from __future__ import annotations

from enum import Enum

import strawberry

from schema.errors import Code

# Meaning, what the client should do, and the HTTP status the plain routes answer with.
MEANINGS: dict[Code, str] = {
    Code.UNAUTHENTICATED: (
        "No signed-in caller: the token is missing, expired or revoked; sign in again (HTTP 401)"
        " / 未登录或令牌已失效：请重新登录"
    ),
    Code.FORBIDDEN: (
        "The caller's roles do not allow this action on a record it may read (HTTP 403)"
        " / 无权执行此操作"
    ),
    Code.NOT_FOUND: (
        "Absent, malformed or outside the caller's scope: the three read alike, R-ACC-5 (HTTP 404)"
        " / 不存在或不在可见范围内"
    ),
    Code.BAD_USER_INPUT: (
        "The query or its values break a rule, a range or the schema; nothing was changed;"
        " `field` names the input when known (HTTP 400) / 输入有误，未做任何修改"
    ),
    Code.INVALID_TRANSITION: (
        "The record's state does not allow this step; `currentStatus` gives the state as its"
        " enum value, e.g. RECTIFYING (HTTP 409) / 当前状态不允许此操作"
    ),
    Code.CONFLICT: (
        "The record changed meanwhile, or the change already happened (a duplicate); read it"
        " again (HTTP 409) / 数据已变更或重复"
    ),
    Code.RATE_LIMITED: (
        "Too many failed sign-ins; try again later (HTTP 429) / 尝试次数过多，请稍后再试"
    ),
    Code.UNAVAILABLE: (
        "The database or storage cannot answer now; retry after the Retry-After header"
        " (HTTP 503) / 服务暂时不可用，请稍后重试"
    ),
    Code.INTERNAL: (
        "A fault of the service, masked; quote `requestId` to the operators (HTTP 500)"
        " / 服务内部错误，请提供请求编号"
    ),
}

# Built from Code so that the two cannot drift apart (mypy cannot follow the functional API).
_ERROR_CODE: type[Enum] = Enum(  # type: ignore[misc]
    "ErrorCode",
    {code.name: strawberry.enum_value(code.value, description=MEANINGS[code]) for code in Code},
)
ErrorCode = strawberry.enum(
    _ERROR_CODE,
    description=(
        "The stable code in every error's extensions.code (GraphQL and the plain HTTP routes)"
        " / 错误代码"
    ),
)
