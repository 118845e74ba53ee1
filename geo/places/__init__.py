"""Places: the offline gazetteer, name matching, geocoding, distances and country polygons.

- :mod:`eventmap.geo.places.names`: how names are compared; country and US-state names to codes.
- :mod:`eventmap.geo.places.ranking`: which of several places a name (and its hints) means.
- :mod:`eventmap.geo.places.gazetteer`: the gazetteer file, loaded and looked up.
- :mod:`eventmap.geo.places.geocoding`: a geopy geocoder over it, and the online chain with its cache.
- :mod:`eventmap.geo.places.distance`: geodesic distances.
- :mod:`eventmap.geo.places.countries`: which country a point is in (basemap polygons).
"""
