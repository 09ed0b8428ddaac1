"""Korean administrative codes: the two code systems, their dated changes, and area types.

Two systems number the same areas differently. **KOSTAT** (한국행정구역분류; census data
and the SGIS boundaries): 시도 11, 21–26, 29, 31–39; 시군구 5 digits; 읍면동 7 digits.
**MOIS** (행정기관코드; government systems): 시도 11, 26–31, 36, 41–48, 50; 10 digits whose
first 5 are the 시군구. The same 5 digits can mean different places (31110 is 과천시 in
KOSTAT and 울산 중구 in MOIS), so a file's system must be known, or detected from the
codes that only one system can produce.

MOIS codes change on dates: 강원 42→51 on 2023-06-11, 전북 45→52 on 2024-01-18, and
군위군 47720→27720 on 2023-07-01 when it moved from 경북 to 대구. :func:`current_code`
gives the code an area had on a date, in either direction. KOSTAT codes are not renumbered
here: in the KOSTAT 2018 boundaries 군위군 is 37310 under 경북, and its later KOSTAT code
could not be verified, so 37310 keeps its code but counts as part of 대구 from 2023-07-01.

The flagship cluster threshold depends on the area type: ``"metro"`` (특별·광역시, 50
firms), ``"city"`` (시, 40) or ``"county"`` (군, 20). Two cases are policy, not fact, and
:class:`AreaTypePolicy` makes them explicit: the 군 inside metropolitan cities (부산
기장군, 대구 달성군·군위군, 인천 강화군·옹진군, 울산 울주군), and 세종.

>>> types, reasons = area_types(["21310", "31011", "37310"], "kostat", "2018-12-31")
>>> types.tolist()
['county', 'city', 'county']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

import attrs
import numpy as np
import pandas as pd

from selectlib.dates import day_of
from selectlib.geo.errors import GeoError
from selectlib.geo.sidos import AMBIGUOUS, CODE_CHANGES, SIDOS, UNKNOWN, CodeSystem, Sido

__all__ = [
    "AreaTypePolicy",
    "area_types",
    "code_systems",
    "current_code",
    "detect_system",
    "normalize_codes",
    "sido_crosswalk",
    "sido_info",
    "sido_of",
    "sigungu_of",
]


_KOSTAT_MOVES = {"37310": ("22", dt.date(2023, 7, 1))}
"""KOSTAT 시군구 that changed 시도 without a verified new code: code → (new 시도, since)."""

_BY_KOSTAT = {sido.kostat: sido for sido in SIDOS}
_BY_MOIS = {sido.mois: sido for sido in SIDOS}
_BY_MOIS |= {change.old: _BY_MOIS[change.new] for change in CODE_CHANGES if len(change.old) == 2}
_LENGTHS = {CodeSystem.KOSTAT: (2, 5, 7), CodeSystem.MOIS: (2, 5, 10)}


@attrs.frozen
class AreaTypePolicy:
    """How the two disputed cases map to thresholds.

    ``metro_county``: the 군 inside a metropolitan city take the ``"county"`` threshold
    (default) or the ``"metro"`` one. Default ``"county"`` because the program keys the
    threshold on the size class of the area itself (구역크기별), and a 군 is a rural
    county-sized area whichever 시도 it belongs to.

    ``sejong``: 세종특별자치시 counts as ``"metro"`` (default) or ``"city"``. Default
    ``"metro"`` because 세종 is a 시도-level self-governing city with no 시군구 below it, on
    a par with the 특별·광역시 rather than with the 시 inside a province.
    """

    metro_county: Literal["county", "metro"] = attrs.field(
        default="county", validator=attrs.validators.in_(("county", "metro"))
    )
    sejong: Literal["metro", "city"] = attrs.field(
        default="metro", validator=attrs.validators.in_(("metro", "city"))
    )


def _as_system(system: CodeSystem | str) -> CodeSystem:
    try:
        return CodeSystem(system)
    except ValueError:
        raise GeoError(f"code system must be 'kostat' or 'mois'; got {system!r}") from None


def _code_text(value: object) -> str | None:
    """One code as text: integers (and integral floats) as digits, blanks stripped."""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _text_or_none(value: object) -> str | None:
    """A scalar code's text, or None if it is missing (None, NaN, NA, NaT or blank)."""
    missing = value is None or value is pd.NA or value is pd.NaT
    if missing or (isinstance(value, float | np.floating) and np.isnan(value)):
        return None
    return _code_text(value)


