"""The schema's Security port, implemented with api/tokens.py and api/passwords.py."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from api import tokens
from api.settings import Settings
from services import passwords


@dataclass(frozen=True, slots=True)
class ServiceSecurity:
    settings: Settings

    @property
    def login_max_failures(self) -> int:
        return self.settings.login_max_failures

    @property
    def login_lockout_s(self) -> int:
        return self.settings.login_lockout_s

    def issue_token(self, user_id: UUID, token_version: int) -> tokens.IssuedToken:
        return tokens.issue_token(self.settings, user_id, token_version)

    def issue_feed_token(self, user_id: UUID, token_version: int) -> tokens.IssuedToken:
        return tokens.issue_feed_token(self.settings, user_id, token_version)

    async def hash_password(self, password: str) -> str:
        return await passwords.hash_password_async(password)

    async def verify_password(self, password_hash: str, password: str) -> bool:
        return await passwords.verify_password_async(password_hash, password)

    def needs_rehash(self, password_hash: str) -> bool:
        return passwords.needs_rehash(password_hash)

    def dummy_hash(self) -> str:
        return passwords.dummy_hash()

    def check_password_policy(self, password: str, username: str) -> None:
        passwords.check_policy(password, username)
