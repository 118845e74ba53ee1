"""Where eventmap keeps the user's settings and caches.

The platform's own folders, through platformdirs (``~/.config/eventmap`` and
``~/.cache/eventmap`` on Linux, honouring ``XDG_*``; ``~/Library/...`` on macOS;
``%APPDATA%`` / ``%LOCALAPPDATA%`` on Windows). ``EVENTMAP_CONFIG_DIR`` and
``EVENTMAP_CACHE_DIR`` override them (tests point them at a temporary folder).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "eventmap"


def config_dir() -> Path:
    """The folder for the user's settings (not created here)."""
    override = os.environ.get("EVENTMAP_CONFIG_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """The folder for caches such as online geocoding results (not created here)."""
    override = os.environ.get("EVENTMAP_CACHE_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))
