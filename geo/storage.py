"""Saving datasets without ever losing the previous file."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from eventmap.geo.errors import EventmapError
from eventmap.geo.sanitize import display_name, display_path

if TYPE_CHECKING:
    from eventmap.geo.events import Dataset


def dumps_dataset(dataset: Dataset) -> str:
    """The canonical GeoJSON text of a dataset (UTF-8, one feature per line).

    Raises
    ------
    EventmapError
        If the dataset holds something JSON cannot (a NaN, an object that is no JSON value).
    """
    from eventmap.geo.events import dataset_to_geojson  # noqa: PLC0415 - write_atomic alone needs no numpy

    collection = dataset_to_geojson(dataset)
    features = collection.pop("features")
    try:
        head = json.dumps(collection, ensure_ascii=False, allow_nan=False)[:-1]
        lines = ",\n".join(json.dumps(f, ensure_ascii=False, allow_nan=False) for f in features)
    except (ValueError, TypeError, RecursionError) as exc:
        raise EventmapError(f"{dataset.name}: cannot be written as GeoJSON ({exc})") from None
    sep = ", " if len(head) > 1 else ""
    return f'{head}{sep}"features": [\n{lines}\n]}}\n'


TEMP_SUFFIX = ".tmp"
STALE_SECONDS = 3600  # a temporary file of a process that cannot be asked is left an hour before it is removed


def _temp_prefix(path: Path) -> str:
    return f".{path.name}."


def write_atomic(path: str | Path, text: str, backup: bool = True) -> None:
    """Write ``text`` to ``path`` via a temporary file, fsync and rename.

    The previous file, if any, is kept as ``path + '.bak'``, made the same
    way (a hard link, or a copy, under a temporary name, then renamed), so the
    ``.bak`` too is always a whole file: the previous one or the one before.
    Temporary files are removed on any failure; those a killed save left
    behind are removed by the next save of the same file.

    Raises
    ------
    EventmapError
        If the file cannot be written; the message says what is left as it was.
    """
    path = Path(path)
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise EventmapError(f"{display_name(path)}: not saved: the text holds a character UTF-8 cannot store ({exc.reason}); the previous file is unchanged") from None
    directory = path.parent if str(path.parent) else Path(".")
    _remove_stale_temps(path, directory)
    temps: list[str] = []
    try:
        tmp = _write_temp(path, directory, data, temps)
        if backup and path.exists():
            _backup(path, directory, temps)
        os.replace(tmp, path)
        temps.remove(tmp)
    except OSError as exc:
        raise EventmapError(f"{display_path(path)}: could not save ({exc.strerror or exc}); the previous file is unchanged") from None
    finally:
        for leftover in temps:
            Path(leftover).unlink(missing_ok=True)
    _fsync_dir(directory)


def _write_temp(path: Path, directory: Path, data: bytes, temps: list[str]) -> str:
    # The process id in the name tells a later save whether the writer is still alive.
    try:
        fd, tmp = tempfile.mkstemp(prefix=f"{_temp_prefix(path)}{_writer_tag()}-", suffix=TEMP_SUFFIX, dir=directory)
    except OSError as exc:
        raise EventmapError(f"{display_path(path)}: cannot write here ({exc.strerror or exc}); the previous file is unchanged") from None
    temps.append(tmp)
    with os.fdopen(fd, "wb") as handle:
        # mkstemp makes the file private; give it the mode a new file would have
        # (or the mode of the file it replaces).
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask()
        os.chmod(tmp, mode)
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return tmp


def _backup(path: Path, directory: Path, temps: list[str]) -> None:
    """Make ``path.bak`` the current ``path``, atomically: the old .bak stays until the new one is whole."""
    bak = path.with_name(path.name + ".bak")
    tmp = os.path.join(directory, f"{_temp_prefix(path)}{_writer_tag()}-{os.urandom(4).hex()}.bak{TEMP_SUFFIX}")
    temps.append(tmp)
    try:
        os.link(path, tmp)  # the same bytes under a second name: nothing copied, nothing half-written
    except OSError:
        shutil.copy2(path, tmp)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
    os.replace(tmp, bak)
    temps.remove(tmp)


def _remove_stale_temps(path: Path, directory: Path) -> None:
    """Remove the temporary files an earlier, killed save of ``path`` left behind."""
    prefix = _temp_prefix(path)
    try:
        names = [n for n in os.listdir(directory) if n.startswith(prefix) and n.endswith(TEMP_SUFFIX)]
    except OSError:
        return
    now = time.time()
    for name in names:
        owner = name[len(prefix) :].split("-", 1)[0]
        pid, _, started = owner.partition("_")
        full = os.path.join(directory, name)
        try:
            if pid.isdigit() and owner != _writer_tag() and _alive(int(pid), started):
                if now - os.stat(full).st_mtime < STALE_SECONDS:
                    continue  # another process is saving this file right now
            elif not pid.isdigit() and now - os.stat(full).st_mtime < STALE_SECONDS:
                continue
            os.unlink(full)
        except OSError:
            continue


def _start_time(pid: int) -> str:
    """When process ``pid`` started, in clock ticks since boot (Linux); '' where the system does not say.

    With the pid it names the writer of a temporary file: a pid alone is reused
    (Linux hands out at most 32,768 by default), and a killed saver's leftovers
    must not pass for a live writer's.
    """
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
        return fields[19].decode("ascii")
    except (OSError, IndexError, UnicodeDecodeError):
        return ""


def _writer_tag() -> str:
    """This process as temporary file names record it: ``PID`` or ``PID_STARTTIME``."""
    started = _start_time(os.getpid())
    return f"{os.getpid()}_{started}" if started else str(os.getpid())


def _alive(pid: int, started: str = "") -> bool:
    """Whether the process that wrote a temporary file still runs (the same process, not a reused pid)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return not started or _start_time(pid) in ("", started)


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
