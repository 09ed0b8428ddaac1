"""Write sample_data/geo/: where the sample applicants' clusters are, on a map of real places.

Deterministic (no randomness). Each sample applicant with a location has one site: a real
읍면동 of its own 시군구 (KOSTAT 2018 code and name), a KSIC class that fits the
industry it gives, and a cluster of exactly the size it declares, so computing the
cluster from the registry gives the same count and area type as the application.

The shapes are not the real boundaries (those stay outside the repository): each
읍면동 is an 800 m square centred on a point inside the real one, in EPSG:5179. The
firms are invented; beside each cluster sit firms that must not count (10 or more
employees, other industries). See README.md in the output folder; the data-quality
cases (dirty rows, overlaps, an invalid polygon) are in ../geo_dirty/.

Files written:
  areas.geojson          one 읍면동 square per site, EPSG:5179
  firms.csv              firm registry: firm_id, ksic, employees, lon, lat, dong_code, note
  expected_clusters.csv  each site's count, area type, threshold and applicant

Run from anywhere:  python sample_data/make_sample_geo.py [OUT_DIR]
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import NamedTuple

from pyproj import Transformer


class Site(NamedTuple):
    """One applicant's cluster: where (읍면동 and a point inside it) and what."""

    applicant: str
    code: str  # KOSTAT 2018 읍면동
    name: str
    sigungu: str
    ksic: str
    count: int  # firms with fewer than 10 employees, as the applicant declares
    x: int  # EPSG:5179 metres, a point inside the real 읍면동
    y: int


SIDO = {
    "11": "서울특별시",
    "21": "부산광역시",
    "22": "대구광역시",
    "23": "인천광역시",
    "24": "광주광역시",
    "25": "대전광역시",
    "26": "울산광역시",
    "29": "세종특별자치시",
    "31": "경기도",
    "32": "강원특별자치도",
    "33": "충청북도",
    "34": "충청남도",
    "35": "전북특별자치도",
    "36": "전라남도",
    "37": "경상북도",
    "38": "경상남도",
    "39": "제주특별자치도",
}
"""시도 names by KOSTAT code, as the applicants write them (today's names)."""

SITES: list[Site] = [
    Site("A01", "1101067", "창신1동", "종로구", "14112", 50, 957080, 1952880),
    Site("A02", "2115065", "감전동", "사상구", "15219", 49, 1134000, 1684430),
    Site("A03", "2203059", "비산7동", "서구", "13402", 51, 1094820, 1766220),
    Site("A04", "3101356", "인계동", "수원시 팔달구", "26299", 40, 958090, 1918920),
    Site("A05", "3102257", "상대원1동", "성남시 중원구", "25929", 39, 971780, 1938020),
    Site("A06", "3304356", "봉명2·송정동", "청주시 흥덕구", "29199", 41, 995510, 1850060),
    Site("A07", "3138011", "양평읍", "양평군", "10743", 20, 1001540, 1943660),
    Site("A08", "3231011", "홍천읍", "홍천군", "16299", 19, 1030970, 1963600),
    Site("A09", "3631011", "담양읍", "담양군", "16299", 21, 952790, 1702890),
    Site("A10", "3115065", "정왕1동", "시흥시", "25924", 60, 932210, 1926090),
    Site("A11", "3811257", "웅남동", "창원시 성산구", "29199", 60, 1103450, 1688280),
    Site("A12", "2305074", "논현고잔동", "남동구", "29223", 60, 929460, 1933200),
    Site("A13", "3807051", "동상동", "김해시", "15211", 60, 1126240, 1695150),
    Site("A14", "2405063", "하남동", "광산구", "25929", 60, 936050, 1688880),
    Site("A15", "2504063", "관평동", "유성구", "25924", 60, 990890, 1825020),
    Site("A16", "2631011", "온산읍", "울주군", "25912", 30, 1165970, 1716780),
    Site("A17", "2901011", "조치원읍", "세종시", "32029", 60, 980810, 1845380),
    Site("A18", "3110351", "식사동", "고양시 일산동구", "18113", 60, 939570, 1964410),
    Site("A19", "3119111", "포곡읍", "용인시 처인구", "29199", 60, 974390, 1921620),
    Site("A20", "3401251", "성정1동", "천안시 서북구", "14199", 60, 968210, 1867910),
    Site("A21", "3701157", "제철동", "포항시 남구", "24199", 60, 1169720, 1779990),
    Site("A24", "3201011", "신북읍", "춘천시", "10799", 60, 1020370, 1996390),
    Site("A25", "3202062", "태장1동", "원주시", "27199", 60, 1040780, 1929650),
    Site("A26", "3203011", "주문진읍", "강릉시", "10212", 60, 1110060, 1988240),
    Site("A27", "3601074", "삼향동", "목포시", "25114", 60, 900630, 1649130),
    Site("A28", "3602011", "돌산읍", "여수시", "10219", 60, 1024790, 1629460),
    Site("A29", "3603051", "향동", "순천시", "13213", 60, 994040, 1664310),
    Site("A30", "3502011", "옥구읍", "군산시", "25913", 60, 926910, 1768750),
    Site("A33", "3803065", "상평동", "진주시", "13219", 60, 1055860, 1686430),
    Site("A34", "3901011", "한림읍", "제주시", "10309", 60, 885640, 1488800),
    Site("A35", "3332011", "보은읍", "보은군", "10309", 25, 1019230, 1832600),
    Site("A36", "2308062", "가좌1동", "서구", "25924", 55, 925900, 1943960),
    Site("A37", "3703062", "율곡동", "김천시", "29223", 45, 1061700, 1792100),
    Site("A38", "3333011", "옥천읍", "옥천군", "32029", 15, 1006980, 1811950),
    Site("A39", "2207061", "신당동", "달서구", "13213", 35, 1089000, 1761880),
    Site("A40", "3840011", "합천읍", "합천군", "23221", 60, 1056660, 1734850),
]
"""The sites, one per applicant with a location (A22, A23, A31, A32 have none).

Why these places: 창신동's sewing, 사상's shoes, 비산동's dyeing, the 시화 (정왕동), 남동
(논현고잔동), 하남, 창원 (웅남동) and 성서 (신당동) industrial estates, 양평's 장류, 담양's
bamboo, 김해's shoes, 온산's metal work (울주군, a 군 of a metropolitan city), 포항's steel
(제철동), 원주's medical devices (태장동), 주문진's and 돌산's fish, 진주's silk (상평동),
합천's pottery. Where the industry an applicant gives is a C30/C31 one (군산 자동차부품,
목포 조선기자재), the site's class is the metal work such suppliers do in C25 (25913
자동차용 금속 압형제품, 25114 수상 금속 골조 구조재), so the cluster counts as 도시형소공인.
"""

