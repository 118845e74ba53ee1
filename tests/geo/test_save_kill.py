"""A save killed at any moment leaves the old file or the new one, whole, and a whole .bak.

A child process saves two versions of a dataset in turn, as fast as it can;
the test kills it with SIGKILL at a random moment, about twenty times, and
after each kill reads the target and the .bak. The next save removes the
temporary files the killed ones left.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from eventmap.geo.events import Dataset, Event
from eventmap.geo.storage import dumps_dataset, save_dataset

TRIES = 20

CHILD = r"""
import sys
from pathlib import Path
from eventmap.geo.storage import write_atomic

target = Path(sys.argv[1])
texts = [Path(sys.argv[2]).read_text(encoding="utf-8"), Path(sys.argv[3]).read_text(encoding="utf-8")]
print("ready", flush=True)
n = 0
while True:
    write_atomic(target, texts[n % 2])
    n += 1
"""


def version(tag: str, size: int = 1500) -> str:
    events = [Event(f"{tag}-{i}", f"{tag} event {i} " + "x" * 200, 10.0, 20.0) for i in range(size)]
    return dumps_dataset(Dataset(events, name=tag))


def whole_version(path: Path, versions: dict[str, str]) -> str:
    """Which version the file holds, whole (fails on a truncated or mixed file)."""
    text = path.read_text(encoding="utf-8")
    json.loads(text)  # whole JSON
    matches = [tag for tag, body in versions.items() if body == text]
    assert matches, f"{path.name} is neither version ({len(text)} characters)"
    return matches[0]


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
@pytest.mark.timeout(120)
def test_a_killed_save_leaves_a_whole_file_and_a_whole_bak(tmp_path):
    versions = {"A": version("A"), "B": version("B")}
    sources = {}
    for tag, body in versions.items():
        sources[tag] = tmp_path / f"source-{tag}.txt"
        sources[tag].write_text(body, encoding="utf-8")
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "events.geojson"
    target.write_text(versions["A"], encoding="utf-8")
    rng = random.Random(20261201)
    seen_target, killed_mid_save = set(), 0
    for _ in range(TRIES):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(target), str(sources["B"]), str(sources["A"])],
            stdout=subprocess.PIPE, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        )
        assert child.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0.0, 0.05))
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        seen_target.add(whole_version(target, versions))
        bak = folder / "events.geojson.bak"
        if bak.exists():
            whole_version(bak, versions)
        killed_mid_save += any(name.endswith(".tmp") for name in os.listdir(folder))
    assert seen_target <= {"A", "B"}
    # The next save (this process) removes what the killed saves left behind.
    save_dataset(Dataset([Event("c", "c", 1.0, 2.0)], name="C"), target)
    assert sorted(os.listdir(folder)) == ["events.geojson", "events.geojson.bak"]
    whole_version(folder / "events.geojson.bak", versions)
