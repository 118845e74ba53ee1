"""Which links eventmap makes clickable: the one rule for the form, the validator, the importers and the page."""

from __future__ import annotations

import re

_HTTP_LINK = re.compile(r"(?i)^https?://\S+$")


def is_http_link(text: str) -> bool:
    """Whether ``text`` (surrounding spaces aside) is an http or https link with no spaces in it.

    Only such links become clickable in a popup: ``javascript:``, ``file:`` and
    ``data:`` links never do.
    """
    return bool(_HTTP_LINK.match(text.strip())) if isinstance(text, str) else False