def _map_codes(values: Any, fn: Callable[[str], tuple[Any, ...]], missing: tuple[Any, ...]) -> Any:
    """``fn`` of each code's text, once per distinct value: a tuple of arrays (or of scalars).

    Registries repeat a few thousand codes over hundreds of thousands of rows, so the
    work is a factorization plus one call per distinct code.
    """
    if np.ndim(values) == 0:
        text = _text_or_none(values)
        return missing if text is None else fn(text)
    array = np.asarray(values, dtype=object)
    positions, uniques = pd.factorize(array.ravel(), use_na_sentinel=True)
    columns = [np.empty(len(uniques) + 1, dtype=object) for _ in missing]
    for i, value in enumerate([*uniques, None]):  # the last slot is for missing values
        text = _code_text(value) if i < len(uniques) else None
        for column, item in zip(columns, missing if text is None else fn(text), strict=True):
            column[i] = item
    index = positions.reshape(array.shape)
    return tuple(column[index] for column in columns)


def _map_code(values: Any, fn: Callable[[str], object]) -> Any:
    """``fn`` of each code's text (None for missing codes), as an array or a scalar."""
    result = _map_codes(values, lambda text: (fn(text),), (None,))
    return result[0]


def normalize_codes(values: Any) -> Any:
    """Codes as digit text: 11010 → "11010", 11010.0 → "11010", " 11010 " → "11010".

    Missing and blank values give None; other text is kept (stripped) so that checks
    can report it as an unknown code.
    """
    return _map_code(values, lambda text: text)


def _sido_in(code: str, system: CodeSystem) -> Sido | None:
    return (_BY_KOSTAT if system is CodeSystem.KOSTAT else _BY_MOIS).get(code[:2])


def _is_county(code: str, system: CodeSystem) -> bool | None:
    """Whether a code's 시군구 is a 군 (None if it is no 시군구 of that system).

    KOSTAT numbers 시 and 구 010–299 and 군 310 up; MOIS numbers them 110–699 and 군
    700 up, except in 서울, which has no 군 (송파구 11710, 강동구 11740).
    """
    if not code.isascii() or not code.isdigit() or len(code) not in _LENGTHS[system]:
        return None
    sido = _sido_in(code, system)
    if sido is None or len(code) == 2:
        return None
    number = int(code[2:5])
    if system is CodeSystem.KOSTAT:
        return None if not 10 <= number <= 599 or 300 <= number < 310 else number >= 310
    if number < 110:
        return None
    return number >= 700 and sido.kostat != "11"


def _valid(code: str, system: CodeSystem) -> bool:
    if len(code) == 2:
        return code.isdigit() and _sido_in(code, system) is not None
    return _is_county(code, system) is not None


def _system_of(code: str) -> str:
    kostat, mois = _valid(code, CodeSystem.KOSTAT), _valid(code, CodeSystem.MOIS)
    if kostat and mois:
        return AMBIGUOUS
    return CodeSystem.KOSTAT.value if kostat else CodeSystem.MOIS.value if mois else UNKNOWN


def code_systems(codes: Any) -> Any:
    """Per code: ``"kostat"``, ``"mois"``, ``"ambiguous"``, ``"unknown"``, or None if missing.

    A code is valid in a system when its length is one the system uses (KOSTAT 2, 5, 7;
    MOIS 2, 5, 10), its 시도 exists there and its 시군구 number is in that system's
    ranges. Codes only one system can produce decide a file's system; ambiguous ones
    follow it; unknown ones are reported (UNKNOWN_CODE), as are codes of the other
    system (MIXED_CODE_SYSTEMS).
    """
    return _map_code(codes, _system_of)


