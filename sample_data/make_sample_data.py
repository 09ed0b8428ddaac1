"""Write sample_data/applicants.csv: synthetic applicants for the flagship profile.

Deterministic (no randomness): every row is written out below. Each row starts from
one eligible applicant and changes one thing, so that together the rows cover every
way to pass and to fail micro_manufacturer_center_2024 -- each threshold exactly at,
one below and one above, each operator type, each missing and each invalid input,
and Korean labels and aliases. The `note` column says which case a row is.

Each applicant sits in a real 시군구 (`sigungu`, `sigungu_code`: KOSTAT 2018 codes) of its
`region`, and its declared area type is the one the library gives that 시군구
(selectlib.geo.codes.area_types); tests/test_samples.py checks every row.

The evaluation columns (region, industry, receipt order, bonus and penalty points) feed
the three-stage evaluation demo in sample_data/evaluation/; the profile's eligibility
ignores them.

Run from anywhere:  python sample_data/make_sample_data.py
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import json
from pathlib import Path

ALL_MANDATORY = "survey;workforce;shared_facilities;funding_support;roadmap"
THREE_AUTONOMOUS = "network;promotion;consulting"

BASE = {
    "area_type": "metro",
    "cluster_count": "60",
    "operator_type": "nonprofit_corporation",
    "has_dedicated_space": "yes",
    "has_equipment": "yes",
    "staff": "3",
    "mandatory_programs": ALL_MANDATORY,
    "offers_education": "yes",
    "micro_manufacturer_related": "yes",
    "autonomous_programs": THREE_AUTONOMOUS,
}

CITY = {"area_type": "city"}
"""The change that puts a row in a city (시) rather than a metropolitan city."""

# (applicant_name, changes to BASE, note); ids are A01, A02, ... in this order.
CASES: list[tuple[str, dict[str, str], str]] = [
    ("서울소공인지원재단", {"cluster_count": "50"}, "eligible: metro cluster exactly at 50"),
    ("부산산업진흥재단", {"cluster_count": "49"}, "ineligible: metro cluster 49, one below 50"),
    (
        "대구소공인협회",
        {"cluster_count": "51", "has_dedicated_space": "true", "has_equipment": "true"},
        "eligible: metro cluster 51, one above 50; yes/no written as true",
    ),
    (
        "수원산업진흥원",
        {"area_type": "city", "cluster_count": "40", "offers_education": "1"},
        "eligible: city cluster exactly at 40; yes/no written as 1",
    ),
    (
        "성남소공인지원센터협회",
        {"area_type": "city", "cluster_count": "39"},
        "ineligible: city cluster 39, one below 40",
    ),
    (
        "청주제조혁신재단",
        {"area_type": " City ", "cluster_count": "41", "has_equipment": "O"},
        "eligible: city cluster 41, one above 40; area type ' City ' (case and spaces); yes as O",
    ),
    (
        "양평소공인협동조합",
        {"area_type": "county", "cluster_count": "20"},
        "eligible: county cluster exactly at 20",
    ),
    (
        "홍천지역산업재단",
        {"area_type": "county", "cluster_count": "19"},
        "ineligible: county cluster 19, one below 20",
    ),
    (
        "담양전통공예진흥회",
        {"area_type": "county", "cluster_count": "21"},
        "eligible: county cluster 21, one above 20",
    ),
    (
        "경기공과대학교 산학협력단",
        {"area_type": "city", "operator_type": "university"},
        "eligible: operator is a university",
    ),
    (
        "창원시 산업진흥원",
        {"area_type": "city", "operator_type": "local_government_body"},
        "eligible: operator is a body under a local government",
    ),
    (
        "인천정밀(주)",
        {"operator_type": "for_profit", "micro_manufacturer_related": "no"},
        "ineligible: a for-profit company, not related to micro-manufacturers",
    ),
    (
        "김해수제화공방",
        {"area_type": "city", "operator_type": "individual", "submitted_at": "2024-05-10 18:03"},
        "ineligible: operator is an individual; also filed 3 minutes after the 18:00 close",
    ),
    ("광주소공인지원재단", {"has_dedicated_space": "no"}, "ineligible: no dedicated space"),
    ("대전메이커협회", {"has_equipment": "X"}, "ineligible: no dedicated equipment (written as X)"),
    (
        "울산금속가공협회",
        {"area_type": "county", "cluster_count": "30", "staff": "2"},
        "ineligible: staff 2, one below 3; in 울주군, a 군 of a metropolitan city (county by "
        "default, metro under metro_county_policy=metro: 30 < 50)",
    ),
    ("세종소공인지원재단", {"staff": "4"}, "eligible: staff 4, one above 3 (staff 3 is A01)"),
    (
        "고양인쇄산업협회",
        {
            "area_type": "city",
            "mandatory_programs": "survey;workforce;shared_facilities;funding_support",
        },
        "ineligible: mandatory program roadmap missing from the list",
    ),
    (
        "용인기계부품협회",
        {"area_type": "city", "offers_education": "false"},
        "ineligible: no education program (written as false)",
    ),
    (
        "천안봉제산업협회",
        {"area_type": "city", "autonomous_programs": "network;promotion"},
        "ineligible: 2 autonomous programs, one below 3",
    ),
    (
        "포항철강소공인회",
        {"area_type": "city", "autonomous_programs": "network, tech_exchange, marketing, regional"},
        "eligible: 4 autonomous programs, comma-separated",
    ),
    (
        "경주공예협동조합",
        {"area_type": "", "submitted_at": ""},
        "incomplete: area type missing; no filing time (a self-assessment: window not checked)",
    ),
    ("안동한지진흥회", CITY | {"cluster_count": ""}, "incomplete: cluster count missing"),
    ("춘천소공인지원재단", CITY | {"operator_type": ""}, "incomplete: operator type missing"),
    (
        "원주의료기기협회",
        CITY | {"has_dedicated_space": "", "has_equipment": "", "micro_manufacturer_related": ""},
        "incomplete: dedicated space, equipment and relation to micro-manufacturers missing",
    ),
    ("강릉수산가공협회", CITY | {"staff": ""}, "incomplete: staff missing"),
    (
        "목포조선기자재협회",
        CITY | {"mandatory_programs": ""},
        "incomplete: mandatory programs missing",
    ),
    (
        "여수소공인지원재단",
        CITY | {"offers_education": ""},
        "incomplete: education program missing",
    ),
    (
        "순천섬유산업협회",
        CITY | {"autonomous_programs": ""},
        "incomplete: autonomous programs missing",
    ),
    ("군산자동차부품협회", CITY | {"staff": "three"}, "invalid: staff is not a number ('three')"),
    ("익산보석가공협회", {"area_type": "village"}, "invalid: unknown area type 'village'"),
    ("구미전자부품협회", CITY | {"cluster_count": "-5"}, "invalid: negative cluster count -5"),
    (
        "진주실크산업협회",
        CITY | {"has_equipment": "maybe", "has_dedicated_space": "no"},
        "invalid: equipment 'maybe' is not yes/no (invalid outweighs the failed space)",
    ),
    (
        "제주소공인지원재단",
        CITY | {"mandatory_programs": "survey;workforce;shared_facilities;funding_support;lunch"},
        "invalid: unknown mandatory program 'lunch'",
    ),
    (
        "보은대추가공협동조합",
        {
            "area_type": "군",
            "cluster_count": "25",
            "operator_type": "대학",
            "has_dedicated_space": "예",
            "has_equipment": "예",
            "offers_education": "예",
        },
        "eligible: Korean labels (area 군, operator 대학, yes as 예)",
    ),
    (
        "인천광역시 소공인협회",
        {
            "area_type": "광역시",
            "cluster_count": "55",
            "operator_type": "비영리법인",
            "has_equipment": "아니오",
        },
        "ineligible: Korean labels (area alias 광역시, 비영리법인); no equipment as 아니오",
    ),
    (
        "김천정밀가공(주)",
        {"area_type": "시", "cluster_count": "45", "operator_type": "영리법인"},
        "ineligible: Korean labels (area 시, operator 영리법인 = for-profit)",
    ),
    (
        "옥천목공예협회",
        {"area_type": "county", "cluster_count": "15", "staff": "2"},
        "ineligible: county cluster 15 and staff 2; eligible under reform 30/20/10 and staff 2",
    ),
    (
        "대구섬유소공인재단",
        {"cluster_count": "35"},
        "ineligible: metro cluster 35; eligible under reform 30/20/10",
    ),
    (
        "합천도자기(주)",
        {"area_type": "county", "operator_type": "for_profit", "staff": ""},
        "ineligible: for-profit with staff missing (a failure outweighs a missing value)",
    ),
]

# Where each applicant is, in id order: (시·도, 시군구, its KOSTAT code, the cluster's
# industry). Real 시군구 with their KOSTAT 2018 codes (selectlib.geo reads them), each the
# place the institution's name says, with a cluster of the kind found there (창신동 봉제,
# 사상구 신발, 비산동 섬유, 시화 금속가공, 담양 죽공예 ...). The declared area type follows
# the 시군구: a 구 of a 특별·광역시 is metro, a 시 (or a 구 of a 시) in a province is city, a 군
# is county, 세종 is metro (the library's default policy). A10's university foundation and
# A04 and A07 are three strong 경기도 finalists, so the "at most 2 per 시·도" rule displaces one.
PLACES: list[tuple[str, str, str, str]] = [
    ("서울특별시", "종로구", "11010", "봉제 (창신동)"),  # A01
    ("부산광역시", "사상구", "21150", "신발 (사상공단)"),
    ("대구광역시", "서구", "22030", "섬유 염색 (비산동)"),
    ("경기도", "수원시 팔달구", "31013", "전자부품"),
    ("경기도", "성남시 중원구", "31022", "금속가공"),  # A05
    ("충청북도", "청주시 흥덕구", "33043", "기계부품"),
    ("경기도", "양평군", "31380", "식료품 가공"),
    ("강원특별자치도", "홍천군", "32310", "목재가공"),
    ("전라남도", "담양군", "36310", "죽공예 (대나무)"),
    ("경기도", "시흥시", "31150", "금속가공 (시화산단)"),  # A10
    ("경상남도", "창원시 성산구", "38112", "기계부품"),
    ("인천광역시", "남동구", "23050", "정밀기계 (남동산단)"),
    ("경상남도", "김해시", "38070", "수제화"),
    ("광주광역시", "광산구", "24050", "금속가공"),
    ("대전광역시", "유성구", "25040", "시제품 제작"),  # A15
    ("울산광역시", "울주군", "26310", "금속가공 (온산)"),
    ("세종특별자치시", "세종시", "29010", "가구"),
    ("경기도", "고양시 일산동구", "31103", "출판·인쇄"),
    ("경기도", "용인시 처인구", "31191", "기계부품"),
    ("충청남도", "천안시 서북구", "34012", "의류·봉제"),  # A20
    ("경상북도", "포항시 남구", "37011", "철강 가공"),
    ("경상북도", "경주시", "37020", "공예"),
    ("경상북도", "안동시", "37040", "한지 (풍산)"),
    ("강원특별자치도", "춘천시", "32010", "식료품 가공"),
    ("강원특별자치도", "원주시", "32020", "의료기기"),  # A25
    ("강원특별자치도", "강릉시", "32030", "수산물 가공"),
    ("전라남도", "목포시", "36010", "조선기자재"),
    ("전라남도", "여수시", "36020", "수산물 가공"),
    ("전라남도", "순천시", "36030", "섬유"),
    ("전북특별자치도", "군산시", "35020", "자동차부품"),  # A30
    ("전북특별자치도", "익산시", "35030", "귀금속·보석"),
    ("경상북도", "구미시", "37050", "전자부품"),
    ("경상남도", "진주시", "38030", "실크 직물"),
    ("제주특별자치도", "제주시", "39010", "식료품 가공"),
    ("충청북도", "보은군", "33320", "대추 가공"),  # A35
    ("인천광역시", "서구", "23080", "금속가공"),
    ("경상북도", "김천시", "37030", "정밀기계"),
    ("충청북도", "옥천군", "33330", "가구"),
    ("대구광역시", "달서구", "22070", "섬유 (성서산단)"),
    ("경상남도", "합천군", "38400", "도자기"),  # A40
]

# 가점 and 감점 (empty = none). A17's bonus of 5 is above the cap of 3 and lifts it over the
# document pass mark; A38's goes to an ineligible applicant and is never used.
BONUS = {"A17": "5", "A35": "2", "A07": "1", "A38": "3"}
PENALTY = {"A03": "2", "A01": "1"}

EVALUATION = ["region", "industry", "received_no", "bonus_points", "penalty_points"]


def _sites() -> dict[str, tuple[str, str]]:
    """Each applicant's site on the map of sample_data/geo: (읍면동 code, KSIC class).

    The sites are listed in make_sample_geo.py beside this file: a real 읍면동 of the
    applicant's own 시군구 with a cluster of the size it declares, so eligibility
    computed from the firm registry (`--firms`) agrees with the declared counts. Rows
    whose area type or count is missing or invalid have no location: from the registry
    they are undecided (incomplete).
    """
    path = Path(__file__).resolve().with_name("make_sample_geo.py")
    spec = importlib.util.spec_from_file_location("make_sample_geo", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {site.applicant: (site.code, site.ksic) for site in module.SITES}


SITES = _sites()
GEO = ["location_code", "industry_code"]
PLACE = ["sigungu_code", "sigungu"]
COLUMNS = [
    "applicant_id",
    "applicant_name",
    *BASE,
    "submitted_at",
    *GEO,
    *PLACE,
    *EVALUATION,
    "note",
]


def received_no(number: int) -> int:
    """Receipt order of applicant ``number``: 13·n mod 41, a fixed shuffle of 1..40."""
    return 13 * number % 41


def filed_at(receipt: int) -> str:
    """When the applicant with receipt number ``receipt`` filed: every 6 hours from
    2024-04-16 09:00 KST, well inside the window (2024-04-15 .. 2024-05-10 18:00)."""
    when = dt.datetime(2024, 4, 16, 9, 0) + dt.timedelta(hours=6 * (receipt - 1))
    return f"{when:%Y-%m-%d %H:%M}"


def rows() -> list[dict[str, str]]:
    """The sample applicants, in order."""
    result = []
    for number, ((name, changes, note), (region, sigungu, code, industry)) in enumerate(
        zip(CASES, PLACES, strict=True), start=1
    ):
        applicant = f"A{number:02d}"
        evaluation = {
            "region": region,
            "industry": industry,
            "received_no": str(received_no(number)),
            "bonus_points": BONUS.get(applicant, ""),
            "penalty_points": PENALTY.get(applicant, ""),
        }
        location, industry_code = SITES.get(applicant, ("", ""))
        filed = {"submitted_at": filed_at(received_no(number))}
        result.append(
            {"applicant_id": applicant, "applicant_name": name, **BASE, **filed, **changes}
            | {"location_code": location, "industry_code": industry_code}
            | {"sigungu_code": code, "sigungu": sigungu}
            | evaluation
            | {"note": note}
        )
    return result


APPLICANT: dict[str, object] = {
    "applicant_id": "J-001",
    "area_type": "county",
    "cluster_count": 24,
    "operator_type": "university",
    "has_dedicated_space": True,
    "has_equipment": True,
    "staff": 3,
    "mandatory_programs": ALL_MANDATORY.split(";"),
    "offers_education": True,
    "micro_manufacturer_related": True,
    "autonomous_programs": THREE_AUTONOMOUS.split(";"),
    "submitted_at": "2024-05-08 14:30",
}
"""One applicant as a web form sends it (JSON), for `selectlib decide` and `replay`."""


def main() -> None:
    """Write applicants.csv and applicant.json next to this script."""
    folder = Path(__file__).resolve().parent
    target = folder / "applicants.csv"
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows())
    print(f"wrote {len(CASES)} applicants to {target}")
    one = folder / "applicant.json"
    one.write_text(json.dumps(APPLICANT, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote one applicant to {one}")


if __name__ == "__main__":
    main()
