"""The one place user choices are remembered: ``settings.json`` in the config folder.

Window geometry, the last dataset, recent files, basemap, export choices and
play speed. The folder comes from :func:`geo.config.config_dir` (tests point
it at a temporary folder with ``EVENTMAP_CONFIG_DIR``). A missing or damaged
file gives the defaults (a damaged one is set aside first); it is never a
reason not to start.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import time
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
    basemap_file: str = ""  # a PMTiles or MBTiles file drawn under the events ("" for none)
    export_dir: str = ""
    export_format: str = "png"
    animation_format: str = ".mp4"
    play_speed: float = 1.0
    table_columns: list[str] = field(default_factory=list)  # the event list's property columns
    loop: bool = False

    note = ""  # not saved: what went wrong reading the file, for the window to show

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        """Read the settings; defaults for anything missing or unusable.

        A damaged file (not JSON, nested too deep, a number too large, a value of
        the wrong type) never stops the app: it is set aside as
        ``settings.json.damaged-<time>`` so nothing is lost, and :attr:`note`
        says so for the window to show.
        """
        path = path or settings_path()
        settings = cls()
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return settings
        except (OSError, ValueError) as exc:
            log.warning("settings: cannot read %s (%s); using the defaults", path, exc)
            return settings
        problems: list[str] = []
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:
            data, problems = {}, [_describe(exc)]
        if not isinstance(data, dict):
            data, problems = {}, problems or ["it is not a JSON object"]
        for f in dataclasses.fields(cls):
            if f.name not in data or data[f.name] is None:
                continue
            value = _usable(data[f.name], getattr(settings, f.name))
            if value is _UNUSABLE:
                problems.append(f"{f.name} is not a usable {type(getattr(settings, f.name)).__name__}")
            else:
                if isinstance(value, list) and len(value) != len(data[f.name]):
                    problems.append(f"{f.name} has entries that are not text")
                setattr(settings, f.name, value)
        settings.recent_files = settings.recent_files[:MAX_RECENT]
        settings.recent_databases = settings.recent_databases[:MAX_RECENT]
        if problems:
            settings.note = _set_aside(path, problems)
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


_UNUSABLE = object()


def _describe(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "it is nested too deeply to read"
    return f"it is not valid JSON ({exc})"


def _usable(value: Any, default: Any) -> Any:
    """``value`` as the type of ``default``, or _UNUSABLE (wrong type, not finite, too large, bad text)."""
    if isinstance(default, bool):
        return value if isinstance(value, bool) else _UNUSABLE
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return _UNUSABLE
        try:
            number = float(value)  # an int with 400 digits raises OverflowError
        except OverflowError:
            return _UNUSABLE
        return number if math.isfinite(number) else _UNUSABLE
    if isinstance(default, str):
        return value if isinstance(value, str) and _encodable(value) else _UNUSABLE
    if isinstance(default, list):  # of file names or database sources: the good ones are kept
        return [v for v in value if isinstance(v, str) and _encodable(v)] if isinstance(value, list) else _UNUSABLE
    return value if isinstance(value, type(default)) else _UNUSABLE


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")  # a lone surrogate ("\ud800") reads from JSON but cannot be saved again
    except UnicodeEncodeError:
        return False
    return True


def _set_aside(path: Path, problems: list[str]) -> str:
    """Rename a damaged settings file out of the way; the note to show the user."""
    aside = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    why = "; ".join(problems[:3]) + (f" (and {len(problems) - 3} more)" if len(problems) > 3 else "")
    try:
        path.replace(aside)
    except OSError as exc:
        log.warning("settings: %s is damaged (%s) and could not be set aside (%s); using the defaults", path, why, exc)
        return f"The settings file {path} is damaged ({why}); eventmap started with the default settings."
    log.warning("settings: %s is damaged (%s); set aside as %s, using the defaults", path, why, aside.name)
    return f"The settings file was damaged ({why}); it was set aside as {aside.name} and eventmap started with the default settings."
