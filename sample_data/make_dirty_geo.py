"""Write sample_data/geo_dirty/: an invented map and dirty firm registries for selectlib.geo.

Deterministic (no randomness): every area, cluster and dirty row is written out below.
The geography is invented (names and shapes), placed inside South Korea in EPSG:5179
with KOSTAT-style codes: a metropolitan city (시도 21) with two 구 and a 군, and a
province (시도 31) with a 시 and a 군, each split into 읍면동. The registries hold, for
each area type, one same-industry cluster exactly at its threshold (metro 50, city 40,
county 20), one at threshold-1 and one at threshold+1, plus distractors and dirty rows;
the `note` column says what each row is. See README.md in the output folder.
Its places are invented: the sample applicants' real places are in ../geo/
(made by make_sample_geo.py).

Files written:
  areas.geojson          13 읍면동 polygons, EPSG:5179 (one invalid, one overlap)
  firms.csv              firm registry with lon/lat (EPSG:4326) and a 읍면동 code
  firms_5179.csv         the same firms with x/y in EPSG:5179 (its own dirty rows)
  expected_clusters.csv  the count each (읍면동, industry) with a cluster should give

Run from anywhere:  python sample_data/make_dirty_geo.py [OUT_DIR]
"""

from __future__ import annotations

import csv
import dataclasses
import json
import sys
from pathlib import Path

from pyproj import Transformer

X0, Y0 = 1_000_000, 1_800_000
"""Where local (0, 0) sits in EPSG:5179 (about 127.50°E, 36.20°N)."""

SIDO = {"21": "한빛광역시", "31": "누리도"}
SIGUNGU = {
    "21010": "동구",
    "21020": "서구",
    "21310": "솔내군",
    "31010": "가온시",
    "31310": "다솜군",
}

# code, name, (left, bottom, right, top) in local metres
DONGS: list[tuple[str, str, tuple[int, int, int, int]]] = [
    ("2101051", "새벽동", (0, 0, 3000, 4000)),
    ("2101052", "햇살동", (3000, 0, 6000, 4000)),
    ("2102051", "노을동", (6000, 0, 9000, 4000)),
    ("2102052", "달빛동", (9000, 0, 12000, 4000)),
    ("2102053", "별빛동", (11980, 0, 15000, 4000)),  # overlaps 달빛동 by a 20 m strip
    ("2131011", "솔내읍", (0, 4000, 7000, 12000)),
    ("2131031", "바람면", (7000, 4000, 15000, 12000)),
    ("3101051", "가온동", (20000, 0, 23000, 4000)),
    ("3101052", "나래동", (23000, 0, 26000, 4000)),
    ("3101053", "다온동", (26000, 0, 29000, 4000)),
    ("3131011", "다솜읍", (20000, 4000, 25000, 12000)),
    ("3131031", "마루면", (25000, 4000, 30000, 12000)),
    ("3131032", "여울면", (30000, 4000, 35000, 12000)),  # written with a spike: invalid
]
SPIKE = "3131032"

# area type of each 시군구 under the default policy (a 군 in a metropolitan city: county)
AREA_TYPE = {
    "21010": "metro",
    "21020": "metro",
    "21310": "county",
    "31010": "city",
    "31310": "county",
}
THRESHOLD = {"metro": 50, "city": 40, "county": 20}

# label, KSIC, 읍면동, members (< 10 employees), anchor (local m), what it shows
CLUSTERS: list[tuple[str, str, str, int, tuple[int, int], str]] = [
    ("A", "25924", "2101051", 50, (300, 300), "metro at 50"),
    ("B", "14112", "2102051", 49, (6300, 300), "metro below, 49"),
    ("C", "18113", "2102052", 51, (9300, 300), "metro above, 51"),
    ("D", "29294", "3101051", 40, (20300, 300), "city at 40"),
    ("E", "22231", "3101052", 39, (23300, 300), "city below, 39"),
    ("F", "25922", "3101053", 41, (26300, 300), "city above, 41"),
    ("G", "10743", "3131011", 20, (20500, 4500), "county at 20"),
    ("H", "10711", "3131031", 19, (25500, 4500), "county below, 19"),
    ("I", "10301", "3131032", 21, (30500, 4500), "county above, 21"),
    ("J", "32029", "2131011", 30, (500, 4500), "county in a metro city, 30: passes as county only"),
    ("K", "30320", "3101052", 40, (23300, 2000), "city at 40 in C30: not a 도시형소공인 industry"),
]
STEP = 60  # metres between cluster members, 10 to a row

_TO_LONLAT = Transformer.from_crs("EPSG:5179", "EPSG:4326", always_xy=True)


def lonlat(x: int, y: int) -> tuple[float, float]:
    lon, lat = _TO_LONLAT.transform(X0 + x, Y0 + y)
    return round(lon, 7), round(lat, 7)


