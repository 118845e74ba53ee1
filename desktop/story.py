"""The story of the open dataset: its stops, undoable edits, and going to a stop.

The story itself is a frozen :class:`~eventmap.geo.story.Story`; this module
holds the current one for the window, writes every change into the dataset's
collection members (so File ▸ Save keeps it) and puts each edit on the
window's undo stack. Going to a stop sets the view state's filter and
selection (the model decides) and asks the map to show the stop's bounds.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from eventmap.desktop.view_state import ViewState
from eventmap.geo.dates import TimeWindow
from eventmap.geo.story import Bounds, Stop, Story, dataset_story, store_story
from eventmap.geo.view import ViewFilter

_URL = re.compile(r"https?://[^\s<>\"']+")


class StoryState(QObject):
    """The window's story, kept in step with the dataset.

    Signals
    -------
    storyChanged
        The stops changed (an edit, undo/redo, or another dataset opened).
    currentChanged(int)
        The stop shown last (-1 for none).
    problem(str)
        The dataset's saved story could not be read (it is kept in the file).
    """

    storyChanged = Signal()
    currentChanged = Signal(int)
    problem = Signal(str)

    def __init__(self, state: ViewState, undo_stack: QUndoStack | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.undo_stack = undo_stack
        self._story = Story()
        self._current = -1
        state.datasetChanged.connect(self._on_dataset_changed)
        self._on_dataset_changed()

    @property
    def story(self) -> Story:
        return self._story

    @property
    def current(self) -> int:
        return self._current

    def set_current(self, index: int) -> None:
        index = index if 0 <= index < len(self._story) else -1
        if index != self._current:
            self._current = index
            self.currentChanged.emit(index)

    def _on_dataset_changed(self) -> None:
        story, problems = dataset_story(self.state.dataset.extra)
        title = self.state.dataset.name or "Story"
        self._story = story or Story(title=title)
        self._current = -1
        self.storyChanged.emit()
        self.currentChanged.emit(-1)
        for text in problems:
            self.problem.emit(text)

    def edit(self, story: Story, text: str) -> None:
        """Make ``story`` the window's story, undoably (``text`` names the edit in Edit ▸ Undo)."""
        if story == self._story:
            return
        command = _StoryCommand(self, self._story, story, text)
        if self.undo_stack is not None:
            self.undo_stack.push(command)  # push runs redo()
        else:
            command.redo()

    def _apply(self, story: Story) -> None:
        self._story = story
        dataset = self.state.dataset
        dataset.extra = store_story(dataset.extra, story)
        self.state.mark_edited()
        if self._current >= len(story):
            self.set_current(len(story) - 1)
        self.storyChanged.emit()


class _StoryCommand(QUndoCommand):
    def __init__(self, owner: StoryState, old: Story, new: Story, text: str) -> None:
        super().__init__(text)
        self.owner, self.old, self.new = owner, old, new

    def redo(self) -> None:
        self.owner._apply(self.new)

    def undo(self) -> None:
        self.owner._apply(self.old)


# --- between stops and the view ---------------------------------------------------------------


def stop_from_view(state: ViewState, bounds: Bounds, caption: str = "", hold: float | None = None) -> Stop:
    """A stop that shows what the window shows now: ``bounds``, the filter and the selected event."""
    view = state.view
    selected = ""
    if 0 <= state.selected < len(state.dataset.events):
        selected = state.dataset.events[state.selected].id
    fields = {"hold": hold} if hold is not None else {}
    return Stop(
        bounds=bounds,
        lo=view.window.lo,
        hi=view.window.hi,
        cumulative=view.cumulative,
        hidden_categories=frozenset(view.hidden),
        search=view.search,
        selected=selected,
        caption=caption,
        **fields,
    )


def stop_filter(stop: Stop) -> ViewFilter:
    """The filter a stop shows."""
    return ViewFilter(TimeWindow(stop.lo, stop.hi), stop.cumulative, frozenset(stop.hidden_categories), stop.search)


def show_stop(state: ViewState, stop: Stop, fly_to: Callable[[Bounds], None]) -> None:
    """Set the model to the stop (filter, then selection) and ask the map for its bounds."""
    state.set_view(stop_filter(stop).for_dataset(state.dataset))
    index = -1
    if stop.selected:
        index = next((i for i, e in enumerate(state.dataset.events) if e.id == stop.selected), -1)
    state.set_selected(index)
    fly_to(stop.bounds)


def stop_label(number: int, stop: Stop) -> str:
    """``3. 2020 · Tarbela, the first drills`` (plain text, for the stop list)."""
    from eventmap.geo.view import filter_label

    caption = " ".join(stop.caption.split())
    caption = caption if len(caption) <= 60 else caption[:59] + "…"
    return f"{number}. {filter_label(TimeWindow(stop.lo, stop.hi), stop.cumulative)}" + (f" · {caption}" if caption else "")


def caption_html(caption: str) -> str:
    """A caption as Qt rich text: every character escaped, http(s) links made clickable.

    The caption is plain text with links; nothing in it is ever markup.
    """
    out, last = [], 0
    for match in _URL.finditer(caption):
        out.append(html.escape(caption[last : match.start()]))
        url = match.group(0).rstrip(".,;:!?)")
        rest = match.group(0)[len(url) :]
        out.append(f'<a href="{html.escape(url, quote=True)}">{html.escape(url)}</a>{html.escape(rest)}')
        last = match.end()
    out.append(html.escape(caption[last:]))
    return "".join(out).replace("\n", "<br>")


def bounds_of(value) -> Bounds | None:
    """``(south, west, north, east)`` from the page's ``[[s, w], [n, e]]`` bounds, or None."""
    try:
        (south, west), (north, east) = value
        bounds = (float(south), float(west), float(north), float(east))
    except (TypeError, ValueError):
        return None
    if not all(math.isfinite(v) for v in bounds) or not (bounds[0] < bounds[2] and bounds[1] < bounds[3]):
        return None
    return bounds