SIDE = 800
"""The side of an area's square, metres."""
STEP = 40
"""Metres between cluster members, 10 to a row."""
OTHERS = ("33910", "18113", "10799", "25999")
"""Other industries: three of them sit beside every cluster (never its own class)."""

_TO_LONLAT = Transformer.from_crs("EPSG:5179", "EPSG:4326", always_xy=True)


def lonlat(x: float, y: float) -> tuple[float, float]:
    lon, lat = _TO_LONLAT.transform(x, y)
    return round(lon, 7), round(lat, 7)


def square(site: Site) -> list[list[int]]:
    half = SIDE // 2
    left, bottom, right, top = site.x - half, site.y - half, site.x + half, site.y + half
    return [[left, bottom], [right, bottom], [right, top], [left, top], [left, bottom]]


def areas_geojson() -> str:
    features = [
        {
            "type": "Feature",
            "properties": {
                "code": site.code,
                "name": site.name,
                "sigungu_name": site.sigungu,
                "sido_name": SIDO[site.code[:2]],
            },
            "geometry": {"type": "Polygon", "coordinates": [square(site)]},
        }
        for site in SITES
    ]
    lines = [json.dumps(feature, ensure_ascii=False) for feature in features]
    return (
        '{"type": "FeatureCollection", "name": "areas",\n'
        '"crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::5179"}},\n'
        '"features": [\n' + ",\n".join(lines) + "\n]}\n"
    )


def site_firms(site: Site) -> list[tuple[str, int, float, float, str]]:
    """A site's firms: (KSIC, employees, x, y, note), members first, then distractors."""
    left, bottom = site.x - 300, site.y - 300
    where = f"{site.name} ({site.applicant})"
    rows = [
        (
            site.ksic,
            1 + i % 9,
            left + (i % 10) * STEP,
            bottom + (i // 10) * STEP,
            f"cluster: {where}",
        )
        for i in range(site.count)
    ]
    top = bottom + 500
    rows += [
        (site.ksic, 12, left, top, f"not counted: 12 employees, {where}"),
        (site.ksic, 35, left + STEP, top, f"not counted: 35 employees, {where}"),
    ]
    others = [ksic for ksic in OTHERS if ksic != site.ksic][:3]
    rows += [
        (ksic, 3, left + 500, bottom + n * STEP, f"not counted: another industry, {where}")
        for n, ksic in enumerate(others)
    ]
    return rows


def write_registry(out: Path) -> None:
    lines = [["firm_id", "ksic", "employees", "lon", "lat", "dong_code", "note"]]
    number = 0
    for site in SITES:
        for ksic, employees, x, y, note in site_firms(site):
            number += 1
            lon, lat = lonlat(x, y)
            at = [f"{lon:.7f}", f"{lat:.7f}"]
            lines.append([f"F{number:04d}", ksic, str(employees), *at, site.code, note])
    with (out / "firms.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(lines)


def area_type(code: str) -> str:
    """The default policy: 특별·광역시 and 세종 metro, except a 군 (code ≥ 310) county;
    in a 도, a 시 city and a 군 county."""
    county = int(code[2:5]) >= 310
    if county:
        return "county"
    return "metro" if int(code[:2]) < 30 else "city"


THRESHOLD = {"metro": 50, "city": 40, "county": 20}


def write_expected(out: Path) -> None:
    """Each site's count at KSIC level 5 with fewer than 10 employees, by 읍면동."""
    header = ["unit", "sigungu", "industry", "count", "area_type", "threshold", "meets"]
    lines = [[*header, "applicant"]]
    for site in SITES:
        kind = area_type(site.code)
        meets = "yes" if site.count >= THRESHOLD[kind] else "no"
        row = [site.code, site.code[:5], site.ksic, str(site.count), kind]
        lines.append([*row, str(THRESHOLD[kind]), meets, site.applicant])
    with (out / "expected_clusters.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(lines)


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "areas.geojson").write_text(areas_geojson(), encoding="utf-8")
    write_registry(out)
    write_expected(out)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent / "geo")
