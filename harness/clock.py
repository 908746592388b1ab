"""The virtual clock: one object that moves time for the app, the simulated tabs and the server."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, Literal, Protocol

import httpx
from freezegun import freeze_time

from harness._realtime import real, wall_now
from harness.applicability import NotApplicable
from harness.events import ClockAdvanced, Recorder

Mode = Literal["run_for", "fast_forward"]
DEFAULT_START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


# A participant that stays due at the same instant after being told the time would spin forever.
_MAX_STEPS_PER_INSTANT = 1000


class ClockParticipant(Protocol):
    async def clock_moved(self, now: datetime, mode: str) -> None:
        """Called after each step; fire the timers due at or before `now`."""

    def next_due(self) -> datetime | None:
        """The earliest pending timer in virtual time, None when nothing is scheduled."""


class ServerClock(Protocol):
    async def set(self, now: datetime) -> None: ...

    async def sync(self) -> None:
        """Bring the server to the last time set, if that was deferred."""


CLOCK_PATH = "/__harness__/clock"


class ClockUnavailable(NotApplicable):
    """The app's time cannot be moved this far (no test clock, or real time only).

    The pytest plugin reports a test that hits this as "not applicable", not as failed.
    """


class RemoteServerClock:
    """The test clock of an app in another process (docs/test-clock.md, `POST` to `url`).

    `lazy=True` defers each move until `sync()`, which the simulated tabs call before every
    request: a server nobody talks to need not follow each timer step (a week of steps costs
    one POST per request instead of one per step). Browser runs need every step (the page's
    own timers make requests), so they keep the default.
    """

    def __init__(
        self,
        base_url: str,
        *,
        client: httpx.AsyncClient | None = None,
        lazy: bool = False,
        url: str | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.url = url or self.base_url + CLOCK_PATH
        self.lazy = lazy
        # No keep-alive expiry: it is measured with time.monotonic, which a freeze moves on.
        self._client = client or httpx.AsyncClient(
            timeout=10.0, limits=httpx.Limits(keepalive_expiry=None)
        )
        self._pending: datetime | None = None
        self._sync_lock = asyncio.Lock()

    async def set(self, now: datetime) -> None:
        if self.lazy:
            self._pending = now
            return
        await self._post(now)

    async def sync(self) -> None:
        """Send the deferred time, if any (a no-op when not lazy).

        Concurrent requests all wait for the one move in flight: none may reach the server
        while its clock still shows the old time.
        """
        async with self._sync_lock:
            pending, self._pending = self._pending, None
            if pending is not None:
                await self._post(pending)

    async def _post(self, now: datetime) -> None:
        response = await self._client.post(self.url, json={"set": now.isoformat()})
        if response.status_code != 200:
            raise RuntimeError(
                f"the test clock at {self.url} answered {response.status_code}: "
                f"{response.text[:200]} (is the app's test clock enabled?)"
            )

    async def aclose(self) -> None:
        await self._client.aclose()


class FixedServerClock:
    """A server whose time the harness cannot move (profile `clock.mode = "none"`)."""

    async def set(self, now: datetime) -> None:
        raise ClockUnavailable(
            "needs a clock: the target's time cannot be moved (clock.mode = none); give the "
            "app a test clock (docs/test-clock.md) or use clock.mode = real with short TTLs"
        )

    async def sync(self) -> None:
        return None


class VirtualClock:
    """Virtual time for a whole run.

    In-process code sees it through one freezegun freeze (entered by `start()` or `with`);
    a server in another process through `server`; simulated tabs through `attach()`.
    Participants may wait on the clock from inside their callbacks (`sleep`, e.g. a retry
    backoff): that moves time on, so an advance ends at its target or where those waits took it.
    """

    def __init__(
        self,
        start: datetime | None = None,
        *,
        recorder: Recorder | None = None,
        server: ServerClock | None = None,
    ) -> None:
        self._now = real(DEFAULT_START if start is None else start)
        self.recorder = recorder
        self.server = server
        self._participants: list[ClockParticipant] = []
        self._freeze: Any = None
        self._frozen: Any = None

    # -- freezing the process -------------------------------------------------------------

    def start(self) -> VirtualClock:
        if self._freeze is None:
            self._freeze = freeze_time(self._now, real_asyncio=True)
            self._frozen = self._freeze.start()
        return self

    def stop(self) -> None:
        if self._freeze is not None:
            self._freeze.stop()
            self._freeze = self._frozen = None

    def __enter__(self) -> VirtualClock:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- reading and moving time ----------------------------------------------------------

    def now(self) -> datetime:
        return self._now

    def attach(self, participant: ClockParticipant) -> None:
        if participant not in self._participants:
            self._participants.append(participant)

    def detach(self, participant: ClockParticipant) -> None:
        if participant in self._participants:
            self._participants.remove(participant)

    async def advance(self, delta: timedelta | float, *, mode: Mode = "run_for") -> None:
        seconds = delta.total_seconds() if isinstance(delta, timedelta) else float(delta)
        if seconds < 0:
            raise ValueError(f"the virtual clock never moves backwards (advance by {seconds} s)")
        await self.move_to(self._now + timedelta(seconds=seconds), mode=mode)

    async def move_to(self, when: datetime, *, mode: Mode = "run_for") -> None:
        when = real(when)
        if when < self._now:
            raise ValueError(f"the virtual clock never moves backwards ({when} < {self._now})")
        if mode not in ("run_for", "fast_forward"):
            raise ValueError(f"unknown clock mode {mode!r}: use 'run_for' or 'fast_forward'")
        began = self._now
        if mode == "run_for":
            await self._run_for(when)
        else:
            await self._step(when, mode)
        if self.recorder is not None:
            self.recorder.emit(
                ClockAdvanced(
                    at=self._now,
                    wall=self.recorder.wall(),
                    source="clock",
                    seconds=(self._now - began).total_seconds(),
                    mode=mode,
                )
            )

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds` of virtual time, firing every timer due meanwhile (a backoff wait)."""
        await self.advance(seconds)

    async def _run_for(self, target: datetime) -> None:
        steps_here = 0
        while True:
            due = self._earliest_due()
            if due is None or due > target:
                break
            when = max(real(due), self._now)
            steps_here = steps_here + 1 if when == self._now else 0
            if steps_here > _MAX_STEPS_PER_INSTANT:
                raise RuntimeError(f"a clock participant stays due at {when} after being notified")
            await self._step(when, "run_for")
        if target > self._now:
            await self._step(target, "run_for")

    def _earliest_due(self) -> datetime | None:
        dues = [d for p in self._participants if (d := p.next_due()) is not None]
        return min(dues) if dues else None

    async def _step(self, when: datetime, mode: str) -> None:
        if when > self._now:
            if self._frozen is not None:
                self._frozen.tick(when - self._now)
            self._now = when
            if self.server is not None:
                await self.server.set(when)
        participants = list(self._participants)
        if len(participants) == 1:
            await participants[0].clock_moved(self._now, mode)
        elif participants:
            # Concurrently, like the timers of several browser tabs: their fetches overlap.
            await asyncio.gather(*(p.clock_moved(self._now, mode) for p in participants))


