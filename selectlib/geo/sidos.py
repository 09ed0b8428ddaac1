"""The 17 시도, the two code systems that number them, and the dated MOIS renumberings,
as data (:mod:`.codes` reads codes with them)."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Literal

import attrs

__all__ = [
    "AMBIGUOUS",
    "CODE_CHANGES",
    "SIDOS",
    "UNKNOWN",
    "CodeChange",
    "CodeSystem",
    "Sido",
    "SidoKind",
]


class CodeSystem(enum.StrEnum):
    """Which numbering an administrative code follows."""

    KOSTAT = "kostat"  # 한국행정구역분류 (Statistics Korea): census data, SGIS boundaries
    MOIS = "mois"  # 행정기관코드 (Ministry of the Interior and Safety): government systems


AMBIGUOUS = "ambiguous"
"""A code valid in both systems (e.g. 31110: 과천시 in KOSTAT, 울산 중구 in MOIS)."""
UNKNOWN = "unknown"
"""A code valid in neither system."""

SidoKind = Literal["metropolitan", "sejong", "province", "jeju"]


@attrs.frozen
class Sido:
    """A 시도 and its codes: ``kostat``, and ``mois`` (the current MOIS code)."""

    name: str
    name_en: str
    kind: SidoKind  # metropolitan: 특별시 or 광역시, whose 구 are "metro"
    kostat: str
    mois: str


SIDOS: tuple[Sido, ...] = (
    Sido("서울특별시", "Seoul", "metropolitan", "11", "11"),
    Sido("부산광역시", "Busan", "metropolitan", "21", "26"),
    Sido("대구광역시", "Daegu", "metropolitan", "22", "27"),
    Sido("인천광역시", "Incheon", "metropolitan", "23", "28"),
    Sido("광주광역시", "Gwangju", "metropolitan", "24", "29"),
    Sido("대전광역시", "Daejeon", "metropolitan", "25", "30"),
    Sido("울산광역시", "Ulsan", "metropolitan", "26", "31"),
    Sido("세종특별자치시", "Sejong", "sejong", "29", "36"),
    Sido("경기도", "Gyeonggi", "province", "31", "41"),
    Sido("강원특별자치도", "Gangwon", "province", "32", "51"),
    Sido("충청북도", "Chungbuk", "province", "33", "43"),
    Sido("충청남도", "Chungnam", "province", "34", "44"),
    Sido("전북특별자치도", "Jeonbuk", "province", "35", "52"),
    Sido("전라남도", "Jeonnam", "province", "36", "46"),
    Sido("경상북도", "Gyeongbuk", "province", "37", "47"),
    Sido("경상남도", "Gyeongnam", "province", "38", "48"),
    Sido("제주특별자치도", "Jeju", "jeju", "39", "50"),
)
"""The 17 시도 (names as of 2024-01-18)."""


@attrs.frozen
class CodeChange:
    """From ``since`` on, MOIS codes starting with ``old`` start with ``new`` instead."""

    old: str
    new: str
    since: dt.date
    note: str


CODE_CHANGES: tuple[CodeChange, ...] = (
    CodeChange("42", "51", dt.date(2023, 6, 11), "강원도 became 강원특별자치도"),
    CodeChange("45", "52", dt.date(2024, 1, 18), "전라북도 became 전북특별자치도"),
    CodeChange("47720", "27720", dt.date(2023, 7, 1), "군위군 moved from 경상북도 to 대구광역시"),
)
"""Renumberings of MOIS codes, applied by :func:`current_code`."""
