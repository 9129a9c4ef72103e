"""The routers in the order updates try them: /cancel first, the catch-all last."""

from __future__ import annotations

from aiogram import Router

from handlers.filters import keep_filters_on_the_loop


def get_routers() -> list[Router]:
    from handlers import (
        access,
        calendar,
        chat_member,
        common,
        digest,
        fallback,
        invite,
        meetings,
        mentees,
        pairs,
        people,
        questions,
        roster,
        settings,
        start,
    )
    from handlers.plan import admin_view as plan_admin_view
    from handlers.plan import approval as plan_approval
    from handlers.plan import edit as plan_edit
    from handlers.plan import reports as plan_reports
    from handlers.plan import view as plan_view

    routers = [
        common.router,
        chat_member.router,
        start.router,
        access.router,
        people.router,
        invite.router,
        pairs.router,
        digest.router,
        roster.router,
        questions.router,
        # /plan's journeys: their callbacks differ by action and their forms by state.
        plan_view.router,
        plan_edit.router,
        plan_approval.router,
        plan_reports.router,
        plan_admin_view.router,
        calendar.router,
        meetings.router,
        mentees.router,
        settings.router,
        fallback.router,
    ]
    for router in routers:
        keep_filters_on_the_loop(router)
        # Routers are module singletons; a dispatcher built again in the same process (a restart
        # in the tests) takes them over from the previous one.
        parent = router.parent_router
        if parent is not None:
            parent.sub_routers.remove(router)
            router._parent_router = None
    return routers