# A real-time run waits at most this long for one move, unless told otherwise.
DEFAULT_MAX_REAL_WAIT_S = 900.0


class RealTimeClock(VirtualClock):
    """Time that can only be waited for: an app whose clock the harness cannot move.

    Used for profiles with `clock.mode = "real"` (the app started with short TTLs). Moving
    the clock sleeps in real time while the tabs' timers fire when due; a move longer than
    `max_wait_seconds` raises ClockUnavailable (the scenario is not applicable at these TTLs).
    """

    def __init__(
        self, *, recorder: Recorder | None = None, max_wait_seconds: float = DEFAULT_MAX_REAL_WAIT_S
    ) -> None:
        super().__init__(wall_now(), recorder=recorder)
        self.max_wait_seconds = max_wait_seconds

    def start(self) -> VirtualClock:
        return self  # nothing to freeze: the app and this process share real time

    def now(self) -> datetime:
        return max(self._now, wall_now())

    async def move_to(self, when: datetime, *, mode: Mode = "run_for") -> None:
        wait = (real(when) - self.now()).total_seconds()
        if wait > self.max_wait_seconds:
            raise ClockUnavailable(
                f"needs {wait:,.0f} s of real time (clock.mode = real allows "
                f"{self.max_wait_seconds:,.0f} s per move): start the app with shorter TTLs"
            )
        self._now = self.now()
        await super().move_to(max(real(when), self._now), mode="run_for")

    async def _step(self, when: datetime, mode: str) -> None:
        delay = (when - wall_now()).total_seconds()
        if delay > 0:
            await asyncio.sleep(delay)
        await super()._step(when, mode)


def realtime_clock(recorder: Recorder | None = None) -> RealTimeClock:
    return RealTimeClock(recorder=recorder)
