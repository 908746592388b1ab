"""harness/measure/policy_file.py: [policy] rewritten as text, every other line kept."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from harness.measure.policy_file import toml_value, with_policy, write_policy

PROFILE = """\
# my app
name = "app"  # the name

[policy]
# what the team promised
access_ttl_seconds = 900  # 15 minutes
rotation = false

[clock]
mode = "endpoint"  # rotation = true is not a policy key here
"""


def test_a_measured_key_is_replaced_in_place_keeping_its_comment() -> None:
    text = with_policy(PROFILE, {"access_ttl_seconds": 1800.0, "rotation": True})
    assert "access_ttl_seconds = 1800  # 15 minutes\n" in text
    assert "rotation = true\n" in text
    changed = [
        (a, b) for a, b in zip(PROFILE.splitlines(), text.splitlines(), strict=True) if a != b
    ]
    assert changed == [
        ("access_ttl_seconds = 900  # 15 minutes", "access_ttl_seconds = 1800  # 15 minutes"),
        ("rotation = false", "rotation = true"),
    ]


def test_a_missing_key_is_added_at_the_end_of_the_policy_table_not_after_the_next() -> None:
    text = with_policy(PROFILE, {"grace_seconds": 10.0, "refresh_expiry": "sliding"})
    doc = tomllib.loads(text)
    assert doc["policy"]["grace_seconds"] == 10 and doc["policy"]["refresh_expiry"] == "sliding"
    assert doc["clock"] == {"mode": "endpoint"}
    assert text.splitlines()[7:9] == [
        "grace_seconds = 10  # measured",
        'refresh_expiry = "sliding"  # measured',
    ]


def test_a_profile_without_a_policy_table_gets_one_at_its_end() -> None:
    text = with_policy('name = "app"', {"idle_timeout_seconds": 0.0})
    assert text.startswith('name = "app"\n')
    assert tomllib.loads(text)["policy"] == {"idle_timeout_seconds": 0}


def test_a_file_that_would_not_parse_is_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(PROFILE + "oops = \n", encoding="utf-8")
    with pytest.raises(ValueError):
        write_policy(path, {"rotation": True})
    assert path.read_text(encoding="utf-8") == PROFILE + "oops = \n"
    assert [p.name for p in tmp_path.iterdir()] == ["broken.toml"]


def test_values_are_written_as_toml() -> None:
    assert [toml_value(v) for v in (True, 10.0, 1.5, 'a "b"')] == [
        "true",
        "10",
        "1.5",
        '"a \\"b\\""',
    ]
