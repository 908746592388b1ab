"""Failure evidence: a screenshot of every tab and a Playwright trace of every profile."""

from __future__ import annotations

import re
from pathlib import Path

from harness.browser.profile import BrowserProfile
from harness.events import Artifact


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name) or "unnamed"


async def save_profile_artifacts(profile: BrowserProfile, directory: Path) -> list[Path]:
    """Write the files, record one `Artifact` event each, and stop the profile's tracing.

    Best effort per file: a crashed tab must not hide the evidence from the others.
    """
    directory.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    for tab in profile.tabs:
        if tab.page.is_closed():
            continue
        path = directory / f"{_safe(profile.name)}-{_safe(tab.name)}.png"
        try:
            await tab.screenshot(path)
        except Exception as exc:  # the page crashed or hung: note it, keep going
            path.with_suffix(".txt").write_text(f"screenshot failed: {exc}\n", encoding="utf-8")
            continue
        saved.append(_record(profile, path, f"screenshot {profile.name}/{tab.name}", tab.name))
    trace = directory / f"{_safe(profile.name)}-trace.zip"
    try:
        await profile.context.tracing.stop(path=trace)
    except Exception as exc:  # tracing off for this profile, or the context is gone
        trace.with_suffix(".txt").write_text(f"trace not saved: {exc}\n", encoding="utf-8")
    else:
        saved.append(_record(profile, trace, f"trace {profile.name}", ""))
    return saved


def _record(profile: BrowserProfile, path: Path, label: str, tab: str) -> Path:
    profile.recorder.emit(
        Artifact(
            at=profile.page_now(),
            wall=profile.recorder.wall(),
            source="browser",
            profile=profile.name,
            tab=tab,
            path=str(path),
            label=label,
        )
    )
    return path
