"""A text file read a piece at a time: decoded lines for csv.reader, and how far the read has got.

UTF-16 with a BOM is read as UTF-16; anything else as UTF-8 (a BOM is
dropped), where a byte that is not UTF-8 is read as Windows-1252 (Latin-1 for
the five bytes Windows-1252 leaves undefined) and the first such byte is
reported with its line. Lines keep their endings, as ``io.StringIO(text,
newline="")`` gives them, so quoted fields that span lines read as before.
"""

from __future__ import annotations

import codecs
import io
import threading
from collections.abc import Iterator
from typing import BinaryIO

from eventmap.geo.errors import EventmapError

CHUNK_BYTES = 1 << 20
_HANDLER = "eventmap-cp1252-fallback"
_HANDLER_16 = "eventmap-utf16-replace"
_local = threading.local()


def _fallback(exc: UnicodeError) -> tuple[str, int]:
    """Decode the bytes UTF-8 rejected as Windows-1252 (or Latin-1), and note where the first one was."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    try:
        text = bad.decode("cp1252")
    except UnicodeDecodeError:
        text = bad.decode("latin-1")
        _local.latin1 = True
    if getattr(_local, "first", None) is None:
        _local.first = (exc.object, exc.start)
    return text, exc.end


def _replace(exc: UnicodeError) -> tuple[str, int]:
    """A lone UTF-16 surrogate becomes U+FFFD, and the first one is noted."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    if getattr(_local, "first", None) is None:
        _local.first = (exc.object, exc.start)
    return "\ufffd", exc.end


codecs.register_error(_HANDLER, _fallback)
codecs.register_error(_HANDLER_16, _replace)


class TextStream:
    """Decoded lines of a binary stream, with the characters read so far (for progress).

    Parameters
    ----------
    binary
        The open file (or ``io.BytesIO``).
    size
        Its size in bytes (progress is characters read over it).
    name
        The file name for messages.
    """

    def __init__(self, binary: BinaryIO, size: int, name: str) -> None:
        self.binary = binary
        self.size = max(1, size)
        self.name = name
        self.consumed = 0  # characters handed out so far
        self.bad_byte: tuple[int, int] | None = None  # (byte offset, line) of the first byte that was not UTF-8
        self.surrogate: tuple[int, int] | None = None  # (byte offset, line) of the first lone UTF-16 surrogate
        self._lines_decoded = 0  # newlines in the text decoded so far (UTF-16 lines)
        self.used = "Windows-1252 (Latin-1)"
        self._offset = 0  # bytes read before the current chunk
        self._newlines = 0  # newlines in those bytes
        start = binary.read(4)
        self.utf16 = start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        if self.utf16:
            # An odd length cannot be UTF-16; an even one with a lone surrogate is sound text with one bad spot.
            self._decoder = codecs.getincrementaldecoder("utf-16")("strict" if size % 2 else _HANDLER_16)
        else:
            self._decoder = codecs.getincrementaldecoder("utf-8-sig")(_HANDLER)
        self._first = start

    def warnings(self) -> list[str]:
        """What was wrong with the encoding: a file not all UTF-8, or a lone UTF-16 surrogate."""
        out = []
        if self.bad_byte is not None:
            where, line = self.bad_byte
            out.append(f"line {line}: the file is not UTF-8 (byte {where}); read as {self.used}: check accented letters")
        if self.surrogate is not None:
            where, line = self.surrogate
            out.append(f"line {line}: invalid UTF-16 (a lone surrogate, byte {where}); replaced by \ufffd")
        return out

    def _decode(self, data: bytes, final: bool) -> str:
        held = len(self._decoder.getstate()[0])
        _local.first = None
        _local.latin1 = False
        try:
            text = self._decoder.decode(data, final)
        except UnicodeDecodeError as exc:
            raise EventmapError(f"{self.name}: starts as UTF-16 text but byte {self._offset + exc.start} is not UTF-16") from None
        first = _local.first
        if first is not None and self.utf16 and self.surrogate is None:
            buffer, start = first
            line = self._lines_decoded + text[: text.find("\ufffd") + 1].count("\n") + 1
            self.surrogate = (max(0, self._offset - held + start), line)
        elif first is not None and self.bad_byte is None:
            buffer, start = first
            where = self._offset - held + start
            line = self._newlines + buffer[: max(0, start)].count(b"\n") + 1
            self.bad_byte = (max(0, where), line)
        if self.utf16:
            self._lines_decoded += text.count("\n")
        if _local.latin1:
            self.used = "Latin-1"
        self._offset += len(data)
        self._newlines += data.count(b"\n")
        return text

    def chunks(self) -> Iterator[str]:
        """The decoded text, a piece at a time.

        Raises
        ------
        EventmapError
            If the text holds a NUL character (a binary file), or UTF-16 text is broken.
        """
        data = self._first + self.binary.read(CHUNK_BYTES)
        while True:
            following = self.binary.read(CHUNK_BYTES) if data else b""
            text = self._decode(data, final=not following)
            if "\x00" in text:
                raise EventmapError(f"{self.name}: this is a binary file, not a text table (it contains NUL bytes)")
            if text:
                yield text
            if not following:
                return
            data = following

    def lines(self, chunks: Iterator[str]) -> Iterator[str]:
        """Lines with their endings (``\\n``, ``\\r\\n`` or ``\\r``) from a text iterator; counts what it hands out."""
        pending = ""
        for text in chunks:
            text = pending + text
            lines = io.StringIO(text, newline="").readlines()
            pending = lines.pop() if lines and not lines[-1].endswith("\n") else ""
            for line in lines:
                self.consumed += len(line)
                yield line
        if pending:
            self.consumed += len(pending)
            yield pending

    def fraction(self) -> float:
        """How far through the file the lines handed out reach (characters over bytes, at most 1)."""
        return min(1.0, self.consumed / self.size)


class StreamTicker:
    """Reports a :class:`TextStream`'s progress about every 1% of the file, with the ``Ticker`` interface."""

    def __init__(self, stream: TextStream, progress, name: str) -> None:
        self.stream = stream
        self.progress = progress
        self.name = name
        self.step = max(1, stream.size // 100)
        self.next = 0

    def tick(self, _index: int = 0) -> None:
        """Report if the read has passed another 1% of the file.

        Raises
        ------
        EventmapError
            If the progress callback returned False (the user cancelled).
        """
        if self.progress is not None and self.stream.consumed >= self.next:
            self.next = self.stream.consumed + self.step
            self.report(self.stream.fraction())

    def report(self, fraction: float) -> None:
        """Report ``fraction`` whatever the step."""
        if self.progress is not None and self.progress(min(1.0, fraction)) is False:
            raise EventmapError(f"{self.name}: reading cancelled")
