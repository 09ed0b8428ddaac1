"""KSIC-10 manufacturing codes: normalising them, keys at the 2/3/5-digit level, 도시형소공인.

Firm registries spell the same class many ways ("C25111", "25111", " 25111", 25111,
"c25111"); clusters are counted per industry, so every spelling must become one key, and
anything that is not a KSIC-10 manufacturing class (section C, divisions 10–34, one of
the 477 5-digit classes shipped in ``data/ksic10_manufacturing.csv``) must be flagged
rather than counted. The flagship program counts "same-industry" firms at a level the
profile chooses (division, group or class), and may be limited to the urban
micro-manufacturer (도시형소공인) industries: every manufacturing division except C12
tobacco, C19 coke and refined petroleum, C21 pharmaceuticals, C30 motor vehicles and C31
other transport equipment.

>>> codes, malformed = normalize_ksic(["C25111", " 25111", 25111, "c10111", "45110", None])
>>> codes.tolist(), malformed.tolist()
(['25111', '25111', '25111', '10111', None, None], [False, False, False, False, True, False])
>>> industry_key(codes, 2).tolist()
['25', '25', '25', '10', None, None]
"""

from __future__ import annotations

import csv
import functools
import io
import math
from collections.abc import Mapping
from importlib import resources
from typing import Any, Final

import numpy as np
import pandas as pd

from selectlib.geo.errors import GeoError

__all__ = [
    "DIVISIONS",
    "LEVELS",
    "URBAN_MICRO_EXCLUDED",
    "industry_key",
    "industry_name",
    "ksic_name",
    "manufacturing_classes",
    "normalize_ksic",
    "urban_micro_eligible",
]

LEVELS = (2, 3, 5)
"""Digits of an industry key: division (중분류), group (소분류) or class (세세분류)."""

URBAN_MICRO_EXCLUDED = frozenset({"12", "19", "21", "30", "31"})
"""Manufacturing divisions that are not 도시형소공인 industries."""

_MANUFACTURING_DIVISIONS = frozenset(f"{division}" for division in range(10, 35))
_URBAN_DIVISIONS = np.array(sorted(_MANUFACTURING_DIVISIONS - URBAN_MICRO_EXCLUDED))


@functools.cache
def _classes() -> Mapping[str, str]:
    """The shipped KSIC-10 manufacturing classes: 5-digit code → Korean name."""
    data = resources.files("selectlib.geo") / "data" / "ksic10_manufacturing.csv"
    rows = csv.DictReader(io.StringIO(data.read_text(encoding="utf-8")))
    return {row["ksic10"]: row["name_ko"] for row in rows}


DIVISIONS: Final = {
    "10": "식료품 제조업",
    "11": "음료 제조업",
    "12": "담배 제조업",
    "13": "섬유제품 제조업; 의복 제외",
    "14": "의복, 의복 액세서리 및 모피제품 제조업",
    "15": "가죽, 가방 및 신발 제조업",
    "16": "목재 및 나무제품 제조업; 가구 제외",
    "17": "펄프, 종이 및 종이제품 제조업",
    "18": "인쇄 및 기록매체 복제업",
    "19": "코크스, 연탄 및 석유정제품 제조업",
    "20": "화학 물질 및 화학제품 제조업; 의약품 제외",
    "21": "의료용 물질 및 의약품 제조업",
    "22": "고무 및 플라스틱제품 제조업",
    "23": "비금속 광물제품 제조업",
    "24": "1차 금속 제조업",
    "25": "금속 가공제품 제조업; 기계 및 가구 제외",
    "26": "전자 부품, 컴퓨터, 영상, 음향 및 통신장비 제조업",
    "27": "의료, 정밀, 광학 기기 및 시계 제조업",
    "28": "전기장비 제조업",
    "29": "기타 기계 및 장비 제조업",
    "30": "자동차 및 트레일러 제조업",
    "31": "기타 운송장비 제조업",
    "32": "가구 제조업",
    "33": "기타 제품 제조업",
    "34": "산업용 기계 및 장비 수리업",
}
"""The KSIC-10 manufacturing divisions (중분류), by 2-digit code."""


def industry_name(key: str) -> str:
    """The Korean name of an industry key (:func:`industry_key`): a class (5 digits) or a
    division (2 digits) by its own name, a group (3 digits) by its division's code and name
    (the group names are not shipped); '' if unknown."""
    if len(key) == 5:
        return _classes().get(key, "")
    division = DIVISIONS.get(key[:2], "")
    return f"{key[:2]} {division}" if len(key) == 3 and division else division


