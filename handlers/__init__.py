"""The routers in the order updates try them: /cancel first, the catch-all last; the
dispatcher gets their handlers in one router (see `_take_handlers`)."""

from __future__ import annotations

from collections.abc import Mapping

from aiogram import Router
from aiogram.dispatcher.event.handler import FilterObject, HandlerObject

from handlers.filters import keep_filters_on_the_loop


def get_routers() -> list[Router]:
    from handlers import (
        access,
        access_list,
        attention,
        calendar,
        chat_member,
        common,
        consent,
        digest,
        export,
        fallback,
        feedback,
        guide,
        invite,
        meetings,
        mentees,
        mydata,
        outsiders,
        people,
        questions,
        reports,
        roster,
        settings,
        start,
        stats,
    )
    from handlers.pairs import cards as pair_cards
    from handlers.pairs import changes as pair_changes
    from handlers.pairs import form as pair_form
    from handlers.plan import admin_view as plan_admin_view
    from handlers.plan import approval as plan_approval
    from handlers.plan import edit as plan_edit
    from handlers.plan import reports as plan_reports
    from handlers.plan import view as plan_view

    routers = [
        common.router,
        chat_member.router,
        start.router,
        guide.router,
        mydata.router,
        # Strangers and people who left get past this only with the commands above.
        outsiders.router,
        # Past those, a person who has not accepted the consent text sees it, nothing else.
        consent.router,
        access.router,
        access_list.router,
        people.router,
        invite.router,
        # /pair and /pairs: the form, the list and a card, a card's changes.
        pair_form.router,
        pair_cards.router,
        pair_changes.router,
        digest.router,
        attention.router,
        stats.router,
        export.router,
        reports.router,
        roster.router,
        questions.router,
        # /plan's journeys: their callbacks differ by action and their forms by state.
        plan_view.router,
        plan_edit.router,
        plan_approval.router,
        plan_reports.router,
        plan_admin_view.router,
        calendar.router,
        feedback.router,
        meetings.router,
        mentees.router,
        settings.router,
        fallback.router,
    ]
    journeys = Router(name="journeys")
    for router in routers:
        _take_handlers(journeys, router)
    keep_filters_on_the_loop(journeys)
    return [journeys]


def _take_handlers(
    journeys: Router, router: Router, above: Mapping[str, list[FilterObject]] | None = None
) -> None:
    """The router's handlers (then its sub-routers') appended to `journeys`, in order, each
    checking its router's filters (and those above it) first, as aiogram would.

    aiogram walks an update through every router before the one that takes it, wrapping each
    in its middleware chain and copying the keyword arguments (a fifth of the dispatcher's
    time, for ~25 routers); one router holding every handler in the same order answers the
    same. So the code keeps a router per journey; none may have middlewares of its own."""
    above = above or {}
    inherited: dict[str, list[FilterObject]] = {}
    for name, observer in router.observers.items():
        if observer.outer_middleware or observer.middleware:
            raise ValueError(f"{router.name}: the {name} observer has middlewares of its own")
        inherited[name] = [*above.get(name, []), *(observer._handler.filters or [])]
        for handler in observer.handlers:
            journeys.observers[name].handlers.append(
                HandlerObject(
                    callback=handler.callback,
                    filters=[*inherited[name], *(handler.filters or [])],
                    flags=dict(handler.flags),
                )
            )
    for sub_router in router.sub_routers:
        _take_handlers(journeys, sub_router, inherited)
