"""The folium elements of the map page: the map, inlined assets, the event layer, the content policy.

Every script tag the page has is written here, each with the page's nonce:
the nonce is set when the elements are built, never by rewriting the rendered
document. Dataset text reaches the page only inside the configuration JSON
(escaped by ``tojson``), which nothing compiles as a template or rewrites.

Kept apart from :mod:`eventmap.geo.page.build`'s callers so that importing
folium (a quarter of a second) happens only when a page is really built.
"""

from __future__ import annotations

import html
import re
from typing import Any

import folium
from branca.element import Element, Figure, MacroElement
from folium.template import Template

_NONCE = re.compile(r"[A-Za-z0-9+/=_-]{16,64}")


def _check_nonce(nonce: str) -> str:
    if not _NONCE.fullmatch(nonce):
        raise ValueError(f"not a nonce: {nonce!r}")
    return nonce


class PageFigure(Figure):
    """folium's root figure, with the page's nonce on its one script block."""

    _template = Template(
        "<!DOCTYPE html>\n"
        "<html>\n"
        "<head>\n"
        "    {{this.header.render(**kwargs)}}\n"
        "</head>\n"
        "<body>\n"
        "    {{this.html.render(**kwargs)}}\n"
        "</body>\n"
        '<script nonce="{{ this.nonce }}">\n'
        "    {{this.script.render(**kwargs)}}\n"
        "</script>\n"
        "</html>\n",
    )

    def __init__(self, nonce: str) -> None:
        super().__init__()
        self._id = "page"
        self.nonce = _check_nonce(nonce)


class EventMap(folium.Map):
    """A folium Map with a stable name and no script of its own in the header.

    (folium's own header script sets ``L_NO_TOUCH``, which Leaflet reads only
    when it loads: before this header, in our page, so it is left out.)
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
            <meta name="viewport" content="width=device-width,
                initial-scale=1.0, maximum-scale=1.0, user-scalable=no" />
            <style>
                #{{ this.get_name() }} {
                    position: {{this.position}};
                    width: {{this.width[0]}}{{this.width[1]}};
                    height: {{this.height[0]}}{{this.height[1]}};
                    left: {{this.left[0]}}{{this.left[1]}};
                    top: {{this.top[0]}}{{this.top[1]}};
                }
                .leaflet-container { font-size: {{this.font_size}}; }
            </style>
            <style>html, body { width: 100%; height: 100%; margin: 0; padding: 0; }</style>
        {% endmacro %}

        {% macro html(this, kwargs) %}
            <div class="folium-map" id={{ this.get_name()|tojson }} ></div>
        {% endmacro %}

        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.map(
                {{ this.get_name()|tojson }},
                {
                    center: {{ this.location|tojson }},
                    crs: L.CRS.{{ this.crs }},
                    ...{{this.options|tojavascript}}
                }
            );
            {%- if this.control_scale %}
            L.control.scale().addTo({{ this.get_name() }});
            {%- endif %}
        {% endmacro %}
        """
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._id = "0"  # folium's ids are random: the page must be deterministic
        # Per map, never the class-level lists: no CDN link reaches the page.
        self.default_js = []
        self.default_css = []


class InlineAsset(Element):
    """A script or stylesheet inlined into the page header (scripts carry the page's nonce)."""

    def __init__(self, kind: str, text: str, name: str, nonce: str = "") -> None:
        super().__init__()
        self._name = name
        self._id = name
        # Neither a script nor a style may close its own element early.
        body = "\n" + text.replace("</", "<\\/") + "\n"
        if kind == "script":
            self.markup = f'<script nonce="{_check_nonce(nonce)}">{body}</script>'
        else:
            self.markup = f"<style>{body}</style>"

    def render(self, **kwargs) -> str:
        return self.markup


class ExternalScript(Element):
    """A script the app serves next to the page on its own eventmap: host, never from the network."""

    def __init__(self, url: str, nonce: str) -> None:
        super().__init__()
        # A relative name: the page's own eventmap://<view>/ host serves it.
        if not re.fullmatch(r"[a-z0-9_.-]+\.js", url):
            raise ValueError(f"not a local script name: {url!r}")
        self.markup = f'<script nonce="{_check_nonce(nonce)}" src="{url}"></script>'

    def render(self, **kwargs) -> str:
        return self.markup


class EventLayer(MacroElement):
    """Hands the page's configuration to the page script (resources/page/page.js)."""

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
        self._id = "events"
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

    def __init__(self, tile_origins: list[str], app: bool, nonce: str) -> None:
        super().__init__()
        self._name = "ContentPolicy"
        local = " eventmap:" if app else ""
        tiles = "".join(f" {html.escape(o, quote=True)}" for o in tile_origins)
        self.policy = (
            "default-src 'none'; "
            f"script-src 'nonce-{_check_nonce(nonce)}'{local}; "
            "style-src 'unsafe-inline'; "
            f"img-src data: blob:{local}{tiles}; "
            f"connect-src{local or ' ' + chr(39) + 'none' + chr(39)}; "
            "font-src data:; base-uri 'none'; form-action 'none'"
        )

    def render(self, **kwargs) -> str:
        return f'<meta http-equiv="Content-Security-Policy" content="{self.policy}">'
