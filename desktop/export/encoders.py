"""Encoders that take frames one at a time: MP4, WebM and animated WebP with PyAV, GIF with Pillow.

No Qt here: a frame is an ``(height, width, 3)`` uint8 RGB array. Nothing
keeps the frames: each is encoded as it arrives (the GIF writer keeps one
frame back, to know its duration), so memory does not grow with the clip.

Every encoder writes to a temporary name next to the target and renames it
at :meth:`Encoder.close`; :meth:`Encoder.abort` removes it. A cancelled or
failed export leaves no half-written file.

Why PyAV for WebP: Pillow's animated WebP (and GIF) writer takes every frame
as a list before it writes; FFmpeg's ``libwebp_anim`` (in PyAV's wheels)
takes them one by one. GIF is written with Pillow's frame-level helpers
(``GifImagePlugin.getheader`` and ``getdata``), one frame at a time, with one
palette for the whole clip that keeps the category colours exact.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np

from eventmap.geo.errors import EventmapError

ANIMATION_FORMATS = {".mp4": "MP4 video (H.264)", ".webm": "WebM video (VP9)", ".gif": "animated GIF", ".webp": "animated WebP"}

# PyAV: container format, codec, pixel format, codec options.
_VIDEO = {
    # faststart: the index goes first, so browsers and PowerPoint start playing before the end arrives.
    ".mp4": ("mp4", "libx264", "yuv420p", {"preset": "veryfast", "crf": "20", "tune": "animation"}, {"movflags": "+faststart"}),
    ".webm": ("webm", "libvpx-vp9", "yuv420p", {"deadline": "realtime", "cpu-used": "8", "crf": "30", "b": "0", "row-mt": "1"}, {}),
    ".webp": ("webp", "libwebp_anim", "yuv420p", {"quality": "85", "preset": "drawing"}, {"loop": "0"}),
}


class Encoder:
    """Base: a temporary file renamed into place at :meth:`close`."""

    def __init__(self, path: str | Path, size: tuple[int, int], fps: float) -> None:
        self.path = Path(path)
        self.width, self.height = size
        self.fps = fps
        self.frames = 0
        folder = self.path.expanduser().resolve().parent
        if not folder.is_dir():
            raise EventmapError(f"{self.path}: the folder {folder} does not exist")
        handle, name = tempfile.mkstemp(prefix=f".{self.path.stem}-", suffix=f".partial{self.path.suffix}", dir=folder)
        os.close(handle)
        self.temp = Path(name)

    def add(self, frame: np.ndarray, repeat: int = 1) -> None:
        """Encode ``frame`` (shown for ``repeat`` frame times)."""
        raise NotImplementedError

    def _finish(self) -> None:
        raise NotImplementedError

    def _discard(self) -> None:
        """Release the encoder's resources without finishing the file."""

    def close(self) -> Path:
        """Finish the file and move it to its name; returns the path written."""
        try:
            self._finish()
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(self.temp, 0o666 & ~umask)  # a temporary file is private; the clip is not
            os.replace(self.temp, self.path)
        except BaseException:
            self.abort()
            raise
        return self.path

    def abort(self) -> None:
        """Give up: nothing is left on disk."""
        try:
            self._discard()
        finally:
            self.temp.unlink(missing_ok=True)

    def _check(self, frame: np.ndarray) -> None:
        if frame.shape != (self.height, self.width, 3) or frame.dtype != np.uint8:
            raise ValueError(f"frame of shape {frame.shape} {frame.dtype}, expected ({self.height}, {self.width}, 3) uint8")


class VideoEncoder(Encoder):
    """MP4 (H.264, yuv420p, faststart), WebM (VP9) or animated WebP, through PyAV."""

    def __init__(self, path: str | Path, size: tuple[int, int], fps: float) -> None:
        super().__init__(path, size, fps)
        import av
        from fractions import Fraction

        suffix = self.path.suffix.lower()
        container_format, codec, pix_fmt, options, container_options = _VIDEO[suffix]
        if pix_fmt == "yuv420p" and (self.width % 2 or self.height % 2):
            self.temp.unlink(missing_ok=True)
            raise EventmapError(f"size {self.width}x{self.height}: a {suffix[1:].upper()} needs an even width and height")
        try:
            self._container = av.open(str(self.temp), "w", format=container_format, options=container_options)
            self._stream = self._container.add_stream(codec, rate=Fraction(fps).limit_denominator(1000), options=options)
        except Exception as exc:  # noqa: BLE001 - FFmpeg's errors come in many types
            self.temp.unlink(missing_ok=True)
            raise EventmapError(f"{self.path}: cannot start the {codec} encoder ({exc})") from None
        self._stream.width, self._stream.height, self._stream.pix_fmt = self.width, self.height, pix_fmt
        self._av = av

    def add(self, frame: np.ndarray, repeat: int = 1) -> None:
        self._check(frame)
        video = self._av.VideoFrame.from_ndarray(frame, format="rgb24")
        for _ in range(repeat):
            video.pts = self.frames
            self.frames += 1
            for packet in self._stream.encode(video):
                self._container.mux(packet)

    def _finish(self) -> None:
        for packet in self._stream.encode():
            self._container.mux(packet)
        self._container.close()

    def _discard(self) -> None:
        try:
            self._container.close()
        except Exception:  # noqa: BLE001 - closing a half-written file may fail; it is deleted anyway
            pass


