"""The words of the sweep pictures and report, in Korean and English.

>>> label("eligible", "ko"), label("failed.staff", "en"), label("min_staff", "ko")
('지원 가능', 'failed: staff', 'min_staff')
"""

from __future__ import annotations

from typing import Final

from selectlib.simulate.sweeptable import FAILED
from selectlib.text import Text

__all__ = ["COLUMN_LABELS", "WORDS", "label", "word"]

COLUMN_LABELS: Final = {
    "eligible": Text("지원 가능", "eligible"),
    "ineligible": Text("지원 불가", "ineligible"),
    "incomplete": Text("판정 보류", "incomplete"),
    "invalid": Text("입력 오류", "invalid"),
    "gained": Text("새로 가능", "gained"),
    "lost": Text("새로 불가", "lost"),
    "requested": Text("신청액", "requested"),
    "granted": Text("지원액", "granted"),
    "funded_full": Text("전액 지원", "funded in full"),
    "funded_part": Text("일부 지원", "funded in part"),
    "funded_none": Text("지원 없음", "not funded"),
    "capacity": Text("예산상 지원 가능 수", "capacity"),
}
"""The count columns' names as people read them."""

WORDS: Final = {
    "applicants": Text("신청자 수", "applicants"),
    "failed": Text("미충족", "failed"),
    "criterion": Text("기준", "criterion"),
    "group": Text("집단", "group"),
    "lines": Text("결과별 신청자 수", "Applicants by outcome"),
    "heatmap": Text("지원 가능 신청자 수", "Eligible applicants"),
    "failures": Text("기준별 미충족 신청자 수", "Applicants failing each criterion"),
    "by_group": Text("집단별 결과", "Outcomes by group"),
    "map": Text("지역별", "by area"),
    "no_data": Text("자료 없음", "no data"),
    "at": Text("기준점", "at"),
    "table": Text("시뮬레이션 표", "Sweep table"),
    "charts": Text("그림", "Charts"),
    "maps": Text("지도", "Maps"),
    "interactive": Text(
        "대화형 지도 (인쇄에서는 위의 정적 지도)",
        "Interactive map (print shows the static map above)",
    ),
    "varied": Text("바꾼 값", "Varied"),
    "grouped": Text("나눈 기준", "Grouped by"),
    "points": Text("격자점", "grid points"),
    "rows_shown": Text("행 표시", "rows shown"),
    "not_on_map": Text("지도에 없는 코드", "codes not on the map"),
    "more_groups": Text("집단 수가 많아 상위만 표시", "many groups: the largest shown"),
    "no_chart": Text(
        "바꾼 값이 셋 이상이면 선 그래프와 열지도를 그리지 않습니다",
        "no line chart or heatmap for three or more varied parameters",
    ),
}
"""Titles, axis names and notes."""


def label(column: str, lang: str) -> str:
    """A column as people read it: a count's name, ``failed: <criterion>``, or the
    column itself (a parameter or group column keeps the name it was given)."""
    if column in COLUMN_LABELS:
        return COLUMN_LABELS[column].get(lang)
    if column.startswith(FAILED):
        return f"{WORDS['failed'].get(lang)}: {column.removeprefix(FAILED)}"
    return column


def word(key: str, lang: str) -> str:
    """One of :data:`WORDS` in ``lang``."""
    return WORDS[key].get(lang)
