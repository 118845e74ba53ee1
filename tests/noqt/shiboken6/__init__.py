"""Stands in for shiboken6 in the Qt-free test pass: any import of it fails.

``.ci/run`` runs tests/geo with this folder first on PYTHONPATH, proving the model needs no Qt.
"""

raise ImportError("shiboken6 is made unimportable for the Qt-free pass of tests/geo")
