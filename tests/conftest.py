"""Test set-up shared by tests/geo and tests/desktop.

Qt must run offscreen and Chromium without its sandbox (we run as root in CI);
both are set before any QApplication exists. No test may reach the network.
"""

from __future__ import annotations

import os
import socket

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")
os.environ.setdefault("QT_LOGGING_RULES", "qt.webenginecontext.debug=false")


class NetworkUsed(AssertionError):
    """A test tried to open a network connection."""


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Fail any attempt to connect anywhere but a local (AF_UNIX) socket."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        if self.family == socket.AF_UNIX:
            return real_connect(self, address)
        raise NetworkUsed(f"test tried to connect to {address!r}")

    monkeypatch.setattr(socket.socket, "connect", guarded)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: (_ for _ in ()).throw(NetworkUsed(f"create_connection{a!r}")))
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: (_ for _ in ()).throw(NetworkUsed(f"getaddrinfo{a!r}")))


@pytest.fixture(autouse=True)
def fresh_settings(tmp_path_factory, monkeypatch):
    """Point every settings and cache location at a fresh temporary folder."""
    home = tmp_path_factory.mktemp("eventmap-home")
    monkeypatch.setenv("EVENTMAP_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("EVENTMAP_CACHE_DIR", str(home / "cache"))
    return home


@pytest.fixture
def pg_url():
    """The URL of the PostgreSQL/PostGIS test server (tools/pg_test_server.sh, started by .ci/run), on a Unix socket."""
    url = os.environ.get("EVENTMAP_TEST_PG")
    if not url:
        pytest.skip("no PostgreSQL test server: run tools/pg_test_server.sh start DIR and set EVENTMAP_TEST_PG to the URL it prints")
    return url
