"""Text and structure every reader cleans once, so that everything after it holds sound values.

Two things a valid file can hold that break the program far from where they
were read:

- lone UTF-16 surrogates (JSON's ``"\\ud800"``, a file name that is not UTF-8,
  a command-line argument in another encoding): no UTF-8 writer, HTML page or
  Qt widget can hold them. They become U+FFFD, the replacement character.
- values nested hundreds of levels deep: printing, searching or exporting them
  recurses once per level. Nothing an event needs is deeper than
  :data:`MAX_DEPTH`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

MAX_DEPTH = 32  # levels of lists and objects inside one property or collection member
REPLACEMENT = "\ufffd"
_SURROGATE = re.compile("[\ud800-\udfff]")


class TooDeep(Exception):
    """A value nested deeper than :data:`MAX_DEPTH` (caught by the readers, turned into a warning)."""


def clean_text(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD (the same object when there is none)."""
    if text.isascii() or not _SURROGATE.search(text):
        return text
    return _SURROGATE.sub(REPLACEMENT, text)


def has_surrogates(text: str) -> bool:
    """Whether ``text`` holds a lone surrogate."""
    return not text.isascii() and _SURROGATE.search(text) is not None


def display_name(path: str | Path) -> str:
    """The file name of ``path`` fit to show and write: a name that is not UTF-8 gets U+FFFD for its odd bytes."""
    return clean_text(Path(path).name)


def display_path(path: str | Path) -> str:
    """The whole path, cleaned as :func:`display_name` cleans the name."""
    return clean_text(str(path))


class Cleaner:
    """Cleans decoded JSON values: lone surrogates in text and keys, nesting deeper than :data:`MAX_DEPTH`.

    ``replaced`` counts the strings that held a surrogate, so the reader can
    say so once per feature or member.
    """

    def __init__(self, max_depth: int = MAX_DEPTH) -> None:
        self.max_depth = max_depth
        self.replaced = 0

    def __call__(self, value: Any, depth: int = 0) -> Any:
        """``value`` cleaned (the same object when nothing needed cleaning).

        Raises
        ------
        TooDeep
            If lists and objects nest deeper than ``max_depth`` below ``value``.
        """
        kind = value.__class__
        if kind is str:
            if value.isascii() or not _SURROGATE.search(value):
                return value
            self.replaced += 1
            return _SURROGATE.sub(REPLACEMENT, value)
        if kind is dict:
            if depth >= self.max_depth:
                raise TooDeep
            out = {self(k, depth): self(v, depth + 1) for k, v in value.items()}
            return value if _same_dict(out, value) else out
        if kind is list:
            if depth >= self.max_depth:
                raise TooDeep
            items = [self(v, depth + 1) for v in value]
            return value if all(a is b for a, b in zip(items, value)) else items
        return value


def _same_dict(new: dict, old: dict) -> bool:
    return len(new) == len(old) and all(k in old and old[k] is v for k, v in new.items())


def depth_exceeds(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether lists and objects nest deeper than ``limit`` in ``value`` (without recursion)."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        kind = item.__class__
        if kind is dict:
            children = item.values()
        elif kind is list:
            children = item
        else:
            continue
        if depth >= limit:
            return True
        stack.extend((child, depth + 1) for child in children if child.__class__ in (dict, list))
    return False
