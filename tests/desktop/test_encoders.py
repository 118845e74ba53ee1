"""The encoders on their own (no page): frames in, a file out, nothing left behind on failure."""

from __future__ import annotations

import av
import numpy as np
import pytest
from PIL import Image

from eventmap.desktop.export.encoders import ThreadedEncoder, open_encoder
from eventmap.geo.errors import EventmapError


def frames(n: int, size=(64, 48)):
    for k in range(n):
        frame = np.full((size[1], size[0], 3), 240, np.uint8)
        frame[10:20, 4 * k : 4 * k + 8] = (0xD6, 0x27, 0x28)
        yield frame


@pytest.mark.parametrize("suffix", [".mp4", ".webm", ".gif", ".webp"])
def test_frames_stream_through_a_worker_thread_into_the_file(tmp_path, suffix):
    encoder = ThreadedEncoder(open_encoder(tmp_path / f"clip{suffix}", (64, 48), 5, ["#d62728"]))
    for frame in frames(6):
        encoder.add(frame)
    path = encoder.close()
    assert [p.name for p in tmp_path.iterdir()] == [f"clip{suffix}"]
    if suffix in (".mp4", ".webm"):
        with av.open(str(path)) as container:
            assert sum(1 for _ in container.decode(video=0)) == 6
    else:
        with Image.open(path) as image:
            assert image.n_frames == 6
            if suffix == ".gif":  # its palette keeps the category colour exact (WebP is lossy)
                image.seek(2)
                assert (0xD6, 0x27, 0x28) in {c for _n, c in image.convert("RGB").getcolors(4096)}


def test_an_encoder_error_surfaces_and_leaves_no_file(tmp_path):
    encoder = ThreadedEncoder(open_encoder(tmp_path / "clip.mp4", (64, 48), 5))
    encoder.add(np.zeros((10, 10, 3), np.uint8))  # the wrong size: fails in the worker
    with pytest.raises(ValueError, match="expected"):
        encoder.close()
    assert list(tmp_path.iterdir()) == []


def test_unknown_formats_and_missing_folders_are_refused(tmp_path):
    with pytest.raises(EventmapError, match="'.avi'"):
        open_encoder(tmp_path / "clip.avi", (64, 48), 5)
    with pytest.raises(EventmapError, match="does not exist"):
        open_encoder(tmp_path / "nowhere" / "clip.gif", (64, 48), 5)
