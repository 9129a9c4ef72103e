"""bench/run measures every table of bench/README.md: each benchmark is in its list."""

from __future__ import annotations

import re
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_bench_run_runs_every_benchmark() -> None:
    listed = set(re.findall(r"bench/(bench_\w+\.py)", (BENCH / "run").read_text(encoding="utf-8")))
    benches = {path.name for path in BENCH.glob("bench_*.py")}
    assert benches == listed


def test_every_benchmark_has_its_section_in_the_readme() -> None:
    readme = (BENCH / "README.md").read_text(encoding="utf-8")
    missing = [p.name for p in BENCH.glob("bench_*.py") if f"## `{p.name}`" not in readme]
    assert missing == []
