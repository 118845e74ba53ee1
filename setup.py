"""Lists eventmap's packages for setuptools; everything else is in pyproject.toml.

The repository keeps its folders at the top (geo/, desktop/, data/, resources/),
and pyproject.toml's ``package-dir`` maps them into the one import package,
``eventmap``. Here every sub-folder with an ``__init__.py`` is found, so a new
sub-package needs no edit.
"""

from setuptools import find_packages, setup

CODE = ("geo", "desktop")
DATA = ("data", "resources")

packages = []
for folder in CODE:
    packages.append(f"eventmap.{folder}")
    packages += [f"eventmap.{folder}.{sub}" for sub in find_packages(folder)]

setup(packages=packages + [f"eventmap.{folder}" for folder in DATA])
