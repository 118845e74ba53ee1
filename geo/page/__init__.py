"""Building the map page: pure functions from events and options to folium and HTML.

- :mod:`.payload`: the events as the page reads them (columns sorted by start, popup details)
- :mod:`.colors`: a colour per category
- :mod:`.config`: :class:`~.config.MapOptions` and the page's configuration (pure data)
- :mod:`.assets`: Leaflet (from XStatic) and our own scripts and styles (resources/page/)
- :mod:`.build`: configuration -> ``folium.Map`` -> HTML (imports folium only when called)
- :mod:`.elements`: the folium elements the page is made of

Nothing here does I/O beyond reading the installed assets, and nothing imports Qt.
"""
