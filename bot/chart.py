"""The chart sent with /stats: meetings held per week over the period, and plan completion per
department. matplotlib with the Agg backend and its object API (no pyplot, so no global state),
drawn in a child process (bot/jobs.py), so the library never stays in the bot's memory."""

from __future__ import annotations

import io
from datetime import date

# The chart's words, by catalog key: the handler renders them and passes them in.
LABELS = ("chart-meetings", "chart-completion", "digest-no-department")
MAX_DEPARTMENTS = 15  # bars on the completion chart; the ones with the most milestones
NAME_CHARS = 32
WIDTH_INCHES, DPI = 10, 100


def _short(name: str) -> str:
    return name if len(name) <= NAME_CHARS else name[: NAME_CHARS - 1] + "…"


def draw(
    weeks: list[tuple[date, int]],
    completion: list[tuple[str, int]],
    labels: dict[str, str],
) -> bytes:
    """A PNG: on top the meetings per week, below the percent done on time per department
    (`completion`: name and percent, at most MAX_DEPARTMENTS shown)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.dates import DateFormatter
    from matplotlib.figure import Figure

    shown = completion[:MAX_DEPARTMENTS]
    height = 3.5 + (0.35 * len(shown) + 1 if shown else 0)
    figure = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI)
    rows = 2 if shown else 1
    ratios = [3.5, 0.35 * len(shown) + 1] if shown else [1]
    axes = figure.subplots(rows, 1, squeeze=False, gridspec_kw={"height_ratios": ratios})
    top = axes[0][0]
    top.bar([w for w, _ in weeks], [n for _, n in weeks], width=5, color="#4C78A8")
    top.set_title(labels["chart-meetings"])
    top.xaxis.set_major_formatter(DateFormatter("%d.%m.%y"))  # type: ignore[no-untyped-call]
    top.yaxis.get_major_locator().set_params(integer=True)
    top.grid(axis="y", alpha=0.3)
    for tick in top.get_xticklabels():
        tick.set_rotation(30)
    if shown:
        bottom = axes[1][0]
        names = [_short(name) for name, _ in shown][::-1]
        percents = [percent for _, percent in shown][::-1]
        bars = bottom.barh(names, percents, color="#59A14F")
        bottom.bar_label(bars, labels=[f"{p} %" for p in percents], padding=3)
        bottom.set_xlim(0, 110)
        bottom.set_title(labels["chart-completion"])
        bottom.grid(axis="x", alpha=0.3)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
