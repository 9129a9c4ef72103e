"""The press budget: a burst, then a steady rate; people idle long enough are forgotten."""

from __future__ import annotations

from bot.config import Settings
from bot.i18n import I18n
from bot.middlewares import PressThrottle

PRESS_BURST = Settings.model_fields["press_burst"].default
PRESSES_PER_SECOND = Settings.model_fields["presses_per_second"].default


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_fifty_presses_in_a_second_are_served_a_burst_and_the_rate() -> None:
    ticks = Ticks()
    throttle = PressThrottle(I18n("ru"), PRESS_BURST, PRESSES_PER_SECOND, ticks)
    served = 0
    for n in range(50):
        ticks.now = n / 50
        served += throttle.allow(7)
    assert served <= PRESS_BURST + PRESSES_PER_SECOND
    assert served >= PRESS_BURST
    # Another person is not slowed by the first one's taps.
    assert throttle.allow(8)


def test_a_person_who_paused_is_served_again_and_the_idle_are_forgotten() -> None:
    ticks = Ticks()
    throttle = PressThrottle(I18n("ru"), PRESS_BURST, PRESSES_PER_SECOND, ticks)
    for _ in range(PRESS_BURST):
        assert throttle.allow(7)
    assert not throttle.allow(7)
    ticks.now = 1.0
    assert throttle.allow(7)
    for user in range(1000):
        throttle.allow(10_000 + user)
    ticks.now = 1.0 + PRESS_BURST / PRESSES_PER_SECOND + 0.01
    throttle.allow(1)
    assert len(throttle) == 1
