"""Geospatial cluster checks: firm registries, area types, cluster counts.

Imported only on demand (``import selectlib.geo``), so ``import selectlib`` stays
light; geopandas, shapely and scipy are loaded here, never by the core.
"""
