"""Settings of a deployment, read from the environment or `.env` (see config.example.env)."""

from __future__ import annotations

import re
from datetime import time
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Self
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.domain.plans import PlanTemplate, shipped_template_path, template_at

# The long poll's wait: getUpdates with no update for the bot is answered after this long.
POLLING_TIMEOUT_SECONDS = 10

# What Telegram accepts as a webhook's secret_token (sent back in X-Telegram-Bot-Api-Secret-Token).
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_HOST_PORT = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[^\s:\[\]]+):(\d{1,5})$")
_QUIET_HOURS = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


class SettingsError(Exception):
    """A setting is missing or invalid; the message names it in one line."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    bot_token: SecretStr | None = None
    # Parsed from "111,222": pydantic-settings would otherwise expect JSON for a list.
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    database_path: Path = Path("data/nastavnik.db")
    telegram_api_url: str = ""
    timezone: str = "Asia/Bishkek"
    default_language: str = "ru"
    scheduler_tick_seconds: float = Field(60.0, gt=0)
    max_mentees_per_mentor: int = Field(2, ge=1)
    question_remind_hours: float = Field(24.0, gt=0)
    question_escalate_hours: float = Field(72.0, gt=0)
    inactivity_days: float = Field(14.0, gt=0)
    digest_cron: str = "0 9 * * 1"
    # The daily backup: a folder to keep dated copies in ("" = none), how many, and when.
    backup_dir: Path | None = None
    backup_keep: int = Field(14, ge=1)
    backup_cron: str = "30 3 * * *"
    invite_ttl_days: float = Field(14.0, gt=0)
    quiet_hours: str = "21:00-08:00"
    # A person's button presses: a burst of PRESS_BURST, then PRESSES_PER_SECOND (more: slowed).
    press_burst: int = Field(8, ge=1)
    presses_per_second: float = Field(4.0, gt=0)
    log_level: str = "INFO"
    # Webhook mode, instead of long polling: the public HTTPS URL Telegram posts updates to ("":
    # poll), the secret it sends with each, and where the bot's own HTTP server listens (behind
    # a reverse proxy that terminates TLS); the server's path is the URL's.
    webhook_url: str = ""
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "127.0.0.1:8080"
    # The plan every new pair starts from (bot/domain/plan_template.toml when not set).
    plan_template: Path = Field(default_factory=shipped_template_path)

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _parse_admin_ids(cls, value: Any) -> Any:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",") if p.strip()]
            ids = []
            for part in parts:
                if not re.fullmatch(r"-?\d+", part):
                    raise ValueError(f"expected comma-separated numeric ids, got {part!r}")
                ids.append(int(part))
            return ids
        if isinstance(value, int):
            return [value]
        return value

    @field_validator("bot_token", mode="before")
    @classmethod
    def _empty_token_is_none(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.fullmatch(r"\d+:[\w-]+", value.get_secret_value()):
            raise ValueError("expected the token from @BotFather, like 123456:ABC-def")
        return value

    @field_validator("default_language")
    @classmethod
    def _shipped_language(cls, value: str) -> str:
        value = value.strip()
        if not (resources.files("bot") / "locales" / value / "common.ftl").is_file():
            raise ValueError(f"no texts for language {value!r}")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("telegram_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        value = value.strip()
        if value and not re.match(r"^https?://[^\s/]+", value):
            raise ValueError(f"expected an http(s) base URL, got {value!r}")
        return value.rstrip("/")

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_hours(cls, value: str) -> str:
        if value.strip():
            _parse_quiet_hours(value)
        return value.strip()

    @field_validator("backup_dir", mode="before")
    @classmethod
    def _empty_backup_dir_is_none(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("digest_cron", "backup_cron")
    @classmethod
    def _digest_cron(cls, value: str) -> str:
        from scheduler.cron import crontab_trigger

        crontab_trigger(value, ZoneInfo("UTC"))
        return value.strip()

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError(f"unknown logging level {value!r}")
        return level

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str) -> str:
        value = value.strip()
        if value and not re.match(r"^https?://[^\s/?#]+(/\S*)?$", value):
            raise ValueError(f"expected the public https:// URL Telegram posts to, got {value!r}")
        return value

    @field_validator("webhook_secret", mode="before")
    @classmethod
    def _empty_secret_is_none(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _WEBHOOK_SECRET.fullmatch(value.get_secret_value()):
            raise ValueError("expected 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("webhook_listen")
    @classmethod
    def _webhook_listen(cls, value: str) -> str:
        _parse_host_port(value)
        return value.strip()

    @model_validator(mode="after")
    def _webhook_needs_a_secret(self) -> Self:
        if not self.webhook_url:
            return self
        if self.webhook_secret is None:
            raise ValueError(
                "WEBHOOK_SECRET: required when WEBHOOK_URL is set (1-256 characters of"
                " A-Z, a-z, 0-9, _ and -: anyone who finds the URL could post updates otherwise)"
            )
        # Telegram posts only to https; a self-hosted Bot API server also to http.
        if self.webhook_url.startswith("http://") and not self.telegram_api_url:
            raise ValueError(
                "WEBHOOK_URL: Telegram posts only to https:// URLs"
                " (http:// only with a self-hosted Bot API server in TELEGRAM_API_URL)"
            )
        return self

    @field_validator("plan_template")
    @classmethod
    def _plan_template(cls, value: Path) -> Path:
        template_at(value)  # TemplateError is a ValueError: one line naming the file
        return value

    @property
    def template(self) -> PlanTemplate:
        return template_at(self.plan_template)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def quiet_window(self) -> tuple[time, time] | None:
        return _parse_quiet_hours(self.quiet_hours) if self.quiet_hours else None

    @property
    def webhook_path(self) -> str:
        """The path the bot's HTTP server answers on: WEBHOOK_URL's (the proxy keeps it)."""
        return urlsplit(self.webhook_url).path or "/"

    @property
    def webhook_address(self) -> tuple[str, int]:
        """WEBHOOK_LISTEN as (host, port); an IPv6 host without its brackets."""
        return _parse_host_port(self.webhook_listen)

    def require_token(self) -> str:
        if self.bot_token is None:
            raise SettingsError("BOT_TOKEN: required (the token from @BotFather)")
        return self.bot_token.get_secret_value()


def _parse_quiet_hours(value: str) -> tuple[time, time]:
    match = _QUIET_HOURS.match(value)
    if not match:
        raise ValueError(f"expected HH:MM-HH:MM, got {value!r}")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    try:
        return time(h1, m1), time(h2, m2)
    except ValueError as exc:
        raise ValueError(f"expected HH:MM-HH:MM, got {value!r}") from exc


def _parse_host_port(value: str) -> tuple[str, int]:
    match = _HOST_PORT.match(value.strip())
    if not match or not 1 <= int(match.group(2)) <= 65535:
        raise ValueError(f"expected host:port, like 127.0.0.1:8080, got {value!r}")
    return match.group(1).strip("[]"), int(match.group(2))


def load_settings(**overrides: Any) -> Settings:
    """Read the settings; any problem becomes one SettingsError line naming the setting."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        error = exc.errors()[0]
        message = str(error["msg"]).removeprefix("Value error, ")
        if not error["loc"]:  # a rule across settings: its message names the one to change
            raise SettingsError(message) from None
        raise SettingsError(f"{str(error['loc'][0]).upper()}: {message}") from None
