"""Exports of what the map shows: stills (PNG, PDF, HTML, GeoJSON) and animations (MP4, WebM, GIF, WebP)."""

from eventmap.desktop.export.stills import FORMATS, MAX_PIXELS, ExportRequest, export, export_html_text, render_image, render_view

__all__ = ["FORMATS", "MAX_PIXELS", "ExportRequest", "export", "export_html_text", "render_image", "render_view"]
