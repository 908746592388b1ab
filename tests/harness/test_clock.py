"""VirtualClock: one freeze, run_for vs fast_forward, server clock, events."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from freezegun import api as freezegun_api

from harness._realtime import wall_seconds
from harness.clock import DEFAULT_START, RemoteServerClock, VirtualClock
from harness.events import ClockAdvanced, Recorder


class IntervalTimer:
    """A participant with a setInterval-like timer; remembers when it fired."""

    def __init__(self, clock: VirtualClock, every: float) -> None:
        self.every = timedelta(seconds=every)
        self.due = clock.now() + self.every
        self.fired: list[tuple[datetime, str]] = []

    def next_due(self) -> datetime | None:
        return self.due

    async def clock_moved(self, now: datetime, mode: str) -> None:
        if self.due <= now:
            self.fired.append((now, mode))
            while self.due <= now:
                self.due += self.every


class RecordingServer:
    def __init__(self) -> None:
        self.times: list[datetime] = []

    async def set(self, now: datetime) -> None:
        self.times.append(now)

    async def sync(self) -> None:
        pass


def test_clock_starts_at_fixed_aware_utc_instant() -> None:
    clock = VirtualClock()
    assert clock.now() == DEFAULT_START
    assert clock.now().tzinfo is not None


def test_clock_with_naive_start_is_rejected() -> None:
    with pytest.raises(ValueError, match="aware"):
        VirtualClock(datetime(2026, 1, 1))


async def test_frozen_process_time_follows_advance_and_thaws_on_exit() -> None:
    start = datetime(2030, 6, 1, 12, 0, tzinfo=UTC)
    with VirtualClock(start) as clock:
        assert datetime.now(UTC) == start
        await clock.advance(90)
        assert datetime.now(UTC) == start + timedelta(seconds=90)
        assert time.time() == pytest.approx((start + timedelta(seconds=90)).timestamp())
        await asyncio.sleep(0.001)  # real_asyncio: awaiting still works while frozen
    assert datetime.now(UTC).year < 2030


async def test_run_for_fires_an_interval_timer_every_time_in_order() -> None:
    clock = VirtualClock()
    timer = IntervalTimer(clock, every=60)
    clock.attach(timer)
    await clock.advance(timedelta(minutes=30))
    assert [at for at, _ in timer.fired] == [
        DEFAULT_START + timedelta(minutes=n) for n in range(1, 31)
    ]
    assert clock.now() == DEFAULT_START + timedelta(minutes=30)


async def test_fast_forward_fires_a_due_timer_once() -> None:
    clock = VirtualClock()
    timer = IntervalTimer(clock, every=60)
    clock.attach(timer)
    await clock.advance(1800, mode="fast_forward")
    assert timer.fired == [(DEFAULT_START + timedelta(minutes=30), "fast_forward")]


async def test_detached_participant_is_not_called() -> None:
    clock = VirtualClock()
    timer = IntervalTimer(clock, every=60)
    clock.attach(timer)
    clock.detach(timer)
    await clock.advance(600)
    assert timer.fired == []


async def test_server_clock_is_moved_to_every_step() -> None:
    server = RecordingServer()
    clock = VirtualClock(server=server)
    clock.attach(IntervalTimer(clock, every=100))
    await clock.advance(250)
    offsets = [(t - DEFAULT_START).total_seconds() for t in server.times]
    assert offsets == [100, 200, 250]


async def test_advance_records_one_clock_event_with_virtual_span() -> None:
    recorder = Recorder()
    clock = VirtualClock(recorder=recorder)
    await clock.advance(42, mode="fast_forward")
    [event] = recorder.of_kind(ClockAdvanced)
    assert isinstance(event, ClockAdvanced)
    assert (event.seconds, event.mode, event.source) == (42.0, "fast_forward", "clock")
    assert event.at == DEFAULT_START + timedelta(seconds=42)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.advance(-1), "backwards"),
        (lambda c: c.move_to(DEFAULT_START - timedelta(seconds=1)), "backwards"),
        (lambda c: c.move_to(datetime(2027, 1, 1)), "aware"),
        (lambda c: c.advance(1, mode="sideways"), "unknown clock mode"),
    ],
)
async def test_invalid_moves_are_rejected_with_a_clear_error(
    call: Callable[[VirtualClock], Awaitable[None]], message: str
) -> None:
    clock = VirtualClock()
    with pytest.raises(ValueError, match=message):
        await call(clock)
    assert clock.now() == DEFAULT_START


async def test_participant_that_never_consumes_its_timer_is_reported() -> None:
    clock = VirtualClock()

    class Stuck:
        def next_due(self) -> datetime | None:
            return DEFAULT_START

        async def clock_moved(self, now: datetime, mode: str) -> None:
            return None

    clock.attach(Stuck())
    with pytest.raises(RuntimeError, match="stays due"):
        await clock.advance(10)


async def test_sleep_inside_a_callback_fires_other_timers_meanwhile() -> None:
    clock = VirtualClock()
    ticker = IntervalTimer(clock, every=1)

    class Waiter:
        def __init__(self) -> None:
            self.due: datetime | None = DEFAULT_START + timedelta(seconds=5)
            self.woke: datetime | None = None

        def next_due(self) -> datetime | None:
            return self.due

        async def clock_moved(self, now: datetime, mode: str) -> None:
            if self.due is not None and self.due <= now:
                self.due = None
                await clock.sleep(4)  # a retry backoff
                self.woke = clock.now()

    waiter = Waiter()
    clock.attach(ticker)
    clock.attach(waiter)
    await clock.advance(20)
    assert waiter.woke == DEFAULT_START + timedelta(seconds=9)
    assert len(ticker.fired) == 20
    assert clock.now() == DEFAULT_START + timedelta(seconds=20)


async def test_advance_of_a_week_in_minute_steps_is_fast() -> None:
    clock = VirtualClock()
    clock.attach(IntervalTimer(clock, every=30))
    began = wall_seconds()
    with clock:
        for _ in range(7 * 24 * 60):
            await clock.advance(60)
    assert clock.now() == DEFAULT_START + timedelta(days=7)
    assert wall_seconds() - began < 5.0


async def test_remote_server_clock_posts_the_time_and_reports_refusal() -> None:
    seen: list[dict[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append({"path": request.url.path, "body": request.content.decode()})
        status = 200 if len(seen) == 1 else 404
        return httpx.Response(status, json={"error": "not_found"} if status == 404 else {})

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    server = RemoteServerClock("http://127.0.0.1:9/", client=client)
    when = datetime(2030, 1, 1, tzinfo=UTC)
    await server.set(when)
    assert seen == [{"path": "/__harness__/clock", "body": '{"set":"2030-01-01T00:00:00+00:00"}'}]
    with pytest.raises(RuntimeError, match="test clock"):
        await server.set(when)
    await server.aclose()


async def test_lazy_remote_clock_holds_concurrent_syncs_until_the_move_has_landed() -> None:
    landed: list[str] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.01)  # the server takes a moment to move its clock
        landed.append("moved")
        return httpx.Response(200, json={})

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    server = RemoteServerClock("http://127.0.0.1:9", client=client, lazy=True)
    await server.set(datetime(2030, 1, 1, tzinfo=UTC))

    async def request() -> list[str]:
        await server.sync()
        return list(landed)  # what the server had done when this request went out

    seen = await asyncio.gather(*(request() for _ in range(5)))
    assert seen == [["moved"]] * 5
    await server.aclose()


async def test_times_from_inside_the_freeze_are_kept_as_plain_datetimes() -> None:
    with VirtualClock() as clock:
        frozen_now = datetime.now(UTC)  # freezegun's FakeDatetime while frozen
        assert type(frozen_now) is not freezegun_api.real_datetime
        await clock.move_to(frozen_now + timedelta(seconds=5))
        assert type(clock.now()) is freezegun_api.real_datetime
        assert clock.now() == DEFAULT_START + timedelta(seconds=5)
