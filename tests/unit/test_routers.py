"""How the routers are put together."""

from __future__ import annotations

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
