"""Access tokens: HS256 JWTs with a pinned algorithm and required exp, iat, sub, aud, iss."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import jwt

from api.settings import Settings

ALGORITHM = "HS256"
_REQUIRED = ["exp", "iat", "nbf", "sub", "aud", "iss", "ver", "jti"]
# A calendar-feed token (R-ASM-6) is good only for GET /calendar.ics: its own audience (so the
# API refuses it) and purpose claim, a longer life (calendar apps poll for months), and the same
# ``ver`` as every token (sign-out, a password change or disabling ends it too).
FEED_PURPOSE = "calendar-feed"
FEED_TTL = timedelta(days=180)


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


def _issue(
    settings: Settings,
    user_id: UUID,
    token_version: int,
    *,
    audience: str,
    ttl: timedelta,
    extra: dict[str, str],
) -> IssuedToken:
    now = datetime.now(UTC).replace(microsecond=0)
    expires = now + ttl
    claims = {
        "sub": str(user_id),
        "ver": token_version,
        "iat": now,
        "nbf": now,
        "exp": expires,
        "aud": audience,
        "iss": settings.token_issuer,
        "jti": uuid4().hex,
        **extra,
    }
    return IssuedToken(jwt.encode(claims, settings.token_secret, algorithm=ALGORITHM), expires)


def _verify(
    settings: Settings, token: str, *, audience: str, purpose: str | None = None
) -> Principal:
    try:
        claims = jwt.decode(
            token,
            settings.token_secret,
            algorithms=[ALGORITHM],
            audience=audience,
            issuer=settings.token_issuer,
            options={"require": [*_REQUIRED, "pur"] if purpose else _REQUIRED},
            leeway=5,
        )
        version = claims["ver"]
        if purpose is not None and claims["pur"] != purpose:
            raise InvalidToken(f"not a {purpose} token")
        if not isinstance(version, int) or isinstance(version, bool):
            raise InvalidToken("token version is not an integer")
        return Principal(user_id=UUID(str(claims["sub"])), token_version=version)
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise InvalidToken(str(exc)) from exc


def issue_token(settings: Settings, user_id: UUID, token_version: int) -> IssuedToken:
    """An API token (``token_ttl_s`` seconds)."""
    return _issue(
        settings,
        user_id,
        token_version,
        audience=settings.token_audience,
        ttl=timedelta(seconds=settings.token_ttl_s),
        extra={},
    )


def verify_token(settings: Settings, token: str) -> Principal:
    """The caller of an API token; a feed token (another audience) is InvalidToken."""
    return _verify(settings, token, audience=settings.token_audience)


def feed_audience(settings: Settings) -> str:
    """The audience of calendar-feed tokens: never the API's own."""
    return f"{settings.token_audience}:{FEED_PURPOSE}"


def issue_feed_token(settings: Settings, user_id: UUID, token_version: int) -> IssuedToken:
    """A token for the caller's calendar feed URL only (180 days; ``pur`` = calendar-feed)."""
    return _issue(
        settings,
        user_id,
        token_version,
        audience=feed_audience(settings),
        ttl=FEED_TTL,
        extra={"pur": FEED_PURPOSE},
    )


def verify_feed_token(settings: Settings, token: str) -> Principal:
    """The caller of a calendar-feed token; an API token (another audience) is InvalidToken."""
    return _verify(settings, token, audience=feed_audience(settings), purpose=FEED_PURPOSE)
