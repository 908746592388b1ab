from __future__ import annotations

import pytest

from harness.redirects import safe_return_to

ORIGIN = "http://127.0.0.1:8000"


@pytest.mark.parametrize(
    "value",
    [
        "/",
        "/chat?x=1",
        "chat",
        "%2F%2Fevil.example",
        "http://127.0.0.1:8000/a",
        "HTTP://127.0.0.1:8000",
    ],
)
def test_return_to_a_path_or_the_apps_own_origin_is_safe(value: str) -> None:
    assert safe_return_to(value, ORIGIN)


@pytest.mark.parametrize(
    "value",
    [
        "//evil.example",
        "https://evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        " //evil.example",
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "data:text/html,hi",
        "https://127.0.0.1:8000",  # another scheme is another origin
        "http://127.0.0.1:8001/",
        "http://127.0.0.1:8000@evil.example/",
        "http://127.0.0.1:port/",
    ],
)
def test_return_to_another_origin_or_a_script_is_unsafe(value: str) -> None:
    assert not safe_return_to(value, ORIGIN)


def test_the_default_port_is_the_same_origin_written_or_not() -> None:
    assert safe_return_to("https://app.example:443/home", "https://app.example")
