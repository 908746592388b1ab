from __future__ import annotations

from collections import Counter

from harness.load.plan import (
    STEADY_STEPS,
    Admit,
    AwaitHerd,
    Deadlines,
    Fault,
    Mix,
    Move,
    Provision,
    StormPlan,
    Timing,
    Verdict,
    Wake,
    judge_logout,
    missed_logout,
)

TIMING = Timing(
    access_ttl_s=1800, threshold_s=300, tick_s=30, idle_timeout_s=3600, refresh_ttl_s=2700
)


def plan(**changes: object) -> StormPlan:
    return StormPlan(
        **{
            "shape": "aligned",
            "profiles": 10,
            "tabs": 3,
            "lifetimes": 3,
            "timing": TIMING,
            **changes,
        }
    )  # type: ignore[arg-type]


def test_jump_takes_a_fresh_token_one_second_under_the_threshold() -> None:
    assert TIMING.jump_s == 1800 - 300 + 1


def test_aligned_storm_provisions_then_moves_and_awaits_each_lifetime() -> None:
    steps = list(plan().steps())
    assert isinstance(steps[0], Provision)
    moves = [s for s in steps if isinstance(s, Move)]
    assert [m.lifetime for m in moves] == [1, 2, 3]
    assert all(m.seconds == TIMING.jump_s for m in moves)
    awaits = [s.lifetime for s in steps if isinstance(s, AwaitHerd)]
    assert awaits == [1, 2, 3]
    assert isinstance(steps[-1], Verdict)
    assert not any(isinstance(s, Fault) for s in steps)


def test_recovery_storm_breaks_the_network_in_the_middle_herd_only() -> None:
    steps = list(plan(shape="recovery", fault_s=12.0).steps())
    faults = [i for i, s in enumerate(steps) if isinstance(s, Fault)]
    assert len(faults) == 1
    previous_move = next(s for s in reversed(steps[: faults[0]]) if isinstance(s, Move))
    assert previous_move.lifetime == 2
    assert steps[faults[0]] == Fault("503", 12.0)


def test_mixed_storm_runs_past_every_deadline_and_wakes_the_expired_once() -> None:
    mixed = plan(shape="mixed", lifetimes=1)
    steps = list(mixed.steps())
    moves = [s for s in steps if isinstance(s, Move)]
    # The idle deadline (3600 s) is inside the third jump; a fourth lets a tab notice it.
    assert len(moves) == mixed.mixed_lifetimes() == 4
    wakes = [i for i, s in enumerate(steps) if isinstance(s, Wake)]
    assert len(wakes) == 1
    woke_after = next(s for s in reversed(steps[: wakes[0]]) if isinstance(s, Move))
    assert woke_after.lifetime * TIMING.jump_s > 2700  # past the refresh TTL...
    assert woke_after.lifetime * TIMING.jump_s < 3600  # ...but not the idle timeout


def test_fates_follow_the_mix_and_spread_through_the_population() -> None:
    mixed = plan(shape="mixed", mix=Mix(0.6, 0.2, 0.2))
    fates = [mixed.fate_of(i) for i in range(20)]
    assert Counter(fates) == {"active": 12, "idle": 4, "expired": 4}
    assert fates[:5].count("active") <= 4  # not all actives first
    assert {plan().fate_of(i) for i in range(20)} == {"active"}


def test_plan_round_trips_through_json() -> None:
    original = plan(shape="mixed", mix=Mix(0.5, 0.25, 0.25), served={"client": {}})
    assert StormPlan.from_json(original.to_json()) == original


def deadlines(**times: float) -> Deadlines:
    return Deadlines.of(
        TIMING,
        signed_in_at=times.get("login", 0.0),
        last_activity=times.get("activity", 0.0),
        last_renewal=times.get("renewal", 0.0),
    )


def test_active_profile_sent_to_login_is_always_a_false_logout() -> None:
    assert judge_logout("active", "session_idle", 99_999, deadlines()) == "false"


def test_idle_profile_signed_out_before_its_idle_deadline_is_a_false_logout() -> None:
    assert judge_logout("idle", "session_idle", 3000, deadlines(renewal=2000)) == "false"
    assert judge_logout("idle", "session_idle", 3600, deadlines(renewal=2000)) == "expected"


def test_expired_profile_signed_out_with_another_reason_is_a_wrong_reason() -> None:
    assert judge_logout("expired", "refresh_expired", 3002, deadlines()) == "expected"
    assert judge_logout("expired", "refresh_reused", 3002, deadlines()) == "wrong_reason"


def test_sliding_refresh_expiry_counts_from_the_last_rotation() -> None:
    assert deadlines(renewal=1500).passed(3000) == set()
    assert deadlines(renewal=1500, activity=1500).passed(4300) == {"refresh_expired"}


def test_still_signed_in_past_a_deadline_is_a_missed_logout_unless_active_or_away() -> None:
    late = 3600 + 60
    assert missed_logout("idle", late, deadlines(renewal=late), returned=False)
    assert not missed_logout("idle", 3000, deadlines(renewal=3000), returned=False)
    assert not missed_logout("active", late, deadlines(), returned=False)
    assert not missed_logout("expired", late, deadlines(), returned=False)
    assert missed_logout("expired", late, deadlines(), returned=True)


def test_steady_storm_admits_a_sixth_of_the_profiles_per_step_then_moves_in_small_steps() -> None:
    steps = list(plan(shape="steady", lifetimes=1).steps())
    admits = [s.share for s in steps if isinstance(s, Admit)]
    assert admits == [0, 1, 2, 3, 4, 5]
    moves = [s for s in steps if isinstance(s, Move)]
    assert len(moves) == 2 * STEADY_STEPS  # the sign-in lifetime, then one more
    assert {m.seconds for m in moves} == {TIMING.access_ttl_s / STEADY_STEPS}
    assert not any(isinstance(s, AwaitHerd) for s in steps)
