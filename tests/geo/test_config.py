"""Where settings and caches live: the platform's folders, or the EVENTMAP_* overrides."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from eventmap.geo.config import cache_dir, config_dir


def test_the_overrides_win(monkeypatch, tmp_path):
    monkeypatch.setenv("EVENTMAP_CONFIG_DIR", str(tmp_path / "c"))
    monkeypatch.setenv("EVENTMAP_CACHE_DIR", str(tmp_path / "k"))
    assert config_dir() == tmp_path / "c" and cache_dir() == tmp_path / "k"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG folders are the Linux convention")
def test_without_overrides_the_xdg_folders_are_used(monkeypatch, tmp_path):
    monkeypatch.delenv("EVENTMAP_CONFIG_DIR", raising=False)
    monkeypatch.delenv("EVENTMAP_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    assert config_dir() == tmp_path / "xdg-config" / "eventmap"
    assert cache_dir() == tmp_path / "xdg-cache" / "eventmap"
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert config_dir() == Path(tmp_path / "home" / ".config" / "eventmap")
