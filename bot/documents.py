"""The council's papers as DOCX (python-docx), ready to print: A4, Times New Roman 12, tables
with borders and a repeated header row, lines for signatures. Written in a child process
(bot/jobs.py), so python-docx never stays in the bot's memory; the words come from the
catalogs (a `Translator` in the reader's language), what they say from bot/domain/reports.py.

- `pair_report`: the pair and the order, the plan with its marks of completion, the journal
  of meetings with hours per month, the questionnaires, the mentor's conclusion, signatures.
- `programme_report`: /stats's totals and a table per department, the chart, the pairs with
  their completion.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, tzinfo
from typing import Any

from bot.domain.export import PairFigures
from bot.domain.feedback import ITEMS, round_title
from bot.domain.meeting_rules import duration_text
from bot.domain.reports import completion, conclusion, feedback_for, hours_by_month, milestone_mark
from bot.domain.stats import DepartmentStats, Stats
from bot.i18n import Translator
from bot.rendering import render
from storage.export import MilestoneRow, PairFile, PairRow

FONT, SIZE = "Times New Roman", 12
CELL_CHARS = 1500  # a cell holds at most this much of what a person typed


def _document() -> Any:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(25), Mm(15)
    section.top_margin = section.bottom_margin = Mm(20)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(SIZE)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)  # Word's own fallback otherwise
    for name in ("Title", "Heading 1", "Heading 2"):
        style = doc.styles[name]
        style.font.name = FONT
        style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    return doc


def _table(doc: Any, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, title in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(title).bold = True
    repeat = OxmlElement("w:tblHeader")  # the header row again on every page
    repeat.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(repeat)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            text = "" if value is None else str(value)
            cell.text = text if len(text) <= CELL_CHARS else text[: CELL_CHARS - 1] + "…"


def _save(doc: Any) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _signatures(doc: Any, t: Translator, people: Sequence[tuple[str, str]]) -> None:
    doc.add_paragraph()
    for role, name in people:
        doc.add_paragraph(t.plain("report-signature", role=role, name=name))
    doc.add_paragraph(t.plain("report-signature-date"))


# --- a pair's report --------------------------------------------------------------------------


def pair_report(file: PairFile, t: Translator, tz: tzinfo, today: date, *, admin: bool) -> bytes:
    """`admin`: the admins' copy, every answer of the questionnaires; the mentor's copy has the
    mentor's own and the comments the mentee chose to show."""
    pair = file.pair
    doc = _document()
    doc.add_heading(t.plain("report-pair-title"), level=0)
    nowhere = t.plain("digest-no-department")
    facts = [
        (t.plain("report-mentee"), f"{pair.mentee} ({pair.department or nowhere})"),
        (t.plain("report-mentor"), f"{pair.mentor} ({file.mentor_department or nowhere})"),
        (t.plain("report-kind"), t.plain(f"pair-kind-{pair.kind}")),
        (t.plain("report-period"), f"{pair.start:%d.%m.%Y} – {pair.end:%d.%m.%Y}"),
        (t.plain("report-order"), pair.order_ref or t.plain("report-no-order")),
        (t.plain("report-status"), t.plain(f"pair-status-{pair.status}")
         + (f" ({pair.close_reason})" if pair.close_reason else "")),
    ]  # fmt: skip
    for label, value in facts:
        paragraph = doc.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)

    doc.add_heading(t.plain("report-plan"), level=1)
    on_time, counted = completion(file.milestones, today, tz)
    doc.add_paragraph(t.plain("report-plan-summary", on_time=on_time, counted=counted,
                              total=len(file.milestones)))  # fmt: skip
    _table(
        doc,
        [t.plain(f"report-plan-{c}") for c in ("number", "activity", "due", "evidence", "mark")],
        [
            (
                n, m.title, f"{m.due:%d.%m.%Y}", m.comment or "",
                _mark(t, m, today, tz),
            )
            for n, m in enumerate(file.milestones, start=1)
        ],
    )  # fmt: skip

    doc.add_heading(t.plain("report-journal"), level=1)
    columns = ("date", "format", "topic", "content", "result", "task", "hours")
    _table(
        doc,
        [t.plain(f"report-journal-{c}") for c in columns],
        [
            (
                f"{m.starts_at.astimezone(tz):%d.%m.%Y}", t.plain(f"meet-format-{m.format}"),
                m.topic, m.content, m.result, m.task, _hours(m.minutes),
            )
            for m in file.meetings
        ],
    )  # fmt: skip
    months = hours_by_month(file.meetings, tz)
    doc.add_paragraph()
    _table(
        doc,
        [t.plain("report-month"), t.plain("report-meetings"), t.plain("report-hours")],
        [
            *((f"{month:%m.%Y}", count, _hours(minutes)) for month, count, minutes in months),
            (
                t.plain("report-total"), sum(c for _, c, _ in months),
                _hours(sum(m for _, _, m in months)),
            ),
        ],
    )  # fmt: skip

    doc.add_heading(t.plain("report-feedback"), level=1)
    forms, shared = feedback_for(file.feedback, admin=admin)
    if not forms and not shared:
        doc.add_paragraph(t.plain("report-feedback-none"))
    for form in forms:
        title = render(t, round_title(form.round), html=False)
        doc.add_paragraph(
            t.plain("report-feedback-form", round=title, side=t.plain(f"role-{form.side}"),
                    date=f"{form.answered_at.astimezone(tz):%d.%m.%Y}"),
        ).runs[0].bold = True  # fmt: skip
        _table(
            doc,
            [t.plain("report-feedback-item"), t.plain("report-feedback-score")],
            [
                (
                    t.plain(f"feedback-item-{form.side}-{item}", mentee=pair.mentee),
                    form.scores.get(item, "—"),
                )
                for item in ITEMS[form.side]
            ],
        )  # fmt: skip
        if form.comment:
            doc.add_paragraph(t.plain("report-feedback-comment", comment=form.comment))
    for form in shared:
        doc.add_paragraph(t.plain("report-feedback-shared", comment=form.comment or ""))

    doc.add_heading(t.plain("report-conclusion"), level=1)
    said = conclusion(file.feedback)
    doc.add_paragraph(said or t.plain("report-conclusion-none"))
    if not said:
        for _ in range(4):
            doc.add_paragraph("_" * 80)
    _signatures(
        doc,
        t,
        [
            (t.plain("report-sign-mentor"), pair.mentor),
            (t.plain("report-sign-mentee"), pair.mentee),
            (t.plain("report-sign-office"), ""),
        ],
    )
    return _save(doc)


