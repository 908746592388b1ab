"""One row of the measurement: what the profile promises, what the app did, and the verdict."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Final

from harness.target.model import Policy

if TYPE_CHECKING:
    from harness.report.model import TestResult

MATCHES, DIFFERS, MEASURED, NOT_MEASURED = "matches", "differs", "measured", "not measured"
VERDICTS: Final = (MATCHES, DIFFERS, MEASURED, NOT_MEASURED)
PROPERTY = "measured"  # the user_properties key a finding travels under
RESOLUTION_S = 1.0  # bisection stops when the last served and first refused delays are 1 s apart

Value = float | bool | str | None


@dataclass(frozen=True)
class Finding:
    """`field` is the [policy] key the row measures (None: nothing to write, e.g. logout's
    refresh half); `value` is what --write-policy writes there."""

    what: str
    promised: str
    measured: str
    verdict: str
    field: str | None = None
    value: Value = None

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Finding:
        return cls(**json.loads(text))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def judged(
    what: str, policy: Policy, field: str, value: Value, measured: str, *, write: bool = True
) -> Finding:
    """A finding compared with the promise of `field` (a number within the resolution)."""
    promised = getattr(policy, field)
    if promised is None:
        verdict = MEASURED
    elif isinstance(value, int | float) and not isinstance(value, bool):
        same = not isinstance(promised, bool) and abs(float(promised) - value) <= RESOLUTION_S
        verdict = MATCHES if same else DIFFERS
    else:
        verdict = MATCHES if promised == value else DIFFERS
    return Finding(what, shown(promised), measured, verdict, field if write else None, value)


def unmeasured(what: str, policy: Policy, field: str | None, why: str) -> Finding:
    promised = getattr(policy, field) if field is not None else None
    return Finding(what, shown(promised), why, NOT_MEASURED)


def shown(value: Value) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return seconds(value)
    return value


def seconds(value: float) -> str:
    return f"{value:,.0f} s"


def findings_of(properties: Iterable[tuple[str, object]]) -> list[Finding]:
    """The findings a test recorded as its properties (results.json keeps them as strings)."""
    return [Finding.from_json(str(value)) for key, value in properties if key == PROPERTY]


def policy_values(findings: Sequence[Finding]) -> dict[str, Value]:
    """What --write-policy writes: the first measured value of each [policy] key."""
    values: dict[str, Value] = {}
    for row in findings:
        if row.field is not None and row.value is not None and row.verdict != NOT_MEASURED:
            values.setdefault(row.field, row.value)
    return values


def measured_findings(tests: Iterable[TestResult]) -> list[Finding]:
    """Every finding of a run's conformance tests (the measurement's), in order."""
    ran = (test for test in tests if test.suite == "conformance")
    return [row for test in ran for row in findings_of(test.properties)]
