"""`--write-policy`: the measured values into a profile's [policy] table, the rest untouched.

tomlkit is not a dependency, so the table is rewritten as text: a measured key's value is
replaced in place (its line's comment kept), a missing key is added at the table's end,
and every other line of the file (comments included) stays as it was.
"""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from collections.abc import Mapping
from pathlib import Path

from harness.measure.finding import Value

_POLICY = re.compile(r"^\s*\[\s*policy\s*\]\s*(#.*)?$")
_TABLE = re.compile(r"^\s*\[")
_KEY = re.compile(r"^(\s*)([A-Za-z0-9_-]+)(\s*=\s*)(.*)$")


def toml_value(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    raise ValueError(f"no TOML for {value!r}")


def with_policy(text: str, values: Mapping[str, Value]) -> str:
    """`text` with [policy] holding `values`; raises ValueError if the result is not TOML."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if _POLICY.match(line)), None)
    pending = dict(values)
    if start is None:
        tail = "" if not text or text.endswith("\n") else "\n"
        added = "".join(f"{k} = {toml_value(v)}\n" for k, v in pending.items())
        result = f"{text}{tail}\n# measured by `session-harness check --measure`\n[policy]\n{added}"
    else:
        end = next((i for i in range(start + 1, len(lines)) if _TABLE.match(lines[i])), len(lines))
        last = start
        for i in range(start + 1, end):
            match = _KEY.match(lines[i].rstrip("\r\n"))
            if match is None:
                continue
            last = i
            indent, key, equals, rest = match.groups()
            if key in pending:
                comment = _comment(rest)
                newline = lines[i][len(lines[i].rstrip("\r\n")) :] or "\n"
                value = toml_value(pending.pop(key))
                lines[i] = f"{indent}{key}{equals}{value}{comment}{newline}"
        extra = [f"{k} = {toml_value(v)}  # measured\n" for k, v in pending.items()]
        if extra and not lines[last].endswith("\n"):
            lines[last] += "\n"
        lines[last + 1 : last + 1] = extra
        result = "".join(lines)
    tomllib.loads(result)  # a rewrite that breaks the file is never written
    return result


def _comment(rest: str) -> str:
    """The comment after a value (with the spaces before it), outside any quoted string."""
    quote: str | None = None
    for i, char in enumerate(rest):
        if quote is None and char in "\"'":
            quote = char
        elif quote is not None and char == quote and rest[i - 1] != "\\":
            quote = None
        elif quote is None and char == "#":
            stripped = rest[:i].rstrip()
            return rest[len(stripped) :]
    return ""


def write_policy(path: Path, values: Mapping[str, Value]) -> None:
    """Rewrite `path` in one step (a temporary file renamed over it): all or nothing."""
    text = path.read_text(encoding="utf-8")
    rewritten = with_policy(text, values)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(rewritten)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
