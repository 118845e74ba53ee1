"""Short forms of text and values for messages and labels, cut with an ellipsis."""

from __future__ import annotations

from typing import Any

UNTITLED = "(untitled)"


def shorten(value: object, limit: int = 40) -> str:
    """``value`` as text, cut to ``limit`` characters with a trailing ``…``."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def brief(value: Any, limit: int = 60) -> str:
    """``value`` as Python writes it (strings quoted), cut to ``limit`` characters: for error messages."""
    return shorten(repr(value), limit)


def title_or_untitled(title: str) -> str:
    """An event's title for people: its own (spaces collapsed), or ``(untitled)``."""
    return " ".join(title.split()) or UNTITLED
