"""Drive the reference frontend in Chromium: profiles and tabs on the virtual clock.

Importing this package imports Playwright; `import harness` alone does not.
"""

from __future__ import annotations

from harness.browser.launch import CHROMIUM_ARGS, BrowserNotFound, find_chromium, launch_chromium
from harness.browser.profile import BrowserProfile, ProfileSetup
from harness.browser.recording import TabRecorder, parse_auth_event
from harness.browser.session import BrowserSession
from harness.browser.tab import BrowserTab, PageAnswer

__all__ = [
    "CHROMIUM_ARGS",
    "BrowserNotFound",
    "BrowserProfile",
    "BrowserSession",
    "BrowserTab",
    "PageAnswer",
    "ProfileSetup",
    "TabRecorder",
    "find_chromium",
    "launch_chromium",
    "parse_auth_event",
]
