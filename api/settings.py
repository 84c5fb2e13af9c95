"""Settings from the environment (prefix ``MIC_``)."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "dev-only-insecure-secret-change-me-0123456789"  # noqa: S105 - refused in production


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MIC_", env_file=None, extra="ignore")

    env: Literal["dev", "test", "production"] = "dev"
    database_url: str = "sqlite://./var/mic.sqlite3"
    # asyncpg pool: bounded, and a caller waits at most this long for a connection (then 503).
    db_pool_max: int = Field(default=10, ge=1, le=200)
    db_acquire_timeout_s: float = Field(default=5.0, gt=0)
    # PostgreSQL: no statement runs longer, no lock is waited for longer (then 503); 0 = no bound.
    db_statement_timeout_s: float = Field(default=30.0, ge=0)
    db_lock_timeout_s: float = Field(default=5.0, ge=0)
    # SQLite: how long a writer waits for the write lock before answering 503.
    db_busy_timeout_s: float = Field(default=5.0, ge=0)

    token_secret: str = DEV_SECRET
    token_issuer: str = "mic"  # noqa: S105 - a name, not a secret
    token_audience: str = "mic-api"  # noqa: S105 - a name, not a secret
    token_ttl_s: int = Field(default=3600, ge=60, le=7 * 24 * 3600)

    cors_origins: list[str] = Field(default_factory=list)
    max_body_bytes: int = Field(default=256 * 1024, ge=1024)
    max_page_size: int = Field(default=100, ge=1, le=1000)
    # Hot connections build their JSON in SQL (schema/compiled); off = resolve field by field.
    compiled_reads: bool = True
    max_query_depth: int = Field(default=10, ge=2)
    max_aliases: int = Field(default=15, ge=1)
    max_tokens: int = Field(default=2000, ge=50)
    max_directives: int = Field(default=10, ge=0)
    max_fields: int = Field(default=300, ge=10)

    login_max_failures: int = Field(default=5, ge=1)
    login_lockout_s: int = Field(default=900, ge=1)

    # Documents: "file:PATH" (local file system, the embedded default) or "s3://BUCKET".
    storage_url: str = "file:./var/blobs"
    storage_s3_endpoint: str | None = None  # S3-compatible servers; None = AWS for the region
    storage_s3_region: str = "us-east-1"
    storage_s3_access_key_id: str | None = None
    storage_s3_secret_access_key: str | None = None
    storage_s3_allow_http: bool = False
    upload_tmp_dir: str = "./var/tmp"
    max_upload_bytes: int = Field(default=50 * 1024 * 1024, ge=1024)

    # The HTTP transport (api/transport.py), per worker process. Defaults and their reasons are in
    # the README's Configuration table.
    max_header_bytes: int = Field(default=32 * 1024, ge=1024, le=1024 * 1024)
    header_timeout_s: float = Field(default=10.0, gt=0)
    body_timeout_s: float = Field(default=120.0, gt=0)
    keep_alive_s: int = Field(default=5, ge=1)
    max_connections: int = Field(default=1000, ge=1)

    # How often the service moves centres past their cultivation deadline (R-CUL-2); 0 = never
    # (then run `mic cultivation expire` from a scheduler).
    deadline_sweep_s: int = Field(default=3600, ge=0)

    # Observability (README "Metrics, traces and logs"). /metrics answers only a request with
    # ``Authorization: Bearer <metrics_token>`` when it is set; unset, only clients on a loopback
    # address (a Prometheus or agent on the same host). At least 16 characters: it is a secret.
    metrics_token: str | None = Field(default=None, min_length=16)
    # OpenTelemetry traces (api/tracing.py): "none" (the default: nothing is set up), "otlp" (the
    # standard OTEL_EXPORTER_OTLP_* variables say where, over HTTP) or "console" (stdout).
    otel_exporter: Literal["none", "otlp", "console"] = "none"
    otel_service_name: str = "mic"  # the traces' service.name

    demo_password: str = "Mic-Demo-2026!"  # noqa: S105 - demo data only, documented in README
    log_level: str = "INFO"

    @property
    def production(self) -> bool:
        return self.env == "production"

    @field_validator("metrics_token", mode="before")
    @classmethod
    def _empty_metrics_token_is_none(cls, value: object) -> object:
        # compose passes MIC_METRICS_TOKEN="" when the operator set none: that is "no token".
        return None if value == "" else value

    @model_validator(mode="after")
    def _refuse_weak_secret_in_production(self) -> Settings:
        if self.production and (self.token_secret == DEV_SECRET or len(self.token_secret) < 32):
            raise ValueError(
                "MIC_TOKEN_SECRET must be set to a random secret of at least 32 characters "
                "when MIC_ENV=production"
            )
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
