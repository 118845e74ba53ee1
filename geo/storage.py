"""Saving datasets without ever losing the previous file."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from eventmap.geo.errors import EventmapError
from eventmap.geo.events import Dataset, dataset_to_geojson


def dumps_dataset(dataset: Dataset) -> str:
    """The canonical GeoJSON text of a dataset (UTF-8, one feature per line)."""
    collection = dataset_to_geojson(dataset)
    features = collection.pop("features")
    head = json.dumps(collection, ensure_ascii=False)[:-1]
    lines = ",\n".join(json.dumps(f, ensure_ascii=False, allow_nan=False) for f in features)
    sep = ", " if len(head) > 1 else ""
    return f'{head}{sep}"features": [\n{lines}\n]}}\n'


def write_atomic(path: str | Path, text: str, backup: bool = True) -> None:
    """Write ``text`` to ``path`` via a temporary file, fsync and rename.

    The previous file, if any, is kept as ``path + '.bak'``. On any failure the
    original file is untouched.
    """
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise EventmapError(f"{path}: cannot write here ({exc.strerror or exc})") from None
    try:
        # mkstemp makes the file private; give it the mode a new file would have
        # (or the mode of the file it replaces).
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask()
        os.chmod(tmp, mode)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if backup and path.exists():
            # Copy, not move: the old file stays in place until the atomic
            # replace below, so there is never a moment without it.
            bak = path.with_name(path.name + ".bak")
            shutil.copy2(path, bak)
        os.replace(tmp, path)
        _fsync_dir(directory)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise EventmapError(f"{path}: could not save ({exc.strerror or exc}); the previous file is unchanged") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def save_dataset(dataset: Dataset, path: str | Path) -> None:
    """Save a dataset as canonical GeoJSON, atomically, keeping a ``.bak``."""
    write_atomic(path, dumps_dataset(dataset))
