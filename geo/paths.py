"""Where the bundled data and resources are, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

# Installed, the wheel holds eventmap/geo, eventmap/data and eventmap/resources
# side by side; in a checkout (and so in an editable install) the repository
# holds geo/, data/ and resources/ side by side. One rule finds both.
_ROOT = Path(__file__).resolve().parent.parent


def _find(name: str) -> Path:
    folder = _ROOT / name
    if not folder.is_dir():
        raise FileNotFoundError(f"eventmap is missing its {name}/ folder (looked in {_ROOT})")
    return folder


def data_dir() -> Path:
    """The folder of bundled datasets, gazetteer and basemap."""
    return _find("data")


def resources_dir() -> Path:
    """The folder of our own templates, scripts, styles and icons."""
    return _find("resources")


def default_dataset() -> Path:
    """The bundled event dataset built from the seed articles."""
    return data_dir() / "events.geojson"
