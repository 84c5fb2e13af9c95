"""MIC_DATABASE_URL for PostgreSQL: percent-encoded credentials and libpq's sslmode."""

from __future__ import annotations

import pytest

from api.db import tortoise_config
from api.settings import Settings


def _credentials(url: str) -> dict[str, object]:
    connection = tortoise_config(Settings(database_url=url))["connections"]["default"]
    assert isinstance(connection, dict)
    credentials = connection["credentials"]
    assert isinstance(credentials, dict)
    return credentials


def test_percent_encoded_credentials_are_decoded() -> None:
    # given a password with @ : / ? # % in it, percent-encoded as URLs require
    url = "postgres://mic%2Dapp:p%40ss%3Aw%2F%3F%23%25rd@db.internal:6432/mic%5Fprod"
    # then the driver receives the real values
    credentials = _credentials(url)
    assert credentials["user"] == "mic-app"
    assert credentials["password"] == "p@ss:w/?#%rd"
    assert (credentials["host"], credentials["port"]) == ("db.internal", 6432)
    assert credentials["database"] == "mic_prod"


def test_sslmode_reaches_the_driver() -> None:
    credentials = _credentials("postgres://mic@db/mic?sslmode=verify-full")
    assert credentials["ssl"] == "verify-full"
    assert "ssl" not in _credentials("postgres://mic@db/mic")


def test_unknown_options_are_refused_not_dropped() -> None:
    with pytest.raises(ValueError, match="unsupported option"):
        tortoise_config(Settings(database_url="postgres://mic@db/mic?target_session_attrs=any"))
