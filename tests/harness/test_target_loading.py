"""Reading target profiles: the bundled one, and one precise line for each mistake."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

import pytest

from harness.target import ProfileError, bundled_profiles, load_profile, parse_profile

REFERENCE = bundled_profiles()["reference-app"]


def reference_data() -> dict[str, Any]:
    return copy.deepcopy(tomllib.loads(REFERENCE.read_text()))


def problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ProfileError) as caught:
        parse_profile(data)
    return caught.value.problems


def test_bundled_reference_profile_loads_by_name_and_by_path() -> None:
    by_name = load_profile("reference-app")
    by_path = load_profile(Path("profiles/reference-app.toml"))
    assert by_name.name == by_path.name == "reference-app"
    assert by_name.refresh_cookie() == "refresh_token"
    assert [u.name for u in by_name.users] == ["alice", "bob"]


def test_unknown_key_is_named_with_a_suggestion() -> None:
    data = reference_data()
    data["login"]["pth"] = "/x"
    assert problems(data) == ['login.pth: unknown key (did you mean "path"?)']


def test_missing_login_path_is_named() -> None:
    data = reference_data()
    del data["login"]["path"]
    assert problems(data) == ["login.path: required"]


def test_bad_json_pointer_is_named() -> None:
    data = reference_data()
    data["tokens"]["access_token"] = "json:access_token"
    [problem] = problems(data)
    assert problem.startswith("tokens.access_token: 'json:access_token': bad JSON pointer")


def test_unknown_location_source_is_explained() -> None:
    data = reference_data()
    data["tokens"]["refresh_token"] = "body:/refresh"
    [problem] = problems(data)
    assert "write json:/pointer, header:Name or cookie:name" in problem


def test_every_wrong_field_gets_its_own_line() -> None:
    data = reference_data()
    data["base_url"] = "localhost:8000"
    data["clock"]["mode"] = "fake"
    found = problems(data)
    assert len(found) == 2
    assert found[0].startswith("base_url: 'localhost:8000' does not have the expected form")
    assert found[1].startswith("clock.mode:")


def test_password_from_an_unset_environment_variable_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("QA_NOBODY_PASSWORD", raising=False)
    data = reference_data()
    data["users"][1] = {"name": "bob", "identifier": "bob@x", "password_env": "QA_NOBODY_PASSWORD"}
    assert problems(data) == ["users[1]: environment variable QA_NOBODY_PASSWORD is not set"]


def test_password_from_the_environment_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA_BOB_PASSWORD", "s3cret")
    data = reference_data()
    data["users"][1] = {"name": "bob", "identifier": "bob@x", "password_env": "QA_BOB_PASSWORD"}
    assert parse_profile(data).user("bob").secret() == "s3cret"


def test_refresh_token_in_a_body_must_be_sent_back() -> None:
    data = reference_data()
    data["tokens"]["refresh_token"] = "json:/refresh"
    [problem] = problems(data)
    assert "put {refresh_token} in refresh.fields or refresh.headers" in problem


def test_unknown_placeholder_is_refused() -> None:
    data = reference_data()
    data["login"]["fields"]["email"] = "{email}"
    [problem] = problems(data)
    assert "unknown placeholder {email}" in problem


def test_server_command_without_port_is_refused() -> None:
    data = reference_data()
    data["server"]["command"] = ["serve-my-app"]
    [problem] = problems(data)
    assert "must contain {port}" in problem


def test_missing_file_names_the_bundled_profiles(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="bundled: reference-app"):
        load_profile(tmp_path / "nope.toml")


def test_invalid_toml_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("name = \n")
    with pytest.raises(ProfileError, match="not valid TOML") as caught:
        load_profile(path)
    assert "\n" not in str(caught.value)


def test_signing_algorithm_none_is_refused_with_the_algorithms_the_harness_signs_with() -> None:
    data = reference_data()
    data["access"]["signing_algorithm"] = "none"
    assert problems(data) == [
        "access.signing_algorithm: 'none' is not an algorithm the harness signs with "
        "(HS256, HS384, HS512)"
    ]


def test_signing_key_env_must_name_an_environment_variable() -> None:
    data = reference_data()
    data["access"]["signing_key_env"] = "not a name"
    [problem] = problems(data)
    assert problem.startswith("access.signing_key_env: 'not a name' does not have the expected")


def test_signing_key_settings_default_to_the_claims_of_the_reference_app() -> None:
    access = load_profile("reference-app").access
    assert access.signing_key_env == "REFAPP_JWT_SECRET"
    assert access.signing_algorithm is None  # the issued token's own
    assert (access.subject_claim, access.session_claim, access.type_claim) == ("sub", "sid", "typ")
