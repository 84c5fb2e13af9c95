"""Access tokens: HS256 JWTs with a pinned algorithm and required exp, iat, sub, aud, iss."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import jwt

from api.settings import Settings

ALGORITHM = "HS256"
_REQUIRED = ["exp", "iat", "nbf", "sub", "aud", "iss", "ver", "jti"]


class InvalidToken(Exception):
    """The token cannot be trusted; the reason is logged, never shown in detail."""


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling, as proven by the token. It decides nothing."""

    user_id: UUID
    token_version: int


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    expires_at: datetime


def issue_token(settings: Settings, user_id: UUID, token_version: int) -> IssuedToken:
    now = datetime.now(UTC).replace(microsecond=0)
    expires = now + timedelta(seconds=settings.token_ttl_s)
    claims = {
        "sub": str(user_id),
        "ver": token_version,
        "iat": now,
        "nbf": now,
        "exp": expires,
        "aud": settings.token_audience,
        "iss": settings.token_issuer,
        "jti": uuid4().hex,
    }
    return IssuedToken(jwt.encode(claims, settings.token_secret, algorithm=ALGORITHM), expires)


def verify_token(settings: Settings, token: str) -> Principal:
    try:
        claims = jwt.decode(
            token,
            settings.token_secret,
            algorithms=[ALGORITHM],
            audience=settings.token_audience,
            issuer=settings.token_issuer,
            options={"require": _REQUIRED},
            leeway=5,
        )
        version = claims["ver"]
        if not isinstance(version, int) or isinstance(version, bool):
            raise InvalidToken("token version is not an integer")
        return Principal(user_id=UUID(str(claims["sub"])), token_version=version)
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise InvalidToken(str(exc)) from exc
