"""How place names are compared, and what a country or US-state name means as a code.

Country names come from ISO 3166 (pycountry: names, official and common names,
alpha-2 and alpha-3 codes) and GeoNames' short English names ("Russia",
"Turkey", "Iran"), with a few names people write that neither has ("UK",
"America", "Burma"). US states come from ISO 3166-2.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Names people write for a country that neither ISO 3166 nor GeoNames lists.
COUNTRY_ALIASES = {
    "usa": "US", "u s a": "US", "u s": "US", "america": "US", "united states of america": "US",
    "uk": "GB", "u k": "GB", "great britain": "GB", "britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "turkey": "TR", "russia": "RU", "burma": "MM", "ivory coast": "CI",
    "czech republic": "CZ", "holland": "NL", "prc": "CN", "people s republic of china": "CN",
    "south korea": "KR", "north korea": "KP", "vatican": "VA", "syria": "SY", "laos": "LA",
    "moldova": "MD", "vietnam": "VN", "palestine": "PS", "kosovo": "XK", "taiwan": "TW",
    "bolivia": "BO", "venezuela": "VE", "tanzania": "TZ", "brunei": "BN", "macedonia": "MK",
    "swaziland": "SZ", "cape verde": "CV", "east timor": "TL", "uae": "AE", "drc": "CD",
    "dr congo": "CD", "democratic republic of congo": "CD", "republic of congo": "CG",
    "kyrgyz republic": "KG", "islamic republic of pakistan": "PK",
}
# Common English names for the codes whose ISO name reads oddly in a sentence.
SHORT_NAMES = {
    "RU": "Russia", "US": "United States", "GB": "United Kingdom", "IR": "Iran", "KR": "South Korea",
    "KP": "North Korea", "SY": "Syria", "TR": "Turkey", "VN": "Vietnam", "LA": "Laos", "MD": "Moldova",
    "BO": "Bolivia", "VE": "Venezuela", "TZ": "Tanzania", "TW": "Taiwan", "PS": "Palestine",
    "CD": "DR Congo", "CG": "Republic of the Congo", "XK": "Kosovo", "BN": "Brunei", "FM": "Micronesia",
}


def normalize_name(text: str) -> str:
    """The form names are compared in: case, accents, punctuation and spacing aside.

    Parameters
    ----------
    text
        A place name in any script.

    Returns
    -------
    str
        Case-folded, without combining marks, with every run of characters
        that are not letters or digits turned into one space
        (``"  Saint-Pétersbourg "`` becomes ``"saint petersbourg"``).
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join("".join(c if c.isalnum() else " " for c in bare).split())


@lru_cache(maxsize=1)
def _country_index() -> dict[str, str]:
    import pycountry  # noqa: PLC0415 - only hints and country look-ups need it

    index: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        names = [country.name, country.alpha_3, getattr(country, "official_name", ""),
                 getattr(country, "common_name", "")]
        # "Iran, Islamic Republic of" is also written "Iran"
        names.append(country.name.split(",")[0])
        for name in names:
            key = normalize_name(name or "")
            if key and len(key) > 2:
                index.setdefault(key, code)
    for code, name in SHORT_NAMES.items():
        index.setdefault(normalize_name(name), code)
    index.update(COUNTRY_ALIASES)
    return index


@lru_cache(maxsize=1)
def _us_states() -> dict[str, str]:
    import pycountry  # noqa: PLC0415

    states: dict[str, str] = {}
    for sub in pycountry.subdivisions.get(country_code="US") or ():
        short = sub.code.split("-", 1)[1]
        states[normalize_name(sub.name)] = short
    return states


def us_state_code(text: str) -> str | None:
    """The two-letter code of a US state or territory name (``"Idaho"`` -> ``"ID"``), or None."""
    return _us_states().get(normalize_name(text))


def is_us_state_code(code: str) -> bool:
    """Whether two letters are a US state's or territory's postal code (``"ID"``, ``"DC"``)."""
    return code.upper() in set(_us_states().values())


def country_code(text: str) -> str | None:
    """The ISO 3166-1 alpha-2 code a country name or code means, or None.

    ``"Germany"``, ``"DEU"``, ``"DE"``, ``"Federal Republic of Germany"`` all
    give ``"DE"``; ``"Turkey"`` and ``"Türkiye"`` give ``"TR"``.
    """
    key = normalize_name(text)
    if key in COUNTRY_ALIASES:  # "UK" before the two-letter rule
        return COUNTRY_ALIASES[key]
    compact = text.strip().replace(".", "")
    if len(compact) == 2 and compact.isascii() and compact.isalpha():
        return compact.upper()
    return _country_index().get(key)


def country_display_name(code: str) -> str:
    """A country code as people write it in English (``"RU"`` -> ``"Russia"``); the code if unknown."""
    code = code.upper()
    if code in SHORT_NAMES:
        return SHORT_NAMES[code]
    import pycountry  # noqa: PLC0415

    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name
