"""The configuration the `tortoise` command reads: `tortoise -c api.tortoise_cli.TORTOISE_ORM ...`
(see `make migration`), built from the same MIC_ settings as the service."""

from __future__ import annotations

from typing import Any

from api.db import tortoise_config
from api.settings import get_settings

TORTOISE_ORM: dict[str, Any] = tortoise_config(get_settings())