def ring(code: str, box: tuple[int, int, int, int]) -> list[list[int]]:
    left, bottom, right, top = box
    corners = [(left, bottom), (right, bottom), (right, top), (left, top), (left, bottom)]
    if code == SPIKE:  # a zero-width spike out of the east side: self-intersecting
        middle = (bottom + top) // 2
        corners[2:2] = [(right, middle), (right + 500, middle), (right, middle)]
    return [[X0 + x, Y0 + y] for x, y in corners]


def areas_geojson() -> str:
    features = [
        {
            "type": "Feature",
            "properties": {
                "code": code,
                "name": name,
                "sigungu_name": SIGUNGU[code[:5]],
                "sido_name": SIDO[code[:2]],
            },
            "geometry": {"type": "Polygon", "coordinates": [ring(code, box)]},
        }
        for code, name, box in DONGS
    ]
    lines = [json.dumps(feature, ensure_ascii=False) for feature in features]
    return (
        '{"type": "FeatureCollection", "name": "areas",\n'
        '"crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::5179"}},\n'
        '"features": [\n' + ",\n".join(lines) + "\n]}\n"
    )


@dataclasses.dataclass
class Firm:
    """One registry row; ``at`` is in local metres (None: no coordinates)."""

    ksic: str
    employees: int | str
    at: tuple[int, int] | None
    code: str
    note: str
    firm_id: str = ""
    placeholder: bool = False  # coordinates written as (0, 0)


def firm(ksic: str, employees: int | str, x: int, y: int, code: str, note: str) -> Firm:
    return Firm(ksic, employees, (x, y), code, note)


