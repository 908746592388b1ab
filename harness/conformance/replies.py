"""Reading an answer the way a check judges it: served, refused, or neither (a crash)."""

from __future__ import annotations

from harness.checks import CheckFailed
from harness.target import Reply, TargetProfile, contract
from harness.target.contract import Purpose


def ok(reply: Reply) -> bool:
    return 200 <= reply.status < 300


def refused(reply: Reply) -> bool:
    """A clean refusal: a 4xx (a 5xx is a crash, not a decision)."""
    return 400 <= reply.status < 500


def told(profile: TargetProfile, reply: Reply, purpose: Purpose) -> str:
    """`401 refresh_reused`: the status and the app's reason, for messages and observations."""
    if ok(reply):
        return f"{reply.status}"
    return f"{reply.status} {contract.reason_of(profile, reply, purpose)}"


def expect_refused(profile: TargetProfile, reply: Reply, purpose: Purpose, what: str) -> str:
    """Fail the check unless `reply` refuses `what` cleanly; returns `status reason`."""
    if ok(reply):
        raise CheckFailed(f"{what} was accepted: [{purpose}] answered {reply.status}")
    if not refused(reply):
        raise CheckFailed(f"{what} was not refused cleanly: [{purpose}] answered {reply.status}")
    return told(profile, reply, purpose)


def expect_ok(profile: TargetProfile, reply: Reply, purpose: Purpose, what: str) -> None:
    if not ok(reply):
        raise CheckFailed(f"{what}: [{purpose}] answered {told(profile, reply, purpose)}")
