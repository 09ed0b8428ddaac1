"""Geospatial cluster checks: firm registries, area types, cluster counts.

Imported only on demand (``import selectlib.geo``), so ``import selectlib`` stays
light; geopandas, shapely and scipy are loaded here, never by the core.

>>> import selectlib.geo as geo
>>> firms = geo.read_firms("sample_data/geo/firms.csv")              # doctest: +SKIP
>>> areas = geo.read_areas("sample_data/geo/areas.geojson")          # doctest: +SKIP
>>> counts = geo.count_by_point(firms, areas, unit="dong", level=5)  # doctest: +SKIP
>>> counts.status.excluded  # every firm not counted, with its reason  # doctest: +SKIP
"""

from selectlib.geo.areas import Areas, read_areas
from selectlib.geo.check import LocationCheck, check_location
from selectlib.geo.codes import AreaTypePolicy, area_types, current_code, detect_system
from selectlib.geo.count import (
    ClusterCounts,
    count_by_code,
    count_by_point,
    count_in_polygon,
    count_within_radius,
    qualifying,
)
from selectlib.geo.derive import GeoContext
from selectlib.geo.errors import GeoError
from selectlib.geo.ksic import (
    URBAN_MICRO_EXCLUDED,
    industry_key,
    normalize_ksic,
    urban_micro_eligible,
)
from selectlib.geo.registry import Registry, read_firms
from selectlib.geo.report import Reason, RowStatus, ValidationReport
from selectlib.geo.sidos import CodeSystem
from selectlib.geo.spatial import assign_units
from selectlib.geo.status import radius_status
from selectlib.geo.thresholds import DEFAULT_THRESHOLDS, discover, sweep

__all__ = [
    "DEFAULT_THRESHOLDS",
    "URBAN_MICRO_EXCLUDED",
    "AreaTypePolicy",
    "Areas",
    "ClusterCounts",
    "CodeSystem",
    "GeoContext",
    "GeoError",
    "LocationCheck",
    "Reason",
    "Registry",
    "RowStatus",
    "ValidationReport",
    "area_types",
    "assign_units",
    "check_location",
    "count_by_code",
    "count_by_point",
    "count_in_polygon",
    "count_within_radius",
    "current_code",
    "detect_system",
    "discover",
    "industry_key",
    "normalize_ksic",
    "qualifying",
    "radius_status",
    "read_areas",
    "read_firms",
    "sweep",
    "urban_micro_eligible",
]
