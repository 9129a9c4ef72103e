"""Background work waits for a pause in the updates, but not forever."""

from __future__ import annotations

import asyncio

from bot.middlewares import InFlightUpdates


async def test_a_steady_stream_of_updates_holds_background_work_at_most_so_long() -> None:
    in_flight = InFlightUpdates()

    async def update() -> None:
        await asyncio.sleep(0.01)

    async def stream() -> None:
        while True:
            await in_flight(lambda _event, _data: update(), None, {})  # type: ignore[arg-type]
            await asyncio.sleep(0.01)

    streaming = asyncio.create_task(stream())
    try:
        started = asyncio.get_running_loop().time()
        await in_flight.until_quiet(quiet=0.1, at_most=0.4)
        waited = asyncio.get_running_loop().time() - started
    finally:
        streaming.cancel()
    assert 0.35 <= waited < 1.0


async def test_a_pause_lets_background_work_go_at_once() -> None:
    in_flight = InFlightUpdates()
    await asyncio.wait_for(in_flight.until_quiet(quiet=0.05, at_most=5.0), timeout=1.0)
