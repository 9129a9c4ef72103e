from datetime import date

from bot.domain.dates import parse_date
from bot.domain.rules import PairRefusal, check_new_pair, default_pair_end
from scheduler.sender import RateLimiter
from storage.models import PairKind, Person, Role


def person(person_id: int, role: Role, active: bool = True) -> Person:
    return Person(
        person_id, f"Человек {person_id}", role, False, None, None, None, None, active, False, True
    )


def check(mentor: Person, mentee: Person, **overrides: object) -> PairRefusal | None:
    args: dict[str, object] = {
        "mentor": mentor,
        "mentee": mentee,
        "kind": PairKind.PEDAGOGICAL,
        "start": date(2026, 9, 1),
        "end": date(2027, 6, 30),
        "mentor_active_pairs": 0,
        "mentee_pair_of_kind": None,
        "same_pair_before": None,
        "max_mentees_per_mentor": 2,
    }
    args.update(overrides)
    return check_new_pair(**args)  # type: ignore[arg-type]


def test_a_valid_pair_passes() -> None:
    assert check(person(1, Role.MENTOR), person(2, Role.MENTEE)) is None


def test_nobody_mentors_themselves() -> None:
    both = person(1, Role.MENTOR)
    assert check(both, both) is PairRefusal.SAME_PERSON


def test_mentor_limit_is_enforced() -> None:
    refusal = check(person(1, Role.MENTOR), person(2, Role.MENTEE), mentor_active_pairs=2)
    assert refusal is PairRefusal.MENTOR_FULL


def test_roles_must_fit() -> None:
    assert check(person(1, Role.MENTEE), person(2, Role.MENTEE)) is PairRefusal.NOT_A_MENTOR
    assert check(person(1, Role.MENTOR), person(2, Role.MENTOR)) is PairRefusal.NOT_A_MENTEE


def test_end_before_start_is_refused() -> None:
    refusal = check(person(1, Role.MENTOR), person(2, Role.MENTEE), end=date(2026, 8, 1))
    assert refusal is PairRefusal.END_BEFORE_START


def test_default_end_is_a_year_later() -> None:
    assert default_pair_end(date(2026, 9, 1)) == date(2027, 9, 1)
    assert default_pair_end(date(2028, 2, 29)) == date(2029, 2, 28)


def test_dates_in_both_formats() -> None:
    assert parse_date("01.09.2026") == date(2026, 9, 1)
    assert parse_date(" 2026-09-01 ") == date(2026, 9, 1)
    assert parse_date("31.02.2026") is None
    assert parse_date("завтра") is None


def test_rate_limiter_spaces_messages_to_one_chat() -> None:
    clock = [100.0]
    limiter = RateLimiter(monotonic=lambda: clock[0])
    assert limiter.delay_for(1) == 0
    limiter.record(1)
    assert limiter.delay_for(1) == 1.0
    assert limiter.delay_for(2) == 0
    clock[0] += 1.0
    assert limiter.delay_for(1) == 0


def test_rate_limiter_tells_which_chats_are_free_now() -> None:
    clock = [100.0]
    limiter = RateLimiter(monotonic=lambda: clock[0])
    limiter.record(1)
    assert not limiter.chat_ready(1) and limiter.chat_ready(2)
    clock[0] += 1.0
    assert limiter.chat_ready(1)


def test_rate_limiter_caps_the_overall_rate() -> None:
    clock = [100.0]
    limiter = RateLimiter(monotonic=lambda: clock[0])
    for chat in range(25):
        assert limiter.delay_for(chat) == 0
        limiter.record(chat)
    assert limiter.delay_for(99) == 1.0


def test_quiet_hours_over_midnight() -> None:
    from datetime import UTC, datetime, time
    from zoneinfo import ZoneInfo

    from bot.domain.rules import quiet_hours_end

    bishkek = ZoneInfo("Asia/Bishkek")
    window = (time(21, 0), time(8, 0))
    evening = datetime(2026, 11, 27, 22, 30, tzinfo=bishkek)
    night = datetime(2026, 11, 28, 3, 0, tzinfo=bishkek)
    day = datetime(2026, 11, 28, 12, 0, tzinfo=bishkek)
    morning = datetime(2026, 11, 28, 8, 0, tzinfo=bishkek)
    assert quiet_hours_end(evening, window, bishkek) == morning.astimezone(UTC)
    assert quiet_hours_end(night, window, bishkek) == morning.astimezone(UTC)
    assert quiet_hours_end(day, window, bishkek) is None
    assert quiet_hours_end(morning, window, bishkek) is None
    assert quiet_hours_end(night, None, bishkek) is None
    lunch = (time(13, 0), time(14, 0))
    assert quiet_hours_end(datetime(2026, 11, 28, 13, 30, tzinfo=bishkek), lunch, bishkek) == (
        datetime(2026, 11, 28, 14, 0, tzinfo=bishkek).astimezone(UTC)
    )


def test_the_progress_bar_fills_a_cell_a_fifth_and_is_full_only_when_all_are_accepted() -> None:
    from bot.domain.overview import progress_bar

    assert progress_bar(0, 10) == "░░░░░"
    assert progress_bar(6, 10) == "▓▓▓░░"
    assert progress_bar(9, 10) == "▓▓▓▓░"
    assert progress_bar(10, 10) == "▓▓▓▓▓"
    assert progress_bar(0, 0) == "░░░░░"