def detect_system(codes: Any) -> CodeSystem | None:
    """The one system the codes decide, or None (none decides, or both systems occur).

    >>> detect_system(["11010", "21310", "31011"])
    <CodeSystem.KOSTAT: 'kostat'>
    >>> detect_system(["1111051500", "31110"]), detect_system(["41111", "21310"])
    (<CodeSystem.MOIS: 'mois'>, None)
    """
    found = set(np.asarray(code_systems(codes), dtype=object).ravel().tolist())
    decided = found & {CodeSystem.KOSTAT.value, CodeSystem.MOIS.value}
    return CodeSystem(decided.pop()) if len(decided) == 1 else None


def sido_of(code: Any, system: CodeSystem | str) -> Any:
    """The 2-digit 시도 of each code valid in ``system`` (None otherwise)."""
    known = _as_system(system)
    return _map_code(code, lambda text: text[:2] if _valid(text, known) else None)


def sigungu_of(code: Any, system: CodeSystem | str) -> Any:
    """The 5-digit 시군구 of each 시군구 or 읍면동 code valid in ``system`` (None otherwise)."""
    known = _as_system(system)
    return _map_code(code, lambda text: text[:5] if _is_county(text, known) is not None else None)


def _code_on(code: str, on: dt.date) -> str:
    """The MOIS code the area of ``code`` had on ``on`` (changes applied either way)."""
    for change in CODE_CHANGES:
        if on >= change.since and code.startswith(change.old):
            return change.new + code[len(change.old) :]
        if on < change.since and code.startswith(change.new):
            return change.old + code[len(change.new) :]
    return code


def current_code(code: Any, system: CodeSystem | str, on: dt.date | str) -> Any:
    """Each code as it was on ``on``: old MOIS codes renumbered, new ones dated back.

    >>> current_code(["4215000000", "47720", "51150"], "mois", "2023-06-10").tolist()
    ['4215000000', '47720', '42150']
    >>> current_code(["4215000000", "47720"], "mois", "2023-07-01").tolist()
    ['5115000000', '27720']

    KOSTAT codes are returned unchanged; codes not valid in ``system`` give None.
    """
    known, day = _as_system(system), day_of(on)

    def one(text: str) -> str | None:
        if not _valid(text, known):
            return None
        return _code_on(text, day) if known is CodeSystem.MOIS else text

    return _map_code(code, one)


def sido_info(code: object, system: CodeSystem | str) -> Sido | None:
    """The :class:`Sido` of a code (any length) valid in ``system``, or None."""
    known = _as_system(system)
    text = _text_or_none(code)
    return _sido_in(text, known) if text is not None and _valid(text, known) else None


def sido_crosswalk(
    code: Any, source: CodeSystem | str, target: CodeSystem | str, on: dt.date | str
) -> Any:
    """The 2-digit 시도 code in ``target`` of each code valid in ``source``.

    >>> sido_crosswalk(["32", "21", "35"], "kostat", "mois", "2023-12-31").tolist()
    ['51', '26', '45']
    """
    known, wanted, day = _as_system(source), _as_system(target), day_of(on)

    def one(text: str) -> str | None:
        sido = _sido_in(text, known) if _valid(text, known) else None
        if sido is None:
            return None
        return sido.kostat if wanted is CodeSystem.KOSTAT else _code_on(sido.mois, day)

    return _map_code(code, one)


_NAME_KINDS = {"군": "county", "구": "district", "시": "city"}


def _name_conflict(name: object, sido: Sido, county: bool) -> str | None:
    """Why a 시군구 name's suffix (군/구/시) contradicts what its code says, if it does."""
    if not isinstance(name, str) or not name.strip():
        return None
    kind = _NAME_KINDS.get(name.strip()[-1])
    says = "a county" if county else "not a county"
    if (kind == "county") != county and kind is not None:
        return f"name {name!r} disagrees with the code ({says}): check the code system"
    if (kind == "city" and sido.kind == "metropolitan") or (
        kind == "district" and sido.kind in ("sejong", "jeju")
    ):
        return f"name {name!r} cannot be in {sido.name_en}: check the code system"
    return None


