"""Where the bundled data and resources are, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    # An installed wheel carries the folders inside geo/_bundled; a checkout
    # (or an editable install) has them at the top of the repository.
    for candidate in (_HERE / "_bundled" / name, _HERE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"eventmap is missing its {name}/ folder (looked in {_HERE})")


def data_dir() -> Path:
    """The folder of bundled datasets, gazetteer and basemap."""
    return _find("data")


def resources_dir() -> Path:
    """The folder of our own templates, scripts, styles and icons."""
    return _find("resources")


def default_dataset() -> Path:
    """The bundled event dataset built from the seed articles."""
    return data_dir() / "events.geojson"
