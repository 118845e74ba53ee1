"""Where eventmap keeps the user's settings and caches.

``EVENTMAP_CONFIG_DIR`` and ``EVENTMAP_CACHE_DIR`` override the platform
defaults (tests point them at a temporary folder).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _platform_dir(kind: str) -> Path:
    home = Path.home()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA" if kind == "cache" else "APPDATA") or str(home / "AppData" / "Roaming")
        return Path(base) / "eventmap" / ("cache" if kind == "cache" else "")
    if sys.platform == "darwin":
        sub = "Caches" if kind == "cache" else "Application Support"
        return home / "Library" / sub / "eventmap"
    xdg = os.environ.get("XDG_CACHE_HOME" if kind == "cache" else "XDG_CONFIG_HOME")
    return Path(xdg or home / (".cache" if kind == "cache" else ".config")) / "eventmap"


def config_dir() -> Path:
    """The folder for the user's settings (not created here)."""
    return Path(os.environ.get("EVENTMAP_CONFIG_DIR") or _platform_dir("config"))


def cache_dir() -> Path:
    """The folder for caches such as online geocoding results (not created here)."""
    return Path(os.environ.get("EVENTMAP_CACHE_DIR") or _platform_dir("cache"))
