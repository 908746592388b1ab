"""A target profile being inferred: its tables, the keys left to fill in, where each came from."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

ORDER = (
    "headers", "tokens", "login", "refresh", "refresh.tokens", "logout", "probe", "action",
    "access", "policy", "clock",
)  # fmt: skip
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass
class Draft:
    """The profile's values by table ("" is the top level), comments to fill in, and findings."""

    tables: dict[str, dict[str, Any]] = field(default_factory=dict)
    users: list[dict[str, str]] = field(default_factory=list)
    todo: dict[str, list[str]] = field(default_factory=dict)
    found: list[tuple[str, str]] = field(default_factory=list)  # (what, which request)

    def set(self, table: str, key: str, value: Any, source: object | None = None) -> None:
        self.tables.setdefault(table, {})[key] = value
        if source is not None:
            where = f"{table}.{key}" if table else key
            self.found.append((f"{where} = {toml_value(value)}", str(source)))

    def hint(self, table: str, line: str) -> None:
        """A commented line in `table`: a key the recording could not tell."""
        self.todo.setdefault(table, []).append(line)

    def get(self, table: str, key: str) -> Any:
        return self.tables.get(table, {}).get(key)

    def data(self) -> dict[str, Any]:
        """The profile as the loader reads it (nested tables)."""
        data: dict[str, Any] = dict(self.tables.get("", {}))
        data["users"] = [dict(user) for user in self.users]
        for name in ORDER:
            if name in self.tables:
                head, _, tail = name.partition(".")
                target = data.setdefault(head, {}) if tail else data
                target[tail or head] = dict(self.tables[name])
        return data

    def render(self, header: str) -> str:
        lines = [f"# {line}" if line else "#" for line in header.splitlines()]
        lines += _pairs(self.tables.get("", {})) + [f"# {h}" for h in self.todo.get("", [])]
        for user in self.users:
            lines += ["", "[[users]]", *_pairs(user)]
        for name in ORDER:
            if name in self.tables:
                lines += ["", f"[{name}]", *_pairs(self.tables[name])]
            elif name in self.todo:
                lines += ["", f"# [{name}]"]
            lines += [f"# {hint}" for hint in self.todo.get(name, [])]
        return "\n".join(lines) + "\n"


def _pairs(values: dict[str, Any]) -> list[str]:
    return [f"{_key(key)} = {toml_value(value)}" for key, value in values.items()]


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key)


def toml_value(value: Any) -> str:
    """`value` as TOML (JSON's string escapes are TOML's)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict):
        inner = ", ".join(f"{_key(str(k))} = {toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if value is None:
        return '""'
    return json.dumps(str(value), ensure_ascii=False)