def cluster_firms() -> list[Firm]:
    rows = []
    for label, ksic, code, size, (ax, ay), what in CLUSTERS:
        for i in range(size):
            x, y = ax + (i % 10) * STEP, ay + (i // 10) * STEP
            rows.append(firm(ksic, 1 + i % 9, x, y, code, f"cluster {label}: {what}"))
    return rows


def distractors() -> list[Firm]:
    big = [  # same 읍면동 and industry, 10 or more employees: never counted
        firm("25924", 10, 300, 1000, "2101051", "distractor: A's industry, 10 employees"),
        firm("25924", 25, 360, 1000, "2101051", "distractor: A's industry, 25 employees"),
        firm("14112", 10, 6300, 1000, "2102051", "distractor: B's industry, 10 employees"),
        firm("18113", 12, 9300, 1000, "2102052", "distractor: C's industry, 12 employees"),
        firm("29294", 10, 20300, 1000, "3101051", "distractor: D's industry, 10 employees"),
        firm("29294", 12, 20360, 1000, "3101051", "distractor: D's industry, 12 employees"),
        firm("22231", 11, 23300, 1000, "3101052", "distractor: E's industry, 11 employees"),
        firm("25922", 10, 26300, 1000, "3101053", "distractor: F's industry, 10 employees"),
        firm("10743", 10, 20500, 6000, "3131011", "distractor: G's industry, 10 employees"),
        firm("10743", 30, 20560, 6000, "3131011", "distractor: G's industry, 30 employees"),
        firm("10711", 10, 25500, 6000, "3131031", "distractor: H's industry, 10 employees"),
        firm("10301", 15, 30500, 6000, "3131032", "distractor: I's industry, 15 employees"),
        firm("32029", 10, 500, 6000, "2131011", "distractor: J's industry, 10 employees"),
        firm("30320", 10, 23300, 3000, "3101052", "distractor: K's industry, 10 employees"),
    ]
    outside = [  # same industry, < 10 employees, 30 m outside the cluster's 읍면동
        firm("25924", 4, 1500, 4030, "2131011", "distractor: A's industry 30 m outside 2101051"),
        firm("29294", 4, 21500, 4030, "3131011", "distractor: D's industry 30 m outside 3101051"),
        firm("10743", 4, 21500, 3970, "3101051", "distractor: G's industry 30 m outside 3131011"),
    ]
    other = [  # same 읍면동, another industry
        firm(
            "25929", 3, 900, 300, "2101051", "distractor: same KSIC group as A (259), other class"
        ),
        firm("33110", 2, 900, 600, "2101051", "distractor: other industry in A's 읍면동"),
        firm("16292", 2, 20900, 600, "3101051", "distractor: other industry in D's 읍면동"),
        firm("33910", 2, 21100, 5000, "3131011", "distractor: other industry in G's 읍면동"),
    ]
    return big + outside + other


def dirty_firms(ids: dict[str, str]) -> list[Firm]:
    """Rows each showing one dirty-data reason (the reason opens the note)."""
    return [
        firm("C2592", 3, 1200, 300, "2101051", "malformed_ksic: 4 digits (left out)"),
        firm(
            "47190", 3, 1200, 360, "2101051", "malformed_ksic: retail, not manufacturing (left out)"
        ),
        firm("", 3, 6900, 300, "2102051", "malformed_ksic: no KSIC code (left out)"),
        firm("10711", -3, 26100, 4500, "3131031", "negative_employees: H's industry (left out)"),
        firm(
            "22231", "", 23900, 600, "3101052", "missing_employees: E's industry, blank (left out)"
        ),
        firm(
            "22231", "n/a", 23960, 600, "3101052", "missing_employees: E's industry, n/a (left out)"
        ),
        Firm(
            "10711",
            2,
            (25500, 4500),
            "3131031",
            "duplicate_id: repeats H's first firm id (left out)",
            ids["H"],
        ),
        Firm("33920", 2, None, "2102053", "missing_geometry: no lon/lat, counted by its code"),
        Firm("25924", 2, None, "", "missing_geometry: no lon/lat and no code (left out)"),
        Firm(
            "14112",
            2,
            None,
            "",
            "empty_geometry: (0, 0) placeholder, no code (left out)",
            placeholder=True,
        ),
        firm("33110", 2, 4000, 2000, "2611051000", "mixed_code_systems: a MOIS code (counted)"),
        firm(
            "33999", 2, 14000, 2000, "9912345", "unknown_code: no such 시도 99 (counted by point)"
        ),
        firm("25924", 2, 17500, 2000, "", "outside_areas: between the two 시도 (left out)"),
        firm("33910", 2, 11990, 2000, "2102052", "overlapping_areas: in the 20 m strip (counted)"),
    ]


def registry_rows() -> list[Firm]:
    """Every firm in file order, with its id; dirty spellings and coordinates marked."""
    rows = cluster_firms() + distractors()
    for number, row in enumerate(rows, start=1):
        row.firm_id = f"F{number:04d}"
    first_ids = {label: member(rows, label, 0).firm_id for label, *_ in CLUSTERS}
    dirty = dirty_firms(first_ids)
    fresh = [row for row in dirty if not row.firm_id]
    for number, row in enumerate(fresh, start=len(rows) + 1):
        row.firm_id = f"F{number:04d}"
    # Dirty spellings that must still count: KSIC variants in cluster C.
    for index, spelling in enumerate(["C18113", " 18113", "c18113"]):
        member(rows, "C", index).ksic = spelling
        member(rows, "C", index).note = f"cluster C: KSIC written {spelling!r} (counted)"
    member(rows, "D", 39).note = "cluster D: swapped_coordinates (repaired, counted)"
    degrees = member(rows, "F", 40)
    degrees.note = "cluster F: degrees_as_metres in firms_5179.csv (repaired, counted)"
    return rows + dirty


def member(rows: list[Firm], label: str, index: int) -> Firm:
    """The ``index``-th member of a cluster."""
    return [row for row in rows if row.note.startswith(f"cluster {label}:")][index]


def coordinates(row: Firm) -> tuple[list[str], list[str]]:
    """The row's lon/lat and x/y cells, as written (dirty on purpose where noted)."""
    if row.placeholder:
        return ["0", "0"], ["0", "0"]
    if row.at is None:
        return ["", ""], ["", ""]
    lon, lat = lonlat(*row.at)
    degrees = [f"{lon:.7f}", f"{lat:.7f}"]
    metres = [f"{X0 + row.at[0]:.2f}", f"{Y0 + row.at[1]:.2f}"]
    if "swapped_coordinates" in row.note:
        return degrees[::-1], metres[::-1]
    if "degrees_as_metres" in row.note:
        return degrees, degrees
    return degrees, metres


def write_registries(out: Path) -> None:
    lonlat_rows = [["firm_id", "ksic", "employees", "lon", "lat", "dong_code", "note"]]
    xy_rows = [["firm_id", "ksic", "employees", "x", "y", "dong_code", "note"]]
    for row in registry_rows():
        degrees, metres = coordinates(row)
        base = [row.firm_id, row.ksic, str(row.employees)]
        lonlat_rows.append([*base, *degrees, row.code, row.note])
        xy_rows.append([*base, *metres, row.code, row.note])
    for name, table in (("firms.csv", lonlat_rows), ("firms_5179.csv", xy_rows)):
        with (out / name).open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(table)


def write_expected(out: Path) -> None:
    """Per (읍면동, industry) cluster: the count at KSIC level 5, fewer than 10 employees."""
    header = ["unit", "sigungu", "industry", "count", "area_type", "threshold", "meets", "label"]
    lines = [header]
    for label, ksic, code, size, _, _ in CLUSTERS:
        area_type = AREA_TYPE[code[:5]]
        threshold = THRESHOLD[area_type]
        meets = "yes" if size >= threshold else "no"
        lines.append([code, code[:5], ksic, str(size), area_type, str(threshold), meets, label])
    with (out / "expected_clusters.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(lines)


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "areas.geojson").write_text(areas_geojson(), encoding="utf-8")
    write_registries(out)
    write_expected(out)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent / "geo_dirty")
