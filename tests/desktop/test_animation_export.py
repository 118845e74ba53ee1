"""Animations: the command line writes clips that decode, frame by frame; bad options stop before any work."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from eventmap.desktop.cli import main
from eventmap.desktop.export import ExportRequest
from eventmap.desktop.export.animation import AnimationRequest, Cancelled, render_animation
from eventmap.geo.animation import plan_frames
from eventmap.geo.dates import TimeWindow
from eventmap.geo.importers import load_dataset
from eventmap.geo.paths import default_dataset
from eventmap.geo.view import ViewFilter, visible_mask

pytestmark = pytest.mark.webengine

SIZE = (480, 270)
YEARS = range(2014, 2025)


def drawn_per_year() -> list[frozenset[tuple]]:
    """What each year's frame draws: the places and categories of its events (two events alike look alike)."""
    dataset = load_dataset(default_dataset())
    masks = [visible_mask(dataset, ViewFilter(window=TimeWindow.year(y))) for y in YEARS]
    return [frozenset((e.lat, e.lon, e.category) for e, keep in zip(dataset.events, mask) if keep) for mask in masks]


def map_area(frame: np.ndarray) -> np.ndarray:
    """The frame without the parts that change with every frame: the top band (progress, date, title box)."""
    return frame[frame.shape[0] // 3 :].astype(int)


def export(tmp_path: Path, name: str, *extra: str) -> Path:
    out = tmp_path / name
    args = ["export", "-o", str(out), "--from", "2014", "--to", "2024", "--step", "year", "--fps", "2", "--size", "x".join(map(str, SIZE)),
            "--title", "Pakistan–Russia", *extra]
    assert main(args) == 0
    assert not [p for p in tmp_path.iterdir() if ".partial" in p.name]
    return out


def test_mp4_has_one_frame_per_year_and_frames_differ_where_the_events_do(qapp, tmp_path, capsys):
    out = export(tmp_path, "a.mp4")
    assert "11 frames" in capsys.readouterr().out
    with av.open(str(out)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264" and stream.codec_context.pix_fmt == "yuv420p"
        assert (stream.codec_context.width, stream.codec_context.height) == SIZE
        assert float(stream.average_rate) == 2
        frames = [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]
    assert len(frames) == 11
    # Every frame is distinct (its date at least differs).
    assert all(np.abs(a.astype(int) - b).max() > 40 for a, b in zip(frames, frames[1:]))
    # Below the top band, consecutive frames differ exactly when the years' events differ.
    shown = drawn_per_year()
    for k in range(10):
        diff = np.abs(map_area(frames[k]) - map_area(frames[k + 1])).max(axis=2)
        change = diff.max()
        if shown[k] == shown[k + 1]:
            # H.264 leaves a little noise on sharp text edges (a handful of pixels): no more than that.
            noisy = int((diff > 40).sum())
            assert noisy <= 12, (YEARS[k], YEARS[k + 1], change, noisy)
        else:
            assert change > 80, (YEARS[k], YEARS[k + 1], change)
    assert shown[0] == shown[1] and shown[3] == shown[4] == frozenset() != shown[6]  # both branches run


def test_gif_has_one_frame_per_year_at_half_a_second_and_holds_the_last(qapp, tmp_path):
    out = export(tmp_path, "a.gif", "--hold-last", "1.5")
    with Image.open(out) as image:
        assert image.size == SIZE and image.n_frames == 11
        durations = []
        colours = set()
        for k in range(image.n_frames):
            image.seek(k)
            durations.append(image.info["duration"])
            colours |= {c for _n, c in image.convert("RGB").getcolors(1 << 16)}
    assert durations == [500] * 10 + [2000]
    # The palette keeps the category colours exact: the 2020 exercise (red) and diplomacy (green) markers.
    assert {(0xD6, 0x27, 0x28), (0x2B, 0x9A, 0x3E)} <= colours


def test_webm_and_webp_decode_to_the_same_frame_count(qapp, tmp_path):
    webm = export(tmp_path, "a.webm")
    with av.open(str(webm)) as container:
        assert container.streams.video[0].codec_context.name == "vp9"
        assert sum(1 for _ in container.decode(video=0)) == 11
    webp = export(tmp_path, "a.webp")
    with Image.open(webp) as image:
        assert image.size == SIZE and image.n_frames == 11


def test_a_cancelled_animation_leaves_no_file(qapp, tmp_path):
    out = tmp_path / "cancelled.mp4"
    request = AnimationRequest(ExportRequest(out=out, dataset=load_dataset(default_dataset()), size=(320, 180)),
                               plan_frames(TimeWindow.between("2014", "2024"), "year"), fps=2)
    seen = []
    with pytest.raises(Cancelled):
        render_animation(request, lambda done, total: seen.append(done) or done < 3)
    assert seen == [1, 2, 3]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "OUT.avi"], "cannot export to '.avi'"),
        (["-o", "OUT.mp4", "--from", "2024", "--to", "2014"], "ends (2014) before it starts (2024)"),
        (["-o", "OUT.mp4", "--from", "1990", "--to", "2024", "--step", "hour"], "306,816 frames (at most 10,000)"),
        (["-o", "OUT.mp4", "--window", "3 fortnights"], "not a length"),
        (["-o", "OUT.mp4", "--size", "641x360"], "even width and height"),
        (["-o", "OUT.mp4", "--fps", "0"], "between 0.5 and 60"),
        (["-o", "OUT.png", "--step", "year"], "only for animations"),
    ],
)
def test_bad_options_are_one_line_and_exit_2_before_any_work(tmp_path, capsys, monkeypatch, args, message):
    import eventmap.desktop.export.animation as animation

    monkeypatch.setattr(animation, "render_animation", lambda *a, **k: pytest.fail("rendering started"))
    args = [a.replace("OUT", str(tmp_path / "out")) for a in args]
    assert main(["export", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1
    assert list(tmp_path.iterdir()) == []
