"""Meetings (mentor and mentee), one job per module: the /meet form (form.py), the invited
side's answer (answers.py), cancel and move (changes.py), "did it happen?" (outcome.py) and
the journal (journal.py). Their routers go under one, in the order they are tried."""

from __future__ import annotations

from aiogram import Router

from handlers.meetings import answers, changes, form, journal, outcome

router = Router(name=__name__)
router.include_routers(
    form.router,
    answers.router,
    changes.router,
    outcome.router,
    journal.router,
    journal.admin_router,  # admins, who need not be members; each press checks
)