def _mark(t: Translator, m: MilestoneRow, today: date, tz: tzinfo) -> str:
    key, args = milestone_mark(m, today, tz)
    return t.plain(key, **args)


def _share(on_time: int, due: int, percent: int | None) -> str:
    return f"{on_time} / {due}" + (f" ({percent} %)" if percent is not None else "")


def _hours(minutes: int) -> str:
    return f"{minutes / 60:.1f}".replace(".", ",")


# --- the programme's report -------------------------------------------------------------------


def _figures_row(t: Translator, name: str, d: DepartmentStats) -> list[object]:
    return [
        name,
        d.active,
        d.completed,
        d.ended,
        _share(d.on_time, d.due, d.completion),
        d.meetings,
        _hours(d.minutes),
        d.mentor_visits,
        d.mentee_visits,
        d.open_lessons,
        d.asked,
    ]


def programme_report(
    stats: Stats,
    pairs: Sequence[tuple[PairRow, PairFigures]],
    chart: bytes | None,
    t: Translator,
    tz: tzinfo,
) -> bytes:
    from docx.shared import Mm

    doc = _document()
    period = {"first": f"{stats.period.first:%d.%m.%Y}", "last": f"{stats.period.last:%d.%m.%Y}"}
    doc.add_heading(t.plain("report-programme-title"), level=0)
    doc.add_paragraph(t.plain("report-programme-period", **period))
    doc.add_heading(t.plain("report-totals"), level=1)
    columns = ("department", "active", "completed", "ended", "plan", "meetings", "hours",
               "mentor-visits", "mentee-visits", "open-lessons", "questions")  # fmt: skip
    header = [t.plain(f"report-column-{c}") for c in columns]
    rows = [_figures_row(t, t.plain("report-total"), stats.total)]
    rows += [
        _figures_row(t, d.name or t.plain("digest-no-department"), d) for d in stats.departments
    ]
    _table(doc, header, rows)
    total = stats.total
    wait = total.median_wait
    if total.asked:
        doc.add_paragraph(
            t.plain("report-median-wait", wait=render(t, duration_text(wait), html=False))
            if wait is not None
            else t.plain("report-no-answers")
        )
    for side, items in ITEMS.items():
        if total.forms[side]:
            averages = ", ".join(
                f"{t.plain(f'stats-item-{side}-{item}')} {mean:.1f}".replace(".", ",")
                for item in items
                if (mean := total.average(side, item)) is not None
            )
            doc.add_paragraph(
                t.plain(f"report-feedback-{side}", count=total.forms[side], averages=averages)
            )
    if chart:
        doc.add_heading(t.plain("report-chart"), level=1)
        doc.add_picture(io.BytesIO(chart), width=Mm(170))
    doc.add_heading(t.plain("report-pairs"), level=1)
    pair_columns = ("number", "mentee", "mentor", "department", "status", "plan", "meetings",
                    "hours")  # fmt: skip
    _table(
        doc,
        [t.plain(f"report-pairs-{c}") for c in pair_columns],
        [
            (
                n, p.mentee, p.mentor, p.department or t.plain("digest-no-department"),
                t.plain(f"pair-status-{p.status}"),
                _share(f.on_time, f.due, f.completion),
                f.meetings, _hours(f.minutes),
            )
            for n, (p, f) in enumerate(pairs, start=1)
        ],
    )  # fmt: skip
    _signatures(doc, t, [(t.plain("report-sign-office"), "")])
    return _save(doc)
