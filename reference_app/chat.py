"""The deterministic chat bot and the per-user message history."""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from datetime import datetime
from typing import Any

from pymongo.collection import Collection

from reference_app.store import DocumentCodec

_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}
_MAX_EXPONENT = 64
_MAX_EXPRESSION = 200
# Bounds every intermediate result: str() of an int over 4300 digits raises, and a nested
# power (`((9**64)**64)**64...`) would otherwise grow to gigabytes within 200 characters.
_MAX_BITS = 4096


def _bounded(value: object) -> int | float:
    """`value` if it is a real number of bounded size."""
    # A negative base to a fractional power is complex, not an answer the bot gives.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("not a real number")
    if isinstance(value, int) and value.bit_length() > _MAX_BITS:
        raise ValueError("result too large")
    return value


def _evaluate(node: ast.AST) -> int | float:
    if isinstance(node, ast.Constant):
        return _bounded(node.value)
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _bounded(_UNARY[type(node.op)](_evaluate(node.operand)))
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _evaluate(node.left), _evaluate(node.right)
        if isinstance(node.op, ast.Pow) and abs(right) > _MAX_EXPONENT:
            raise ValueError("exponent too large")
        return _bounded(_BINARY[type(node.op)](left, right))
    raise ValueError("not arithmetic")


def arithmetic(text: str) -> str | None:
    """The value of an arithmetic expression (`2+2` → `4`), or None if `text` is not one."""
    if len(text) > _MAX_EXPRESSION or not any(ch.isdigit() for ch in text):
        return None
    try:
        value = _evaluate(ast.parse(text.strip(), mode="eval").body)
    except (SyntaxError, ValueError, ZeroDivisionError, OverflowError, TypeError):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def bot_reply(message: str) -> str:
    value = arithmetic(message)
    return value if value is not None else f"echo: {message}"


def reply_chunks(reply: str) -> list[str]:
    """The reply split into word-sized pieces (joined they give the reply back)."""
    words = reply.split(" ")
    return [word if i == len(words) - 1 else word + " " for i, word in enumerate(words)]


class ChatLog:
    def __init__(self, collection: Collection[dict[str, Any]], codec: DocumentCodec) -> None:
        self._messages = collection
        self._codec = codec
        collection.create_index("user")

    def append(self, user: str, role: str, text: str, at: datetime) -> None:
        self._messages.insert_one(
            self._codec.encode({"user": user, "role": role, "text": text, "at": at})
        )

    def history(self, user: str) -> list[dict[str, Any]]:
        docs = self._messages.find({"user": user}, {"_id": 0, "user": 0})
        return [self._codec.decode(doc) for doc in docs]
