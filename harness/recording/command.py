"""`session-harness profile --from-har`: read the recordings, infer, check, write the profile."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.recording.draft import Draft
from harness.recording.har import Exchange, HarError, read_har
from harness.recording.infer import infer
from harness.recording.signin import sign_in
from harness.recording.values import carried
from harness.target.loading import ProfileError, parse_profile

HEADER = """\
Inferred by `session-harness profile --from-har {sources}`.
Recorded passwords and tokens are not in this file: each user's password comes from the
variable its password_env names. Commented keys are what the recording could not tell.
"""


@dataclass(frozen=True)
class Inferred:
    """The profile written, what was inferred from which request, and what is left to fill in."""

    path: Path
    text: str
    found: list[tuple[str, str]]
    problems: list[str]  # why the profile does not load yet (empty: it does)


def profile_from_har(sources: Sequence[Path], output: Path) -> Inferred:
    """Infer a target profile from HAR files and write it to `output`; HarError on bad input."""
    if not sources:
        raise HarError("give at least one HAR file")
    recordings = [(str(path), read_har(path)) for path in sources]
    draft = infer(recordings)
    names = " ".join(path.name for path in sources)
    text = draft.render(HEADER.format(sources=names))
    _no_secrets(text, recordings)
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise HarError(f"cannot write {output}: {exc.strerror or exc}") from None
    return Inferred(output, text, draft.found, _problems(draft, output))


def _no_secrets(text: str, recordings: Sequence[tuple[str, Sequence[Exchange]]]) -> None:
    """The last guard: no recorded token or password is ever written."""
    for source, exchanges in recordings:
        secrets = {item.value for exchange in exchanges for item in carried(exchange)}
        signed = sign_in(exchanges)
        if signed is not None:
            secrets.add(signed.password)
        if any(secret in text for secret in secrets):
            raise HarError(
                f"{source}: a recorded token or password would reach the profile; not written"
            )


def _problems(draft: Draft, output: Path) -> list[str]:
    """What keeps the profile from loading, its users' passwords aside (they are not set yet)."""
    data = draft.data()
    data["users"] = [
        {key: value for key, value in user.items() if key != "password_env"} | {"password": "-"}
        for user in data["users"]
    ]
    try:
        parse_profile(data, source=output)
    except ProfileError as exc:
        return exc.problems
    return []
