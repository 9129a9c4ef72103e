"""The deployment files say what the docs promise; read as text, since no docker daemon or systemd
runs the tests (and no YAML parser is a dependency)."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parents[2]

SECRETS_AND_STATE = (".env", ".git", ".venv", "data", "**/*.db", "**/*.db-wal", "**/*.db-shm")


def dockerfile_final_stage() -> list[tuple[str, str]]:
    """The last stage's instructions, continuation lines joined, comments left out."""
    text = re.sub(r"\\\n\s*", " ", (ROOT / "Dockerfile").read_text(encoding="utf-8"))
    lines = [line.strip() for line in text.splitlines()]
    instructions = [tuple(line.split(None, 1)) for line in lines if line and line[0] != "#"]
    last_from = max(i for i, (word, _) in enumerate(instructions) if word == "FROM")
    return [(word.upper(), args) for word, args in instructions[last_from:]]


def instruction(stage: list[tuple[str, str]], name: str) -> str:
    (args,) = [args for word, args in stage if word == name]
    return args


def env_value(stage: list[tuple[str, str]], name: str) -> str:
    found = re.search(rf"\b{name}=(\S+)", instruction(stage, "ENV"))
    assert found, f"ENV {name} is not set"
    return found.group(1)


def unit(name: str) -> dict[str, list[str]]:
    """A systemd unit's settings, each name with its values in order."""
    settings: dict[str, list[str]] = {}
    for line in (ROOT / "deploy" / name).read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            settings.setdefault(key, []).append(value)
    return settings


def test_the_image_runs_the_bot_as_a_user_other_than_root() -> None:
    stage = dockerfile_final_stage()

    assert instruction(stage, "USER") not in ("root", "0")
    assert instruction(stage, "CMD") == '["python", "-m", "bot"]'


def test_the_image_keeps_its_database_on_its_volume() -> None:
    stage = dockerfile_final_stage()
    (volume,) = re.findall(r'"([^"]+)"', instruction(stage, "VOLUME"))

    assert PurePosixPath(volume) in PurePosixPath(env_value(stage, "DATABASE_PATH")).parents


def test_the_image_checks_its_health_with_the_bots_own_command() -> None:
    healthcheck = instruction(dockerfile_final_stage(), "HEALTHCHECK")

    assert healthcheck.endswith('CMD ["python", "-m", "bot", "health"]')


def test_the_image_installs_the_bot_without_a_cache_and_with_the_guides() -> None:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")

    assert "pip install --no-cache-dir ." in text
    # handlers/guide.py reads docs/ beside the packages: without it /help offers no guides.
    assert "COPY docs docs" in text and 'cp -r docs "$site/docs"' in text


def test_the_build_context_leaves_out_secrets_databases_and_the_environment() -> None:
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()

    assert [name for name in SECRETS_AND_STATE if name not in ignored] == []


def test_compose_mounts_the_volume_where_database_path_points() -> None:
    compose = (ROOT / "compose.yaml").read_text(encoding="utf-8")
    (database,) = re.findall(r"^\s+DATABASE_PATH: (\S+)$", compose, re.MULTILINE)
    (volume, target) = re.findall(r"^\s+- (\w+):(/\S+)$", compose, re.MULTILINE)[0]

    assert PurePosixPath(target) in PurePosixPath(database).parents
    assert re.search(rf"^volumes:\n  {volume}:", compose, re.MULTILINE)
    assert "env_file: .env" in compose and "restart: unless-stopped" in compose
    assert 'test: ["CMD", "python", "-m", "bot", "health"]' in compose


def test_the_systemd_unit_runs_the_bot_from_its_venv_as_its_own_user() -> None:
    service = unit("nastavnik.service")
    (directory,) = service["WorkingDirectory"]

    assert service["ExecStart"] == [f"{directory}/.venv/bin/python -m bot"]
    assert service["User"] != ["root"] and service["Restart"] == ["on-failure"]
    # ProtectSystem=strict leaves only these writable: the default DATABASE_PATH's folder.
    assert service["ProtectSystem"] == ["strict"]
    assert f"{directory}/data" in service["ReadWritePaths"][0].split()


def test_the_systemd_timer_runs_the_health_check() -> None:
    (command,) = unit("nastavnik-health.service")["ExecStart"]

    assert command.endswith("/.venv/bin/python -m bot health")
    assert "OnUnitActiveSec" in unit("nastavnik-health.timer")
