"""The one place user choices are remembered: ``settings.json`` in the config folder.

Window geometry, the last dataset, recent files, basemap, export choices and
play speed. The folder comes from :func:`geo.config.config_dir` (tests point
it at a temporary folder with ``EVENTMAP_CONFIG_DIR``). A missing or damaged
file gives the defaults; it is never a reason not to start.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eventmap.geo.config import config_dir
from eventmap.geo.errors import EventmapError
from eventmap.geo.storage import write_atomic

log = logging.getLogger("eventmap")

MAX_RECENT = 10


def settings_path() -> Path:
    """Where the settings live."""
    return config_dir() / "settings.json"


@dataclass
class Settings:
    """What the window remembers between runs."""

    geometry: str = ""  # QMainWindow.saveGeometry(), base64
    window_state: str = ""  # QMainWindow.saveState(), base64 (docks and toolbars)
    last_dataset: str = ""
    recent_files: list[str] = field(default_factory=list)
    # Database sources as text (duckdb:FILE?table=T, postgresql://USER@HOST/DB?table=T): never a password.
    recent_databases: list[str] = field(default_factory=list)
    database_time_limit: float = 120.0
    basemap: str = "natural-earth"
    export_dir: str = ""
    export_format: str = "png"
    animation_format: str = ".mp4"
    play_speed: float = 1.0
    loop: bool = False

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        """Read the settings; defaults for anything missing, unreadable or of the wrong type."""
        path = path or settings_path()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as exc:
            log.warning("settings: ignoring %s (%s)", path, exc)
            return cls()
        settings = cls()
        if not isinstance(data, dict):
            return settings
        for f in dataclasses.fields(cls):
            value = data.get(f.name)
            default = getattr(settings, f.name)
            if value is not None and _same_kind(value, default):
                setattr(settings, f.name, float(value) if isinstance(default, float) else value)
        settings.recent_files = [p for p in settings.recent_files if isinstance(p, str)][:MAX_RECENT]
        settings.recent_databases = [p for p in settings.recent_databases if isinstance(p, str)][:MAX_RECENT]
        return settings

    def save(self, path: Path | None = None) -> None:
        """Write the settings (a failure is logged, never raised: losing a preference is not fatal)."""
        path = path or settings_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, json.dumps(dataclasses.asdict(self), indent=2) + "\n", backup=False)
        except (OSError, EventmapError) as exc:
            log.warning("settings: could not save %s (%s)", path, exc)

    def add_recent(self, path: str | Path) -> None:
        """Put ``path`` first in the recent files."""
        text = str(Path(path).resolve())
        self.recent_files = [text] + [p for p in self.recent_files if p != text][: MAX_RECENT - 1]
        self.last_dataset = text

    def add_recent_database(self, text: str) -> None:
        """Put a database source first in the recent sources, any password taken out first."""
        from eventmap.geo.databases import strip_password  # noqa: PLC0415

        if text.startswith(("postgresql://", "postgres://")):
            text = strip_password(text)[0]
        self.recent_databases = [text] + [p for p in self.recent_databases if p != text][: MAX_RECENT - 1]

    def forget_recent(self, path: str | Path) -> None:
        text = str(path)
        self.recent_files = [p for p in self.recent_files if p != text]


def _same_kind(value: Any, default: Any) -> bool:
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, type(default))