def _area_type(
    code: str, system: CodeSystem, on: dt.date, policy: AreaTypePolicy
) -> tuple[str | None, str, Sido | None, bool]:
    """(area type, reason, 시도, is a county) of one code."""
    if _is_county(code, system) is None:
        return None, f"not a {system.value.upper()} 시군구 code: {code!r}", None, False
    sigungu = code[:5]
    dated = _code_on(sigungu, on) if system is CodeSystem.MOIS else sigungu
    note = f"; {sigungu} is {dated} on {on.isoformat()}" if dated != sigungu else ""
    sido = (_BY_KOSTAT if system is CodeSystem.KOSTAT else _BY_MOIS)[dated[:2]]
    moved = _KOSTAT_MOVES.get(sigungu) if system is CodeSystem.KOSTAT else None
    if moved is not None and on >= moved[1]:
        sido = _BY_KOSTAT[moved[0]]
        note = f"; part of {sido.name_en} from {moved[1].isoformat()}"
    county = bool(_is_county(dated, system))
    kind: str
    if sido.kind == "metropolitan" and county:
        kind = policy.metro_county
        reason = f"county inside a metropolitan city (policy metro_county={kind}), {sido.name_en}"
    elif sido.kind == "metropolitan":
        kind, reason = "metro", f"district of a special or metropolitan city, {sido.name_en}"
    elif sido.kind == "sejong":
        kind = policy.sejong
        reason = f"Sejong special self-governing city (policy sejong={kind})"
    elif county:
        kind, reason = "county", f"county in a province, {sido.name_en}"
    elif sido.kind == "jeju":
        kind, reason = "city", "administrative city of Jeju special self-governing province"
    else:
        kind, reason = "city", f"city, or district of a city, in a province, {sido.name_en}"
    return kind, reason + note, sido, county


def area_types(
    sigungu_codes: Any,
    system: CodeSystem | str,
    on: dt.date | str,
    policy: AreaTypePolicy | None = None,
    *,
    names: Any = None,
) -> tuple[Any, Any]:
    """Area type (``"metro"``, ``"city"``, ``"county"`` or None) and why, per code.

    ``sigungu_codes`` are 시군구 codes (읍면동 codes work too: their 시군구 is used) in
    ``system``; MOIS codes are first dated to ``on`` (so 47720 on 2023-07-01 is 대구
    군위군). A code that is no 시군구 of ``system`` gives None and says so. When ``names``
    (시군구 names, same shape) are given, a name whose suffix contradicts the code (…군
    for a code that is no county, …시 inside a metropolitan city) gives None too: the
    usual cause is a code read in the wrong system.

    Returns two object arrays (or two scalars for one code); ``policy`` defaults to
    :class:`AreaTypePolicy()`.
    """
    known, day = _as_system(system), day_of(on)
    rules = AreaTypePolicy() if policy is None else policy
    types, reasons, sidos, counties = _map_codes(
        sigungu_codes,
        lambda text: _area_type(text, known, day, rules),
        (None, "no code", None, False),
    )
    if names is None:
        return types, reasons
    if np.ndim(sigungu_codes) == 0:
        conflict = None if sidos is None else _name_conflict(names, sidos, counties)
        return (types, reasons) if conflict is None else (None, conflict)
    labels = np.asarray(names, dtype=object)
    if labels.shape != types.shape:
        raise GeoError(
            f"names has shape {labels.shape} but the codes {types.shape}: give one name per code"
        )
    flat_types, flat_reasons = types.reshape(-1), reasons.reshape(-1)
    flat_sidos, flat_counties, flat_names = sidos.ravel(), counties.ravel(), labels.ravel()
    for i in np.flatnonzero(pd.notna(flat_types)):
        conflict = _name_conflict(flat_names[i], flat_sidos[i], flat_counties[i])
        if conflict is not None:
            flat_types[i], flat_reasons[i] = None, conflict
    return types, reasons
