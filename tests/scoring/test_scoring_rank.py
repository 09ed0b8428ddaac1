"""Ranking, tie-break chains, advancement and final selection, by hand."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

from selectlib.scoring import ScoringError, ranking
from selectlib.scoring.primitives import TieBreak, advance, advance_count, rank, select_ranked, top

# Five applicants, all with a final score of 80, and the notice's chain: higher
# presentation score, then higher capability criterion, then earlier application.
FINAL = [80.0, 80.0, 80.0, 80.0, 80.0]
PRESENTATION = [70.0, 75.0, 70.0, 70.0, 70.0]
CAPABILITY = [30.0, 10.0, 35.0, 30.0, 30.0]
APPLIED = np.array(
    ["2024-04-20", "2024-04-16", "2024-04-30", "2024-04-18", "2024-04-18"], dtype="datetime64[D]"
)
CHAIN = [
    TieBreak("presentation", PRESENTATION),
    TieBreak("capability", CAPABILITY),
    TieBreak("applied", APPLIED, descending=False),
]


def test_each_rule_of_the_chain_decides_a_case() -> None:
    ranking = rank(FINAL, CHAIN)
    # order: 1 (presentation 75) > 2 (capability 35) > 3, 4 (applied 04-18, tied) > 0
    assert ranking.ranks.tolist() == [5, 1, 2, 3, 3]
    assert ranking.rule_names() == [
        "applied",  # row 0: below rows 3 and 4 by the application date
        None,  # row 1: first
        "presentation",  # row 2: below row 1 by the presentation score
        "capability",  # rows 3, 4: below row 2 by capability
        "capability",
    ]
    assert ranking.rules == ("score", "presentation", "capability", "applied")
    assert ranking.decided_by.tolist() == [3, -1, 1, 2, 2]


def test_exhausted_chain_is_reported_as_a_tie() -> None:
    ranking = rank(FINAL, CHAIN)
    assert ranking.tied.tolist() == [False, False, False, True, True]
    no_chain = rank(FINAL)
    assert no_chain.ranks.tolist() == [1, 1, 1, 1, 1]
    assert no_chain.tied.all()


def test_score_decides_without_ties_and_strings_order() -> None:
    ranking = rank([50, 90, 70], [TieBreak("name", ["b", "a", "c"], descending=False)])
    assert ranking.ranks.tolist() == [3, 1, 2]
    assert ranking.rule_names() == ["score", None, "score"]
    assert not ranking.tied.any()
    assert rank([1, 2, 3], descending=False).ranks.tolist() == [1, 2, 3]


def test_ineligible_rows_are_not_ranked_and_need_no_valid_key() -> None:
    ranking = rank(
        [np.nan, 70, 90, 80],
        [TieBreak("k", [np.nan, 1, 2, 3])],
        eligible=[False, True, True, False],
    )
    assert ranking.ranks.tolist() == [0, 2, 1, 0]
    assert ranking.ranked.tolist() == [False, True, True, False]
    assert ranking.rule_names() == [None, "score", None, None]
    empty = rank([1.0, 2.0], eligible=[False, False])
    assert empty.ranks.tolist() == [0, 0]


def test_top_n_with_a_tie_at_the_line() -> None:
    ranking = rank([90, 85, 80, 80, 80, 70])
    assert top(ranking, 3, "include").tolist() == [True, True, True, True, True, False]
    assert top(ranking, 3, "exclude").tolist() == [True, True, False, False, False, False]
    assert top(ranking, 5, "exclude").sum() == 5
    # cut by the chain instead: the chain breaks the tie, so the line is clean
    chained = rank([90, 85, 80, 80, 80, 70], [TieBreak("p", [0, 0, 3, 2, 1, 0])])
    assert top(chained, 3, "exclude").tolist() == [True, True, True, False, False, False]


def test_advance_top_multiple_of_slots() -> None:
    assert advance_count(5, 2) == 10
    assert advance_count(5, 3) == 15
    assert advance_count(5, 1.5) == 8
    assert advance_count(3, 1.1) == 4
    ranking = rank(np.arange(12.0))
    assert advance(ranking, 2, 2, "include").tolist() == [False] * 8 + [True] * 4


def test_selection_and_reserves_by_hand() -> None:
    #          rows: 0   1   2   3   4   5   6   7
    ranking = rank([95, 90, 88, 88, 70, 60, 60, 50])
    chosen = select_ranked(ranking, slots=3, reserves=2)
    assert chosen.selected.tolist() == [True, True, False, False, False, False, False, False]
    assert chosen.unresolved.tolist() == [False, False, True, True, False, False, False, False]
    assert chosen.open_slots == 1
    # the reserve list continues after the unresolved group; the tie at its end is kept
    assert chosen.reserve.tolist() == [False] * 4 + [True, True, True, False]
    assert chosen.reserve_ranks.tolist() == [0, 0, 0, 0, 1, 2, 2, 0]
    strict = select_ranked(ranking, slots=3, reserves=2, reserve_at_line="exclude")
    assert strict.reserve.tolist() == [False] * 4 + [True, False, False, False]


def test_selection_without_ties_fills_every_slot() -> None:
    chosen = select_ranked(rank([5.0, 4, 3, 2, 1]), slots=2, reserves=2)
    assert chosen.selected.tolist() == [True, True, False, False, False]
    assert chosen.reserve_ranks.tolist() == [0, 0, 1, 2, 0]
    assert chosen.open_slots == 0
    assert not chosen.unresolved.any()


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: rank([[1, 2]]), "one number per applicant"),
        (lambda: rank([1, 2], eligible=[True]), "needs 2 flags"),
        (lambda: rank([1, 2], [TieBreak("p", [1])]), "p: needs one key per applicant, 2"),
        (lambda: rank([1, np.nan]), "score: row 1: key is missing"),
        (lambda: rank([1, 2], [TieBreak("p", np.array([1, "a"], dtype=object))]), "comparable"),
        (
            lambda: rank([1, 2], [TieBreak("d", np.array(["NaT", "2024-01-01"], "M8[D]"))]),
            "d: row 0: key is missing",
        ),
        (lambda: top(rank([1]), -1, "include"), "must be >= 0"),
        (lambda: top(rank([1]), 1, "random"), "'include' or 'exclude'"),
        (lambda: advance_count(5, 0), "multiple > 0"),
        (lambda: select_ranked(rank([1]), -1), "must be >= 0"),
    ],
)
def test_bad_arguments(call: object, fragment: str) -> None:
    with pytest.raises(ScoringError) as info:
        call()  # type: ignore[operator]
    assert fragment in str(info.value)


def test_module_doctests() -> None:
    assert doctest.testmod(ranking).failed == 0
