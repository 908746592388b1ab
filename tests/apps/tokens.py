"""JWT helpers for the app tests: read claims unverified, forge a tampered copy."""

from __future__ import annotations

import base64
import json
from typing import Any

import jwt


def claims(token: str) -> dict[str, Any]:
    return dict(jwt.decode(token, options={"verify_signature": False}))


def tampered(token: str, **changes: Any) -> str:
    """`token` with its payload changed (default: one extra claim) and the old signature."""
    head, _, signature = token.split(".")
    payload = {**claims(token), **(changes or {"role": "admin"})}
    encoded = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    return f"{head}.{encoded}.{signature}"
