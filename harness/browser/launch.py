"""Find and launch Chromium: a Playwright-managed build if installed, else the system one."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from playwright.async_api import Browser, Playwright

# Without the background-networking flags Chromium keeps calling home and, on a closed
# network, floods the log and slows every launch.
CHROMIUM_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
SYSTEM_CHROMIUM: tuple[str, ...] = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
ENV_OVERRIDE = "HARNESS_CHROMIUM"


class BrowserNotFound(RuntimeError):
    """No Chromium to launch."""


def find_chromium(playwright: Playwright) -> str | None:
    """The executable to pass as `executable_path`; None means Playwright's own build."""
    override = os.environ.get(ENV_OVERRIDE)
    if override:
        if not Path(override).is_file():
            raise BrowserNotFound(f"{ENV_OVERRIDE}={override} is not a file")
        return override
    managed = playwright.chromium.executable_path
    if managed and Path(managed).is_file():
        return None
    for candidate in SYSTEM_CHROMIUM:
        if Path(candidate).is_file():
            return candidate
    found = shutil.which("chromium")
    if found:
        return found
    raise BrowserNotFound(
        "no Chromium found: install Debian's chromium (apt-get install chromium, "
        f"or `make chromium`), run `playwright install chromium`, or set {ENV_OVERRIDE}"
    )


async def launch_chromium(playwright: Playwright, *, headless: bool = True) -> Browser:
    return await playwright.chromium.launch(
        executable_path=find_chromium(playwright),
        args=list(CHROMIUM_ARGS),
        headless=headless,
    )
