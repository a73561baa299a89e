"""Settings from the environment and `.env` (every one is listed and explained in `.env.example`)."""

from __future__ import annotations

from datetime import time
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from storage.db import DatabaseUrlError, normalise_url

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///nudgebot.db"


class SettingsError(Exception):
    """A setting nudgebot cannot start with; the message names it in one line."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    environment: Literal["development", "production"] = "development"
    database_url: str = DEFAULT_DATABASE_URL
    timezone: str = "Europe/London"
    host: str = "127.0.0.1"
    port: int = Field(default=3000, ge=0, le=65535)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # "json" writes one JSON object per line (for log shippers); the same privacy rules apply.
    log_format: Literal["text", "json"] = "text"

    # Database connections, per replica. The defaults fit 10 replicas on PostgreSQL's default
    # max_connections of 100: 10 × (pool 5 + overflow 3 + 1 scheduler-lock connection) = 90.
    db_pool_size: int = Field(default=5, ge=1, le=100)
    db_max_overflow: int = Field(default=3, ge=0, le=100)
    # Seconds a request waits for a free pooled connection, and for a new connection to open.
    db_pool_timeout: float = Field(default=5.0, gt=0, le=300)
    db_connect_timeout: float = Field(default=5.0, gt=0, le=300)
    # Any one SQL statement is cancelled after this long (PostgreSQL), so a stuck query cannot hold a
    # request or a job for ever.
    db_statement_timeout_seconds: float = Field(default=30.0, gt=0, le=3600)

    # The scheduler lock (PostgreSQL): the leader re-checks it every `leader_check_seconds`; the
    # server drops a lock connection silent for `leader_lease_seconds` (a frozen leader), so a
    # follower, retrying every `leader_retry_seconds`, takes over within lease + retry seconds.
    leader_check_seconds: float = Field(default=3.0, gt=0, le=300)
    leader_lease_seconds: float = Field(default=15.0, gt=0, le=3600)
    leader_retry_seconds: float = Field(default=5.0, gt=0, le=3600)
    # On SIGTERM: how long running jobs may take to finish before they are cancelled, and how long
    # /readyz answers 503 while still serving, so the load balancer stops sending before we stop.
    drain_seconds: float = Field(default=20.0, ge=0, le=3600)
    shutdown_delay_seconds: float = Field(default=5.0, ge=0, le=300)

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"

    teams_app_id: str | None = None
    teams_app_password: SecretStr | None = None
    teams_tenant_id: str | None = None
    # Where the signing keys of Teams' tokens are published (OpenID metadata); only tests change them.
    teams_openid_metadata_url: str = "https://login.botframework.com/v1/.well-known/openidconfiguration"
    teams_tenant_metadata_url: str = (
        "https://login.microsoftonline.com/{tenant}/v2.0/.well-known/openid-configuration"
    )

    # With several chat platforms: who is reached where first, and where the channels are.
    primary_platform: str = "slack"

    smt_channel: str = "smt"
    reci_channel: str = "reci"

    # The nudge engine (jobs/). Times are local to each person's time zone.
    nudge_time: time = time(9, 30)
    quiet_hours_start: time = time(18, 0)
    quiet_hours_end: time = time(8, 0)
    reminder_after_working_days: int = Field(default=3, ge=1, le=30)
    escalate_after_reminders: int = Field(default=2, ge=0, le=10)
    # How late a scheduled job may still run after the bot was down (seconds).
    misfire_grace_seconds: int = Field(default=6 * 3600, ge=1)
    # How often the nudge job looks for owners whose local nudge time has come (minutes).
    nudge_tick_minutes: int = Field(default=15, ge=1, le=120)
    # Weekly SMT digest: day of week (mon…sun) and local time; monthly RECI digest: day of month and time.
    smt_digest_day: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"] = "mon"
    smt_digest_time: time = time(9, 0)
    reci_digest_day: int = Field(default=1, ge=1, le=28)
    reci_digest_time: time = time(10, 0)
    # Sending: the workspace-wide budget and the per-channel rate (messages per second), tries before a
    # message is marked failed (and reported in the SMT digest).
    send_rate_per_second: float = Field(default=10.0, gt=0, le=1000)
    send_rate_per_channel: float = Field(default=1.0, gt=0, le=100)
    send_max_attempts: int = Field(default=5, ge=1, le=20)

    @model_validator(mode="after")
    def _lease_outlasts_checks(self) -> Settings:
        if self.leader_lease_seconds <= 2 * self.leader_check_seconds:
            raise ValueError("LEADER_LEASE_SECONDS must be more than twice LEADER_CHECK_SECONDS")
        return self

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        try:
            normalise_url(value)
        except DatabaseUrlError as exc:
            raise ValueError(str(exc)) from None
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}; use a name like Europe/London") from None
        return value

    @field_validator(
        "slack_bot_token", "slack_signing_secret", "slack_app_token", "teams_app_password", mode="before"
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        # A secret of only spaces (a stray `SLACK_SIGNING_SECRET= ` in .env) is as missing as an empty one.
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _production_needs_verification(self) -> Settings:
        # DESIGN §5: in production every Slack request is signature-checked and every Teams activity
        # token-checked; refuse to start rather than run with either check off.
        if self.environment == "production":
            if self.slack_bot_token and not self.slack_signing_secret:
                raise ValueError("SLACK_SIGNING_SECRET is required in production when Slack is configured")
            if self.teams_app_id and not (self.teams_app_password and self.teams_tenant_id):
                raise ValueError(
                    "TEAMS_APP_PASSWORD and TEAMS_TENANT_ID are required in production with Teams"
                )
            if not (self.slack_configured or self.teams_configured):
                raise ValueError(
                    "production needs Slack or Teams credentials (the sandbox is for trying out)"
                )
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def slack_configured(self) -> bool:
        return self.slack_bot_token is not None

    @property
    def teams_configured(self) -> bool:
        return bool(self.teams_app_id)


def load_settings(**overrides: object) -> Settings:
    """Read settings; a bad value raises `SettingsError` naming the setting in one line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"setting {name}: {message}") from None
