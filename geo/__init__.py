"""eventmap's model: events, time, importers, geocoding and map building. No Qt here."""

__version__ = "0.1.0"
