"""The test-clock protocol without I/O: the process clock, the gate, validation and replies.

An adapter turns its framework's request into a `ClockRequest`, asks `ClockEndpoint.answer`,
and writes the `ClockReply` back. The protocol is specified in docs/test-clock.md.
"""

from __future__ import annotations

import ipaddress
import json
import math
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import time_machine

CLOCK_PATH = "/__harness__/clock"
ENV_VAR = "HARNESS_TEST_CLOCK"
# The reference app's bound: far enough for any scenario, near enough for date arithmetic.
MAX_OFFSET_SECONDS = 100 * 366 * 86400.0
MAX_BODY_BYTES = 4096


def enabled_by_env(environ: Mapping[str, str] | None = None) -> bool:
    """True when `HARNESS_TEST_CLOCK=1`: the clock is off unless asked for."""
    return (os.environ if environ is None else environ).get(ENV_VAR) == "1"


class ProcessClock:
    """This process's time: real time plus an offset, applied with time-machine.

    time-machine patches `time.time`, `datetime.now` and friends at the C level for the whole
    process, so every library reading them (PyJWT, Django's `timezone.now`) sees the moved
    time, and time keeps flowing (`tick=True`). One process has one clock.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._offset = 0.0
        self._travel: time_machine.travel | None = None
        self._traveller: time_machine.Traveller | None = None

    @property
    def offset_seconds(self) -> float:
        return self._offset

    def now(self) -> datetime:
        return datetime.now(UTC)

    def advance(self, seconds: float) -> None:
        """Move by `seconds`; OffsetOutOfRange beyond MAX_OFFSET_SECONDS from real time."""
        with self._lock:
            offset = _checked(self._offset + seconds)
            if offset == 0:
                self._stop()  # back to real time exactly: nothing left to patch
            elif self._traveller is None:
                self._start(_real_time() + offset)
            else:
                self._traveller.shift(seconds)
            self._offset = offset

    def set(self, moment: datetime) -> None:
        """Jump to the aware `moment` (the past included); OffsetOutOfRange when too far."""
        with self._lock:
            target = moment.timestamp()
            offset = _checked(target - _real_time())
            if self._traveller is None:
                self._start(target)
            else:
                self._traveller.move_to(target)
            self._offset = offset

    def _start(self, timestamp: float) -> None:
        import time_machine  # loaded on the first move: it imports pytest when installed

        self._travel = time_machine.travel(timestamp, tick=True)
        self._traveller = self._travel.start()

    def _stop(self) -> None:
        if self._travel is not None:
            self._travel.stop()
        self._travel = self._traveller = None


class OffsetOutOfRange(ValueError):
    """A move that would put the clock more than MAX_OFFSET_SECONDS from real time."""


def _real_time() -> float:
    import time_machine

    if time_machine.escape_hatch.is_travelling():
        return time_machine.escape_hatch.time.time()
    return time.time()


def _checked(offset: float) -> float:
    if not abs(offset) <= MAX_OFFSET_SECONDS:
        raise OffsetOutOfRange("the clock may move at most 36600 days (100 years) from real time")
    return offset


# Every adapter in this process shares it: time-machine's patch is process-wide anyway.
PROCESS_CLOCK = ProcessClock()


@dataclass(frozen=True, slots=True)
class ClockRequest:
    """What the protocol needs from an HTTP request; None where the request had none."""

    method: str
    client_host: str | None
    host_header: str | None
    content_type: str | None = None
    body: bytes = b""


@dataclass(frozen=True, slots=True)
class ClockReply:
    status: int
    payload: dict[str, Any]

    @property
    def body(self) -> bytes:
        return json.dumps(self.payload).encode()

    @property
    def reason(self) -> str:
        return HTTPStatus(self.status).phrase

    @property
    def headers(self) -> list[tuple[str, str]]:
        headers = [
            ("content-type", "application/json"),
            ("content-length", str(len(self.body))),
            ("cache-control", "no-store"),
        ]
        if self.status == 405:
            headers.append(("allow", "GET, POST"))
        return headers


class ClockRefused(Exception):
    """A request the protocol refuses; `reply()` is its JSON error response."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field

    def reply(self) -> ClockReply:
        payload: dict[str, Any] = {"error": self.code, "message": self.message}
        if self.field is not None:
            payload["details"] = [{"field": self.field, "problem": self.message}]
        return ClockReply(self.status, payload)


