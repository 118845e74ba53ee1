"""One guard for Qt slots: no exception escapes a slot.

Under PySide6 an exception that leaves a slot is printed and forgotten at best,
and at worst leaves Qt half-way through an event and crashes the process. Every
slot connected to a signal goes through :func:`guarded`: an exception becomes a
log line and the error dialog (plain text the user can copy), and the app keeps
running. :class:`~eventmap.geo.errors.EventmapError` is bad input, not a bug:
its message is shown without a traceback.

    action.triggered.connect(guarded(self._on_open))

    @guarded
    def _on_export(self) -> None: ...
"""

from __future__ import annotations

import functools
import inspect
import logging
import sys
import traceback
import types
from collections.abc import Callable
from typing import Any, TypeVar

log = logging.getLogger("eventmap")

F = TypeVar("F", bound=Callable[..., Any])

ERROR_TITLE = "eventmap: something went wrong"
MAX_LINES = 25

_open_dialog: list = []  # the error dialog on screen, if any: one at a time, never a pile


def _positional_limit(function: Callable) -> int | None:
    """How many positional arguments ``function`` takes (None: any number).

    Signals pass their arguments (``triggered`` passes ``checked``); a wrapper
    hides the slot's own signature from Qt, so it drops what the slot does not take.
    """
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return None
    count = 0
    for parameter in parameters:
        if parameter.kind is inspect.Parameter.VAR_POSITIONAL:
            return None
        if parameter.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD):
            count += 1
    return count


_MISSING = object()


def _with_arity(count: int | None, call: Callable[[tuple, dict], Any]) -> Callable[..., Any]:
    """A function taking ``count`` optional positional arguments (any number when None) that passes them on.

    PySide6 reads a slot's parameters to choose what to pass (``triggered`` sends
    ``checked`` only to a slot that takes an argument; a ``*args`` slot gets nothing),
    so the wrapper has as many parameters as the slot it guards.
    """
    if count is None:
        def slot(*args: Any, **kwargs: Any) -> Any:
            return call(args, kwargs)
        return slot
    names = [f"a{n}" for n in range(count)]
    source = (f"def slot({''.join(f'{name}=_MISSING, ' for name in names)}**kwargs):\n"
              f"    return call(tuple(a for a in ({''.join(f'{name}, ' for name in names)}) if a is not _MISSING), kwargs)\n")
    namespace: dict[str, Any] = {"_MISSING": _MISSING, "call": call}
    exec(source, namespace)  # noqa: S102 - a fixed template: names a0..aN, no outside text
    return namespace["slot"]


def guarded(function: F) -> F:
    """``function`` as a slot that never lets an exception escape (see the module's docstring)."""
    if getattr(function, "__eventmap_guarded__", False):
        return function
    if inspect.ismethod(function):
        # Still a bound method: Qt then drops the connection when its object is
        # deleted, as it would for the method itself.
        return types.MethodType(guarded(function.__func__), function.__self__)  # type: ignore[return-value]
    where = getattr(function, "__qualname__", repr(function))

    def call(args: tuple, kwargs: dict) -> Any:
        try:
            return function(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - the point of the guard
            report_error(exc, where)
            return None

    slot = _with_arity(_positional_limit(function), call)
    functools.update_wrapper(slot, function)
    del slot.__wrapped__  # PySide6 and inspect must see the wrapper's own parameters
    slot.__eventmap_guarded__ = True  # type: ignore[attr-defined]
    return slot  # type: ignore[return-value]


def error_text(exc: BaseException) -> tuple[str, str]:
    """What the dialog says about ``exc``: (message, details to copy)."""
    from eventmap.geo.errors import EventmapError

    if isinstance(exc, EventmapError):
        lines = exc.lines()
        if len(lines) > MAX_LINES:
            lines = lines[:MAX_LINES] + [f"… and {len(lines) - MAX_LINES} more problems"]
        return "\n".join(lines), ""
    message = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return message, details


def report_error(exc: BaseException, where: str = "") -> None:
    """Log ``exc`` and show it in the error dialog; the app goes on."""
    from eventmap.geo.errors import EventmapError

    if isinstance(exc, EventmapError):
        log.warning("%s: %s", where or "slot", exc)
    else:
        log.error("unexpected error in %s", where or "a slot", exc_info=exc)
    try:
        show_error_dialog(*error_text(exc))
    except Exception:  # noqa: BLE001 - a failing dialog must not become the next escape
        log.exception("could not show the error dialog")


def show_error_dialog(message: str, details: str = "") -> Any:
    """The error dialog: plain, selectable text; the traceback under "Show Details…" to copy.

    It is shown without a nested event loop (the slot returns at once); while one
    is open, further errors are only logged. Returns the dialog (None without a QApplication).
    """
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QMessageBox

    if QApplication.instance() is None:
        return None
    if _open_dialog:
        return None
    box = QMessageBox(QMessageBox.Icon.Critical, ERROR_TITLE, message, QMessageBox.StandardButton.Close,
                      QApplication.activeWindow())
    box.setObjectName("eventmapErrorDialog")
    box.setTextFormat(Qt.TextFormat.PlainText)  # the message may hold dataset text
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard)
    box.setInformativeText("eventmap keeps running; what you have open is unchanged."
                           + (" The details can be copied into a bug report." if details else ""))
    if details:
        box.setDetailedText(details)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    _open_dialog.append(box)
    box.finished.connect(lambda _result: _open_dialog.clear())
    box.destroyed.connect(lambda *_: _open_dialog.clear())
    box.show()
    return box


def excepthook(kind: type[BaseException], exc: BaseException, tb: Any) -> None:
    """The last net, for a slot connected without :func:`guarded`: PySide6 hands its exception here."""
    if isinstance(exc, Exception):
        report_error(exc.with_traceback(tb), "a slot without the guard")
    else:  # KeyboardInterrupt, SystemExit: as Python would
        sys.__excepthook__(kind, exc, tb)


def install_excepthook() -> None:
    """Route exceptions that reach the top (an unguarded slot's) to the error dialog (done by the app's start-up)."""
    sys.excepthook = excepthook
