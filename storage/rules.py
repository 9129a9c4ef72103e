"""The programme's rules (bot/domain/attention.py) as SQL, for the set-based reads that must say
the same in a query. Each takes the alias of its table and the placeholder of its moment, and is
named as its rule is; tests/unit/test_rules_sql.py runs each query and the Python rule over the
same generated data and requires the same answer."""

from __future__ import annotations


def milestone_overdue(ms: str, today: str) -> str:
    """attention.is_overdue: past its deadline and not accepted."""
    return f"{ms}.status <> 'accepted' AND {ms}.due_date < {today}"


def milestone_to_report(ms: str) -> str:
    """attention.still_to_report: planned, or returned."""
    return f"{ms}.status IN ('planned', 'returned')"


def question_unanswered(q: str, asked_by: str) -> str:
    """attention.question_unanswered: open, and asked at or before attention.unanswered_since."""
    return f"{q}.status = 'open' AND {q}.asked_at <= {asked_by}"