class GifEncoder(Encoder):
    """Animated GIF, one frame at a time, with one palette that keeps ``colors`` exact.

    ``colors`` are the ``#rrggbb`` colours that must stay exact (categories,
    land, sea, text); the rest of the 256 entries come from the first frame.
    """

    def __init__(self, path: str | Path, size: tuple[int, int], fps: float, colors: list[str] | None = None) -> None:
        super().__init__(path, size, fps)
        self._colors = [_rgb(c) for c in dict.fromkeys(colors or [])][:200]
        self._file = open(self.temp, "wb")  # noqa: SIM115 - closed in _finish or _discard
        self._palette = None
        self._pending = None  # (P image, frame times) waiting for the next frame, to know its duration
        self._time_ms = 0.0
        self._written_cs = 0

    def add(self, frame: np.ndarray, repeat: int = 1) -> None:
        from PIL import Image

        self._check(frame)
        if self._pending is not None and repeat and np.array_equal(frame, self._pending[2]):
            self._pending = (self._pending[0], self._pending[1] + repeat, self._pending[2])
            return
        image = Image.fromarray(frame, "RGB")
        if self._palette is None:
            self._palette = _palette_image(image, self._colors)
            self._write_header(image.quantize(palette=self._palette, dither=Image.Dither.NONE))
        self._flush()
        self._pending = (image.quantize(palette=self._palette, dither=Image.Dither.NONE), repeat, frame.copy())

    def _write_header(self, first) -> None:
        from PIL import GifImagePlugin

        header, _used = GifImagePlugin.getheader(first.copy(), None, {"loop": 0, "optimize": False})
        for chunk in header:
            self._file.write(chunk)

    def _flush(self) -> None:
        from PIL import GifImagePlugin

        if self._pending is None:
            return
        image, times, _frame = self._pending
        # GIF counts in hundredths of a second: keep the running total exact, not each frame.
        self._time_ms += times * 1000.0 / self.fps
        duration_cs = max(2, round(self._time_ms / 10) - self._written_cs)
        self._written_cs += duration_cs
        for chunk in GifImagePlugin.getdata(image, duration=duration_cs * 10):
            self._file.write(chunk)
        self.frames += 1
        self._pending = None

    def _finish(self) -> None:
        if self._palette is None:
            raise EventmapError(f"{self.path}: no frames to write")
        self._flush()
        self._file.write(b";")
        self._file.close()

    def _discard(self) -> None:
        self._file.close()


def _rgb(color: str) -> tuple[int, int, int]:
    text = color.lstrip("#")
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def _palette_image(first, exact: list[tuple[int, int, int]]):
    """A 256-colour palette: the exact colours first, then the first frame's most used others."""
    from PIL import Image

    adaptive = first.quantize(colors=256 - len(exact), method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    flat = adaptive.getpalette()[: 3 * (256 - len(exact))]
    colors = [c for rgb in exact for c in rgb] + flat
    colors += [0] * (768 - len(colors))
    palette = Image.new("P", (1, 1))
    palette.putpalette(colors)
    return palette


def open_encoder(path: str | Path, size: tuple[int, int], fps: float, colors: list[str] | None = None) -> Encoder:
    """The encoder for ``path``'s extension (see :data:`ANIMATION_FORMATS`).

    Raises
    ------
    EventmapError
        For an unknown extension, a folder that does not exist, or a size the codec refuses.
    """
    suffix = Path(path).suffix.lower()
    if suffix == ".gif":
        return GifEncoder(path, size, fps, colors)
    if suffix in _VIDEO:
        return VideoEncoder(path, size, fps)
    raise EventmapError(f"{path}: cannot write an animation as {suffix or 'a file without extension'!r}; use one of {', '.join(ANIMATION_FORMATS)}")


class ThreadedEncoder:
    """Runs an encoder in a worker thread, so frame ``k`` encodes while frame ``k + 1`` renders.

    The queue holds at most ``depth`` frames: memory stays bounded whatever
    the clip's length. An encoder error is raised by the next :meth:`add` or
    by :meth:`close`.
    """

    def __init__(self, encoder: Encoder, depth: int = 3) -> None:
        import queue
        import threading

        self.encoder = encoder
        self.path = encoder.path
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._stop = False
        self._thread = threading.Thread(target=self._work, name="eventmap-encoder", daemon=True)
        self._thread.start()

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            if self._error is not None or self._stop:
                continue
            try:
                self.encoder.add(*item)
            except BaseException as exc:  # handed to the rendering thread at its next call
                self._error = exc

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def add(self, frame: np.ndarray, repeat: int = 1) -> None:
        self._raise()
        self._queue.put((frame, repeat))

    def close(self) -> Path:
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            self.encoder.abort()
            raise self._error
        return self.encoder.close()

    def abort(self) -> None:
        self._stop = True
        self._queue.put(None)
        self._thread.join()
        self.encoder.abort()