def manufacturing_classes() -> tuple[str, ...]:
    """Every KSIC-10 manufacturing class (477 five-digit codes, sorted)."""
    return tuple(sorted(_classes()))


def _normalize_one(value: object) -> tuple[str | None, bool]:
    """One value as ``(5-digit code or None, malformed)``; blank and missing are not malformed."""
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None, False
        if text[0] in "Cc":
            text = text[1:]
    elif isinstance(value, bool | np.bool_):
        return None, True
    elif isinstance(value, int | np.integer):
        text = str(int(value))
    elif isinstance(value, float | np.floating):
        if math.isnan(value):
            return None, False
        if not float(value).is_integer():
            return None, True
        text = str(int(value))
    elif value is None or value is pd.NA or value is pd.NaT:
        return None, False
    else:
        return None, True
    if text in _classes():  # exactly the 477 five-digit classes of divisions 10–34
        return text, False
    return None, True


def normalize_ksic(values: Any) -> tuple[Any, Any]:
    """KSIC codes as 5-digit strings, and which values were not KSIC-10 manufacturing classes.

    Accepts a sequence, Series or array (or one scalar, giving scalars back). Spellings
    accepted: an optional section letter ``C``/``c``, surrounding blanks, an integer or an
    integral float (a numeric column with gaps). Missing or blank values give ``None``
    and are *not* malformed (the caller decides what a missing industry means);
    everything else that is not one of the 477 KSIC-10 manufacturing classes gives
    ``None`` and ``malformed=True``: other sections or divisions ("A01110", "45110"),
    4 or 6 digits, letters inside, or a 5-digit code absent from KSIC-10.

    The work is done once per distinct value, so a 500,000-row registry with a few
    hundred distinct codes costs a factorization, not 500,000 parses.
    """
    if np.ndim(values) == 0:
        return _normalize_one(values)
    array = np.asarray(values, dtype=object)
    found, uniques = pd.factorize(array.ravel(), use_na_sentinel=True)
    positions = found.reshape(array.shape)
    codes = np.empty(len(uniques) + 1, dtype=object)  # the last slot is for missing values
    malformed = np.zeros(len(uniques) + 1, dtype=bool)
    for i, value in enumerate(uniques):
        codes[i], malformed[i] = _normalize_one(value)
    return codes[positions], malformed[positions]


def _check_level(level: int) -> int:
    if isinstance(level, bool) or not isinstance(level, int | np.integer) or level not in LEVELS:
        raise GeoError(f"KSIC level must be 2 (division), 3 (group) or 5 (class); got {level!r}")
    return int(level)


def industry_key(ksic5: Any, level: int) -> Any:
    """The first 2, 3 or 5 digits of each normalized KSIC code (``None`` stays ``None``).

    Clusters of the "same industry" are counted at the level a profile chooses; the key
    of a coarser level is always a prefix of the finer one, so counts nest.

    Raises :class:`~selectlib.geo.errors.GeoError` for a level other than 2, 3 or 5.
    """
    digits = _check_level(level)
    codes = np.asarray(ksic5, dtype=object)
    present = ~pd.isna(codes)
    keys = np.full(codes.shape, None, dtype=object)
    keys[present] = codes[present].astype(f"<U{digits}").astype(object)
    return keys if keys.ndim else keys[()]


def urban_micro_eligible(ksic: Any) -> Any:
    """True where a normalized code (or its 2/3-digit key) is a 도시형소공인 industry.

    That is: a manufacturing division 10–34 other than those in
    :data:`URBAN_MICRO_EXCLUDED`. Missing codes are not eligible.
    """
    codes = np.asarray(ksic, dtype=object)
    present = ~pd.isna(codes)
    eligible = np.zeros(codes.shape, dtype=bool)
    eligible[present] = np.isin(codes[present].astype("<U2"), _URBAN_DIVISIONS)
    return eligible if eligible.ndim else bool(eligible[()])


def ksic_name(code: object) -> str | None:
    """The Korean name of a KSIC-10 manufacturing class, in any accepted spelling, or None.

    >>> ksic_name("C10111")
    '육류 도축업(가금류 제외)'
    """
    normalized, _ = _normalize_one(code)
    return None if normalized is None else _classes()[normalized]
