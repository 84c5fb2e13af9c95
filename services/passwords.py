"""Password hashing (argon2id, OWASP profile) and the password policy."""

from __future__ import annotations

import asyncio
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 256

# OWASP's argon2id profile: 19 MiB, t=2, p=1. The library default (64 MiB, p=4) makes every
# login slow on a 2-core host. Hashes made with other parameters are rehashed on login.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


class WeakPassword(ValueError):
    """The password breaks the policy; the message says which part."""


def check_policy(password: str, username: str) -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"a password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"a password has at most {MAX_LENGTH} characters")
    classes = sum(
        (
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )
    if classes < 3:
        raise WeakPassword(
            "a password needs three of: lower-case, upper-case, digits, other characters"
        )
    if username and username.lower() in password.lower():
        raise WeakPassword("a password must not contain the username")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    try:
        return _HASHER.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


@lru_cache(maxsize=1)
def dummy_hash() -> str:
    """Verified against for unknown usernames, so timing does not reveal who exists."""
    return _HASHER.hash("unknown-user-placeholder")


async def hash_password_async(password: str) -> str:
    # Hashing takes tens of milliseconds of CPU: keep it off the event loop.
    return await asyncio.to_thread(hash_password, password)


async def verify_password_async(password_hash: str, password: str) -> bool:
    return await asyncio.to_thread(verify_password, password_hash, password)