class ClockEndpoint:
    """`GET`/`POST /__harness__/clock` for one adapter; `enabled=False` answers 404."""

    def __init__(self, enabled: bool, clock: ProcessClock | None = None) -> None:
        self.enabled = enabled
        self.clock = clock or PROCESS_CLOCK

    def answer(self, request: ClockRequest) -> ClockReply:
        try:
            self._admit(request)
            if request.method == "POST":
                self._move(request)
            elif request.method != "GET":
                raise ClockRefused(405, "method_not_allowed", "the test clock takes GET and POST")
        except ClockRefused as refused:
            return refused.reply()
        state = {"now": self.clock.now().isoformat(), "offset_seconds": self.clock.offset_seconds}
        return ClockReply(200, state)

    def _admit(self, request: ClockRequest) -> None:
        if not self.enabled:
            raise ClockRefused(404, "not_found", "no such resource")
        if not is_loopback_address(request.client_host):
            raise ClockRefused(403, "forbidden", "the test clock answers loopback clients only")
        if request.host_header is not None and not is_loopback_host(request.host_header):
            raise ClockRefused(
                403, "forbidden", "the test clock answers requests addressed to a loopback host"
            )

    def _move(self, request: ClockRequest) -> None:
        field, value = parse_move(request.content_type, request.body)
        try:
            if isinstance(value, datetime):
                self.clock.set(value)
            else:
                self.clock.advance(value)
        except OffsetOutOfRange as exc:
            raise ClockRefused(422, "validation_failed", str(exc), field) from None


def parse_move(content_type: str | None, body: bytes) -> tuple[str, float | datetime]:
    """The one move a POST body asks for: ("advance_seconds", n) or ("set", moment)."""
    if len(body) > MAX_BODY_BYTES:
        raise ClockRefused(413, "payload_too_large", f"the body exceeds {MAX_BODY_BYTES} bytes")
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type != "application/json":
        raise ClockRefused(400, "bad_request", "the body must be JSON (application/json)")
    try:
        move = json.loads(body)
    except ValueError:
        move = None
    if not isinstance(move, dict):
        raise ClockRefused(400, "bad_request", "the body must be a JSON object")
    unknown = sorted(set(move) - {"advance_seconds", "set"})
    if unknown:
        raise ClockRefused(422, "validation_failed", "unknown field", unknown[0])
    given = {key: value for key, value in move.items() if value is not None}
    if len(given) != 1:
        message = "give exactly one of advance_seconds and set"
        raise ClockRefused(422, "validation_failed", message)
    if "set" in given:
        return "set", _moment(given["set"])
    return "advance_seconds", _seconds(given["advance_seconds"])


def _seconds(value: object) -> float:
    refused = ClockRefused(422, "validation_failed", "must be a finite number", "advance_seconds")
    # bool is an int in Python; `true` is not a number of seconds.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise refused
    try:
        seconds = float(value)
    except OverflowError:  # a JSON integer with hundreds of digits
        raise refused from None
    if not math.isfinite(seconds):
        raise refused
    return seconds


def _moment(value: object) -> datetime:
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None:
        raise ClockRefused(422, "validation_failed", "must be an ISO 8601 date-time", "set")
    if moment.tzinfo is None:
        raise ClockRefused(422, "validation_failed", "needs an explicit UTC offset", "set")
    return moment


def is_loopback_address(host: str | None) -> bool:
    """127.0.0.0/8, ::1, or an IPv4-mapped loopback (`::ffff:127.0.0.1`)."""
    try:
        address = ipaddress.ip_address(host or "")
    except ValueError:
        return False
    mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
    return (mapped or address).is_loopback


def is_loopback_host(host_header: str) -> bool:
    """A Host of `localhost` or a loopback address, any port: a rebound DNS name is refused."""
    host = host_header.strip().lower()
    if host.startswith("["):
        name, _, port = host[1:].partition("]")
        port = port.removeprefix(":")
    elif host.count(":") > 1:
        name, port = host, ""  # a bare IPv6 address
    else:
        name, _, port = host.partition(":")
    if port and not port.isdigit():
        return False
    return name == "localhost" or is_loopback_address(name)
