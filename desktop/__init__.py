"""eventmap's Qt desktop: app start-up, main window, widgets, the map view and its bridge, CLI."""

import sys


def _pin_singletons() -> None:
    # PySide6 6.12 returns None, True and False from some calls (Signal.emit,
    # connect, QAction.setEnabled, ...) without taking a reference. Python 3.12
    # and later never free these objects (PEP 683), so there it does no harm;
    # on 3.11 every such call takes one reference away, and after a few hundred
    # signals Python aborts with "Fatal Python error: bool_dealloc". Giving them
    # 2**40 references makes them as good as immortal here too.
    import ctypes

    for singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(singleton)).value += 1 << 40


if sys.implementation.name == "cpython" and sys.version_info < (3, 12):
    _pin_singletons()
