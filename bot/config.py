"""Settings of a deployment, read from the environment or `.env` (see config.example.env)."""

from __future__ import annotations

import re
from datetime import time
from importlib import resources
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.domain.plans import PlanTemplate, shipped_template_path, template_at

# The long poll's wait: getUpdates with no update for the bot is answered after this long.
POLLING_TIMEOUT_SECONDS = 10

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


def load_settings(**overrides: Any) -> Settings:
    """Read the settings; any problem becomes one SettingsError line naming the setting."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]).upper() if error["loc"] else "settings"
        message = str(error["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"{name}: {message}") from None
