"""/plan: the individual development plan of a pair, one module per journey. The mentee sees it
and reports a milestone done (a comment, optionally a file); the mentor edits it, submits it to
the admins, and accepts or returns reports. Every press loads the pair, plan and milestone
afresh and checks the person's side; a doubled or stale decision is refused by the guarded
update in storage."""

from __future__ import annotations

from handlers.keyboards import MilestoneCb, PlanCb
from handlers.plan.common import PlanDecision

__all__ = ["MilestoneCb", "PlanCb", "PlanDecision"]
