"""The words the command line prints, in Korean and English: one table, so every label,
status and count has both languages (a test checks it) and a command never mixes them.

Light (no table library): the commands' modules use it when they run.
"""

from __future__ import annotations

from typing import Final

__all__ = ["NOUNS", "WORDS", "counted", "word", "wrote"]

WORDS: Final[dict[str, tuple[str, str]]] = {
    # outcomes, criterion statuses and changes
    "eligible": ("적격", "eligible"),
    "ineligible": ("부적격", "ineligible"),
    "incomplete": ("판단 보류", "incomplete"),
    "invalid": ("입력 오류", "invalid"),
    "passed": ("충족", "passed"),
    "failed": ("미충족", "failed"),
    "missing": ("자료 없음", "missing"),
    "gained": ("적격 전환", "gained"),
    "lost": ("부적격 전환", "lost"),
    "other": ("기타 변경", "other"),
    "unchanged": ("변경 없음", "unchanged"),
    # table headers and titles
    "row": ("행", "row"),
    "outcome": ("결과", "outcome"),
    "reasons": ("사유", "reasons"),
    "needs": ("기준", "needs"),
    "criterion": ("기준", "criterion"),
    "label": ("이름", "label"),
    "failures per criterion": ("기준별 미충족", "failures per criterion"),
    "who flips, and why": ("결과가 바뀌는 경우와 이유", "who flips, and why"),
    "applicants whose outcome changes": (
        "결과가 바뀌는 신청자",
        "applicants whose outcome changes",
    ),
    "before": ("변경 전", "before"),
    "after": ("변경 후", "after"),
    "change": ("변화", "change"),
    "changed criteria": ("바뀐 기준", "changed criteria"),
    "applicants": ("신청자", "applicants"),
    "profile": ("프로필", "profile"),
    "name": ("이름", "name"),
    "valid from": ("시행일", "valid from"),
    "criteria": ("기준 수", "criteria"),
    "fields": ("입력 항목", "fields"),
    "field": ("항목", "field"),
    "kind": ("형식", "kind"),
    "choices": ("허용 값", "choices"),
    "unit": ("단위", "unit"),
    "required": ("필수", "required"),
    "yes": ("예", "yes"),
    "no": ("아니요", "no"),
    "parameters on": ("매개변수 기준일", "parameters on"),
    "parameter": ("매개변수", "parameter"),
    "value": ("값", "value"),
    "since": ("적용일", "since"),
    "source": ("근거", "source"),
    "description": ("설명", "description"),
    "condition": ("조건", "condition"),
    "criteria title": ("선정 기준", "criteria"),
    "version": ("버전", "version"),
    "valid": ("유효 기간", "valid"),
    "open": ("종료일 없음", "open"),
    "note": ("참고", "note"),
    "results": ("결과", "results"),
    "comparison": ("비교", "comparison"),
    "firm registry": ("사업체 명부", "firm registry"),
    "areas": ("구역", "areas"),
    "firms": ("사업체", "firms"),
    "clusters by area type and industry": (
        "구역 유형·업종별 집적지",
        "clusters by area type and industry",
    ),
    "area type": ("구역 유형", "area type"),
    "industry": ("업종", "industry"),
    "industry name": ("업종명", "industry name"),
    "clusters": ("집적지 수", "clusters"),
    "metro": ("특별·광역시", "metro"),
    "city": ("시", "city"),
    "county": ("군", "county"),
    "ok": ("이상 없음", "ok"),
    "no value before": ("다음 날짜 이전 값 없음:", "no value before"),
    "no value": ("없음: 자료에 값이 없음", "none: the sources give no value"),
}
"""Each label as (Korean, English), by its English key."""

NOUNS: Final[dict[str, tuple[str, str, str, str]]] = {
    "row": ("", "행", "row", "rows"),
    "applicant": ("신청자 ", "명", "applicant", "applicants"),
    "cluster": ("집적지 ", "곳", "cluster", "clusters"),
    "criterion": ("기준 ", "개", "criterion", "criteria"),
    "problem": ("문제 ", "건", "problem", "problems"),
    "profile": ("프로필 ", "개", "profile", "profiles"),
    "region": ("지역 ", "곳", "region", "regions"),
    "pot": ("구분 ", "개", "pot", "pots"),
}
"""Counted nouns as (Korean noun, Korean counter, English singular, English plural)."""


def word(key: str, lang: str) -> str:
    """The label ``key`` in ``lang`` (``ko`` or ``en``)."""
    ko, en = WORDS[key]
    return ko if lang == "ko" else en


def counted(number: int, noun: str, lang: str) -> str:
    """``number`` and ``noun`` in ``lang``: "1 row", "2 rows", "2행", "신청자 2명"."""
    ko, counter, one, many = NOUNS[noun]
    if lang == "ko":
        return f"{ko}{number:,}{counter}"
    return f"{number:,} {one if number == 1 else many}"


def wrote(path: object, rows: int | None, lang: str) -> str:
    """The line saying a file was written (with how many rows, when it has rows)."""
    if lang == "ko":
        return f"{path}: {counted(rows, 'row', lang)} 저장" if rows is not None else f"{path} 저장"
    return f"wrote {counted(rows, 'row', lang)} to {path}" if rows is not None else f"wrote {path}"
