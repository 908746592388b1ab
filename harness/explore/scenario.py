"""The shrunk schedule as a pytest scenario, in the vocabulary of the bundled scenarios."""

from __future__ import annotations

from collections.abc import Iterable

from harness.client import ClientOptions
from harness.explore.search import Found
from harness.explore.steps import BreakRefresh, SlowRefresh

_HEAD = '''\
"""Found by `session-harness explore`: the user is {logout}.

Reproduce: pytest {{this file}} --target {target} -o asyncio_mode=auto
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from harness import (
    ActionFailed,
    ClientOptions,
    ConnectionProblem,
    ProfileFactory,
    Promise,
    Recorder,
    SignedOut,
    TabDriver,
    VirtualClock,
    checks,
)


async def act(tab: TabDriver) -> None:
    """The user's action; a failure does not stop the schedule (the checks judge it)."""
    try:
        await tab.chat("2+2")
    except (ActionFailed, ConnectionProblem, SignedOut):
        pass

'''


def scenario_text(
    found: Found, *, target: str, options: ClientOptions, regressions: Iterable[str]
) -> str:
    """A test module that fails (a redirect to login) while the target has the bug."""
    names = sorted(regressions)
    lines = [_HEAD.format(logout=found.logout.words(), target=target)]
    if names:
        quoted = ", ".join(f'"{name}"' for name in names)
        lines.append(f"@pytest.mark.refapp(regressions=[{quoted}])")
    lines += [
        "async def test_explored_schedule_keeps_the_active_user_signed_in(",
        "    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise",
        ") -> None:",
        f"    user = await profile(options={_options(options)})",
    ]
    if any(isinstance(step, BreakRefresh | SlowRefresh) for step in found.steps):
        lines.append('    REFRESH = promise.profile.path_of("refresh")  # noqa: N806')
    lines.append("    tabs: list[TabDriver] = []")
    for step in found.steps:
        lines += [f"    # {step.words()}", f"    {step.code()}"]
    lines.append("    checks.no_redirect_to_login(recorder)")
    return "\n".join(lines) + "\n"


def _options(options: ClientOptions) -> str:
    """`ClientOptions(...)` with only what differs from the defaults."""
    default = ClientOptions()
    changed = [
        f"{name}={getattr(options, name)!r}"
        for name in ("proactive_refresh", "shared_lock", "bugs")
        if getattr(options, name) != getattr(default, name)
    ]
    return f"ClientOptions({', '.join(changed)})"
