"""The virtual clock: one object that moves time for the app, the simulated tabs and the server."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, Literal, Protocol

import httpx
from freezegun import api as _freezegun_api
from freezegun import freeze_time

from harness.events import ClockAdvanced, Recorder

Mode = Literal["run_for", "fast_forward"]
DEFAULT_START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def real(when: datetime) -> datetime:
    """`when` as a plain aware datetime in UTC.

    Under a freeze, `datetime` names in loaded modules are freezegun's FakeDatetime, whose
    arithmetic is pure Python and ~10x slower; the harness keeps its own times real.
    """
    if when.tzinfo is None:
        raise ValueError(f"the virtual clock needs aware datetimes (e.g. tzinfo=UTC), got {when}")
    # Looked up on freezegun's module each time: a freeze patches every other module's copy.
    real_datetime = _freezegun_api.real_datetime
    if type(when) is not real_datetime:
        when = real_datetime(
            when.year,
            when.month,
            when.day,
            when.hour,
            when.minute,
            when.second,
            when.microsecond,
            tzinfo=when.tzinfo,
        )
    return when.astimezone(UTC)


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


class RemoteServerClock:
    """The test clock of a reference app in another process (`POST /__harness__/clock`).

    `lazy=True` defers each move until `sync()`, which the simulated tabs call before every
    request: a server nobody talks to need not follow each timer step (a week of steps costs
    one POST per request instead of one per step). Browser runs need every step (the page's
    own timers make requests), so they keep the default.
    """

    def __init__(
        self, base_url: str, *, client: httpx.AsyncClient | None = None, lazy: bool = False
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.lazy = lazy
        self._client = client or httpx.AsyncClient(timeout=10.0)
        self._pending: datetime | None = None

    async def set(self, now: datetime) -> None:
        if self.lazy:
            self._pending = now
            return
        await self._post(now)

    async def sync(self) -> None:
        """Send the deferred time, if any (a no-op when not lazy)."""
        pending, self._pending = self._pending, None
        if pending is not None:
            await self._post(pending)

    async def _post(self, now: datetime) -> None:
        response = await self._client.post(
            f"{self.base_url}/__harness__/clock", json={"set": now.isoformat()}
        )
        if response.status_code != 200:
            raise RuntimeError(
                f"the server test clock at {self.base_url} answered {response.status_code}: "
                f"{response.text[:200]} (is REFAPP_TEST_CLOCK=1 set?)"
            )

    async def aclose(self) -> None:
        await self._client.aclose()


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
