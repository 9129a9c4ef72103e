"""How the routers are put together."""

from __future__ import annotations

from typing import Any

import pytest

from handlers import get_routers


def test_no_filter_or_handler_is_run_in_a_worker_thread() -> None:
    """aiogram runs a filter or handler that is no coroutine through asyncio.to_thread: a thread
    hop for every update that passes by it (a bare State or F expression)."""
    found = []
    for router in get_routers():
        for name, observer in router.observers.items():
            # observer._handler holds the router-level filters; its own callback is never called
            for handler in (observer._handler, *observer.handlers):
                if handler is not observer._handler and not handler.awaitable:
                    found.append(f"{router.name} {name}: {handler.callback}")
                found.extend(
                    f"{router.name} {name}: {f.callback!r}"
                    for f in handler.filters or []
                    if not f.awaitable
                )
    assert found == []


def test_the_dispatchers_router_holds_every_journeys_handlers_in_order() -> None:
    """handlers/__init__.py gives the dispatcher one router: the same handlers in the order
    aiogram would try them, each checking the filters of its router (and the routers above it)
    before its own."""
    from handlers import access, fallback, meetings, questions, start
    from handlers.meetings import form

    (journeys,) = get_routers()
    message_callbacks = [handler.callback for handler in journeys.message.handlers]
    walked = [
        handler.callback
        for router in (start.router, questions.router, meetings.router, fallback.router)
        for sub in (router, *router.sub_routers)
        for handler in sub.message.handlers
    ]
    positions = [message_callbacks.index(callback) for callback in walked]
    assert positions == sorted(positions)
    assert message_callbacks[-1] is fallback.router.message.handlers[-1].callback

    def first_filter(router_module: Any, observer: str) -> Any:
        (root,) = getattr(router_module.router, observer)._handler.filters
        return root.callback

    for module in (access, form):
        for observer in ("message", "callback_query"):
            root = first_filter(module, observer)
            own = {h.callback for h in getattr(module.router, observer).handlers}
            taken = [h for h in getattr(journeys, observer).handlers if h.callback in own]
            assert taken and all(h.filters[0].callback is root for h in taken)


def test_a_router_with_middlewares_of_its_own_is_refused() -> None:
    from aiogram import Router

    from handlers import _take_handlers

    router = Router(name="with-middleware")

    async def middleware(handler: Any, event: Any, data: Any) -> Any:
        return await handler(event, data)

    router.message.middleware(middleware)
    with pytest.raises(ValueError, match="middlewares of its own"):
        _take_handlers(Router(name="journeys"), router)
