"""The folium elements of the map page: inlined assets, the event layer, the content policy.

Kept apart from geo.mapbuild so that importing folium (a quarter of a second)
happens only when a page is really built, not when the app starts.
"""

from __future__ import annotations

import html
import re
from typing import Any

from branca.element import Element, MacroElement
from folium.template import Template


class InlineAsset(Element):
    """A script or stylesheet inlined into the page header."""

    def __init__(self, kind: str, text: str, name: str) -> None:
        super().__init__()
        self._name = name
        # Neither a script nor a style may close its own element early.
        if kind == "script":
            self.markup = "<script>\n" + text.replace("</", "<\\/") + "\n</script>"
        else:
            self.markup = "<style>\n" + text.replace("</", "<\\/") + "\n</style>"

    def render(self, **kwargs) -> str:
        return self.markup


class ExternalScript(Element):
    """A script the app serves next to the page on its own eventmap: host, never from the network."""

    _template = Template('<script src="{{ this.url }}"></script>')

    def __init__(self, url: str) -> None:
        super().__init__()
        # A relative name: the page's own eventmap://<view>/ host serves it.
        assert re.fullmatch(r"[a-z0-9_.-]+\.js", url), url
        self.url = url


class EventLayer(MacroElement):
    """Hands the page's configuration to resources/eventmap.js."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            eventmap.start({{ this._parent.get_name() }}, {{ this.config|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        self._name = "EventLayer"
        self.config = config

    def render(self, **kwargs) -> None:
        # branca's MacroElement.render wraps the macro's output in Element(text),
        # which compiles that text as a Jinja template: a place or title such as
        # "{{ lipsum.__globals__.os.system(...) }}" in the config JSON would run
        # as Python. The output goes into the page verbatim instead.
        script = self._template.module.__dict__["script"](self, kwargs)
        self.get_root().script.add_child(Verbatim(script), name=self.get_name())


class Verbatim(Element):
    """Text that goes into the page as it is: never compiled as a template."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = str(text)

    def render(self, **kwargs) -> str:
        return self.text


class PageTitle(Element):
    """The page's <title>: dataset text, escaped."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self._name = "PageTitle"
        self.title = str(title)

    def render(self, **kwargs) -> str:
        return "<title>" + html.escape(self.title, quote=True) + "</title>"


class ContentPolicy(Element):
    """A Content-Security-Policy meta tag: only our own scripts, no network but chosen tiles."""

    def __init__(self, tile_origins: list[str], app: bool) -> None:
        super().__init__()
        self._name = "ContentPolicy"
        local = " eventmap:" if app else ""
        tiles = "".join(f" {o}" for o in tile_origins)
        self.policy = (
            "default-src 'none'; "
            f"script-src 'nonce-@NONCE@'{local}; "
            "style-src 'unsafe-inline'; "
            f"img-src data: blob:{local}{tiles}; "
            f"connect-src{local or ' ' + chr(39) + 'none' + chr(39)}; "
            "font-src data:; base-uri 'none'; form-action 'none'"
        )

    def render(self, **kwargs) -> str:
        return f'<meta http-equiv="Content-Security-Policy" content="{self.policy}">'
