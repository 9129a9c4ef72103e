"""The routers in the order updates try them: /cancel first, the catch-all last."""

from __future__ import annotations

from aiogram import Router


def get_routers() -> list[Router]:
    from handlers import (
        access,
        calendar,
        chat_member,
        common,
        fallback,
        invite,
        meetings,
        mentees,
        pairs,
        people,
        plan,
        questions,
        roster,
        start,
    )

    routers = [
        common.router,
        chat_member.router,
        start.router,
        access.router,
        people.router,
        invite.router,
        pairs.router,
        roster.router,
        questions.router,
        plan.router,
        calendar.router,
        meetings.router,
        mentees.router,
        fallback.router,
    ]
    for router in routers:
        # Routers are module singletons; a dispatcher built again in the same process (a restart
        # in the tests) takes them over from the previous one.
        parent = router.parent_router
        if parent is not None:
            parent.sub_routers.remove(router)
            router._parent_router = None
    return routers
