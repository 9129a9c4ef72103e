from pathlib import Path

import pytest

from bot.config import Settings, SettingsError, load_settings


def settings(**values: object) -> Settings:
    return load_settings(_env_file=None, **values)


def test_defaults_follow_the_spec() -> None:
    s = settings()
    assert s.admin_ids == []
    assert s.database_path == Path("data/nastavnik.db")
    assert s.timezone == "Asia/Bishkek"
    assert s.max_mentees_per_mentor == 2
    assert s.digest_cron == "0 9 * * 1"
    assert s.quiet_window is not None
    assert s.bot_token is None


def test_admin_ids_are_read_comma_separated_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ADMIN_IDS", "111, 222")
    assert settings().admin_ids == [111, 222]


def test_empty_admin_ids_means_no_admins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_IDS", "")
    assert settings().admin_ids == []


def test_malformed_admin_ids_name_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_IDS", "111,abc")
    with pytest.raises(SettingsError, match=r"^ADMIN_IDS: "):
        settings()


def test_unknown_timezone_names_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIMEZONE", "Mars/Olympus")
    with pytest.raises(SettingsError, match=r"^TIMEZONE: "):
        settings()


def test_missing_token_is_one_clear_line() -> None:
    with pytest.raises(SettingsError, match=r"^BOT_TOKEN: required"):
        settings().require_token()


def test_empty_quiet_hours_switch_them_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUIET_HOURS", "")
    assert settings().quiet_window is None


@pytest.mark.parametrize("value", ["21-08", "25:00-08:00", "nonsense"])
def test_bad_quiet_hours_are_refused(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("QUIET_HOURS", value)
    with pytest.raises(SettingsError, match=r"^QUIET_HOURS: "):
        settings()


def test_bad_digest_cron_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGEST_CRON", "0 9 * *")
    with pytest.raises(SettingsError, match=r"^DIGEST_CRON: "):
        settings()


def test_fractional_hours_are_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUESTION_REMIND_HOURS", "0.5")
    monkeypatch.setenv("SCHEDULER_TICK_SECONDS", "0.2")
    s = settings()
    assert s.question_remind_hours == 0.5
    assert s.scheduler_tick_seconds == 0.2


def test_empty_api_url_means_telegram(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_API_URL", "")
    assert settings().telegram_api_url == ""
    monkeypatch.setenv("TELEGRAM_API_URL", "http://127.0.0.1:8081/")
    assert settings().telegram_api_url == "http://127.0.0.1:8081"


@pytest.mark.parametrize(("level", "scheduler_level"), [("INFO", "WARNING"), ("DEBUG", "DEBUG")])
def test_apschedulers_per_run_lines_show_only_at_debug(level: str, scheduler_level: str) -> None:
    import logging

    from bot.__main__ import _configure_logging

    scheduler_log = logging.getLogger("apscheduler")
    before = scheduler_log.level
    try:
        _configure_logging(settings(log_level=level))
        assert logging.getLevelName(scheduler_log.level) == scheduler_level
    finally:
        scheduler_log.setLevel(before)


def test_polling_is_the_default_and_the_webhook_listens_locally() -> None:
    s = settings()
    assert s.webhook_url == ""
    assert s.webhook_address == ("127.0.0.1", 8080)


def test_a_webhook_takes_its_path_from_the_url() -> None:
    s = settings(
        webhook_url="https://bot.college.example/tg/updates",
        webhook_secret="s3cret_-X",
        webhook_listen="[::1]:8443",
    )
    assert s.webhook_path == "/tg/updates"
    assert s.webhook_address == ("::1", 8443)


def test_a_webhook_without_a_secret_names_the_secret() -> None:
    with pytest.raises(SettingsError, match=r"^WEBHOOK_SECRET: required when WEBHOOK_URL is set"):
        settings(webhook_url="https://bot.college.example/tg")


@pytest.mark.parametrize("secret", ["with space", "ключ", "x" * 257])
def test_a_secret_telegram_would_refuse_is_refused(secret: str) -> None:
    with pytest.raises(SettingsError, match=r"^WEBHOOK_SECRET: expected 1-256 characters"):
        settings(webhook_url="https://bot.college.example/tg", webhook_secret=secret)


def test_an_http_webhook_needs_a_self_hosted_bot_api_server() -> None:
    with pytest.raises(SettingsError, match=r"^WEBHOOK_URL: Telegram posts only to https://"):
        settings(webhook_url="http://bot.college.example/tg", webhook_secret="s")
    local = settings(
        webhook_url="http://127.0.0.1:8080/tg",
        webhook_secret="s",
        telegram_api_url="http://127.0.0.1:8081",
    )
    assert local.webhook_path == "/tg"


@pytest.mark.parametrize("listen", ["8080", "host:", "127.0.0.1:99999", "a b:80"])
def test_a_listen_address_not_host_port_is_refused(listen: str) -> None:
    with pytest.raises(SettingsError, match=r"^WEBHOOK_LISTEN: expected host:port"):
        settings(webhook_listen=listen)
