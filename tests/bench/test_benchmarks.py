"""Every benchmark under bench/, run once at a small size: one that no longer runs, or fails
its own check (a query that scans a table, a notice lost or sent twice, an answer missing, a
cache that grows with every person), fails the suite. The figures of so small a run mean
nothing; bench/README.md has the real ones."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"

SMALL_RUNS = {
    "bench_updates.py": ["--updates", "60", "--rounds", "1"],
    "bench_mix.py": ["--rounds", "1"],
    "bench_import_latency.py": ["--rows", "300", "--rounds", "1"],
    "bench_tick.py": ["--sizes", "100,200", "--ticks", "1"],
    "bench_reports.py": ["--pairs", "40", "--meetings", "5"],
    "bench_delivery.py": ["--notices", "100", "--chats", "30", "--fail-every", "17"],
    # Every update answered once, nothing refused, the caches bounded, memory within its
    # ratios; the latency target is only reported (a loaded machine would fail it, not the bot).
    "bench_steady.py": [
        *("--pairs", "20", "--seconds", "3", "--rate", "20", "--active", "10"),
        *("--people", "500", "--p95-ms", "0"),
    ],
}
RUN_TIMEOUT = 300


def test_every_benchmark_has_a_small_run() -> None:
    assert sorted(SMALL_RUNS) == sorted(p.name for p in BENCH.glob("bench_*.py"))


@pytest.mark.timeout(RUN_TIMEOUT + 30)
@pytest.mark.parametrize("script", sorted(SMALL_RUNS))
def test_benchmark_runs_and_passes_its_own_check(script: str, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(BENCH / script), *SMALL_RUNS[script]],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, (
        f"{script} exited {result.returncode}\n--- stdout (end)\n{result.stdout[-3000:]}"
        f"\n--- stderr (end)\n{result.stderr[-3000:]}"
    )
