"""The bot as the Docker image installs it, without a Docker engine: the Dockerfile's build
stage copies pyproject.toml, README.md, the four packages and docs/, runs `pip install .` (not
editable) and puts docs/ beside the packages. Here the same copy is built into a wheel, the
wheel unpacked into a folder of its own (what `pip install` of a pure-Python wheel does), and
`python -m bot` run from there: every file of the packages is in it (a migration or a catalog
missing from pyproject's package-data would stop the image, not the checkout), the migrations
run, and the bot answers, /help's guide included."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from bot_process import ROOT
from fake_bot_api import FakeBotAPI
from people import TelegramUser
from test_entrypoint import START_TIMEOUT, _start, _stop, run_bot

PACKAGES = ("bot", "handlers", "storage", "scheduler")
COPIED = (*PACKAGES, "docs", "pyproject.toml", "README.md")  # the Dockerfile's COPY lines
BUILD_TIMEOUT = 120.0


def _files(folder: Path) -> set[str]:
    return {
        str(path.relative_to(folder))
        for package in PACKAGES
        for path in (folder / package).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def _install_as_the_image_does(work: Path) -> Path:
    """The build stage's result: the site-packages folder the image's bot runs from."""
    source, wheels, site = work / "src", work / "wheels", work / "site"
    source.mkdir()
    caches = shutil.ignore_patterns("__pycache__")
    for name in COPIED:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=caches)
        else:
            shutil.copy(ROOT / name, source / name)
    # --no-build-isolation: the dev tools' setuptools builds it, so no package index is needed.
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--disable-pip-version-check", "-w", str(wheels), str(source)],
        check=True, capture_output=True, timeout=BUILD_TIMEOUT,
    )  # fmt: skip
    (wheel,) = wheels.glob("nastavnik-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    shutil.copytree(source / "docs", site / "docs")  # as the Dockerfile does after pip install
    return site


async def test_the_image_holds_every_file_of_the_bot_and_the_bot_runs_from_it(
    tmp_path: Path, fake_api: FakeBotAPI
) -> None:
    site = await asyncio.to_thread(_install_as_the_image_does, tmp_path)
    missing = _files(ROOT) - _files(site)
    assert not missing, f"not installed (pyproject's package-data?): {sorted(missing)}"

    image = {"PYTHONPATH": str(site)}  # the installed copy, not the repository
    where = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-c", "import bot, handlers; print(bot.__file__, handlers.__file__)"],
        cwd=tmp_path, env={**image, "PATH": ""}, capture_output=True, text=True,
        timeout=START_TIMEOUT, check=True,
    )  # fmt: skip
    assert all(path.startswith(str(site)) for path in where.stdout.split()), where.stdout

    database = tmp_path / "data" / "nastavnik.db"
    roster = tmp_path / "roster.csv"
    roster.write_text("ФИО;Роль;Telegram\nИванова Анна Петровна;наставник;2001\n", encoding="utf-8")
    imported = await asyncio.to_thread(
        run_bot, tmp_path, "import", str(roster), DATABASE_PATH=str(database), **image
    )
    assert imported.returncode == 0 and "added: 1" in imported.stdout, imported.stderr

    process = await _start(tmp_path, fake_api, database, **image)
    try:
        admin = TelegramUser(fake_api, 111, "Гульнара", "Асанова")
        admin.send("/help")
        help_message = await admin.wait_message("Что я умею", timeout=30)
        admin.press("📖 Памятка методиста", help_message)
        await admin.wait_message("Памятка методиста", timeout=30, since=fake_api.seq)
        mentor = TelegramUser(fake_api, 2001, "Анна", "Иванова")
        mentor.send("/start")
        await mentor.wait_message("Здравствуйте, Анна Петровна", timeout=30)
    finally:
        stderr = await _stop(process)
    assert "Traceback" not in stderr, stderr


@pytest.mark.parametrize("name", COPIED)
def test_the_dockerfile_copies_what_the_image_is_built_from(name: str) -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert f" {name} " in dockerfile or f" {name}\n" in dockerfile
