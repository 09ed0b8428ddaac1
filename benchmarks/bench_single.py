"""One decision at a time, as a web request makes it: selectlib traced vs GoRules ZEN untraced.

Run: ``python benchmarks/bench_single.py [--calls 20000] [--repeat 3]``.
Both sides decide the same varying flagship applicants, call by call. selectlib makes the
traced :class:`~selectlib.Decision` and reads ``.criteria`` (every criterion's value,
threshold, parameters and message); ZEN (``zen-engine``, the ``bench`` extra) evaluates
the same ten rules as one expression node, untraced, and as ten precompiled
expressions. Prints plain numbers: ``single_us=`` and ``single_p99_us=`` (selectlib),
``criteria_us=`` (the added cost of reading ``.criteria``), ``explain_us=``,
``many_1_us=``, ``many_5_us=`` and ``many_10_us=`` (``evaluate_many`` on a list of 1, 5
and 10 records) and ``many_<n>_frame_us=`` (the same rows as a DataFrame),
``zen_us=``/``zen_p99_us=`` (the decision graph), ``zen_expressions_us=`` and
``single_vs_zen=`` (selectlib ÷ ZEN graph; at most 1 is the target). Medians and 99th
percentiles over every call; the best of ``--repeat`` runs. Without zen-engine the ZEN
figures print as ``nan``. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

import selectlib

ON = dt.date(2024, 5, 1)
MANDATORY = ["survey", "workforce", "shared_facilities", "funding_support", "roadmap"]
AUTONOMOUS = ["network", "tech_exchange", "marketing", "promotion", "consulting", "regional"]
OPERATORS = ["nonprofit_corporation", "university", "local_government_body", "for_profit"]
ZEN_RULES = {
    "cluster_size": "cluster_count >= (area_type == 'metro' ? 50 : "
    "(area_type == 'city' ? 40 : 20))",
    "nonprofit_operator": "operator_type in "
    "['nonprofit_corporation', 'university', 'local_government_body']",
    "dedicated_space": "has_dedicated_space == true",
    "dedicated_equipment": "has_equipment == true",
    "operating_staff": "staff >= 3",
    "mandatory_programs": "all(['survey', 'workforce', 'shared_facilities', "
    "'funding_support', 'roadmap'], # in mandatory_programs)",
    "education_program": "offers_education == true",
    "autonomous_programs": "len(autonomous_programs) >= 3",
    "micro_manufacturer_related": "micro_manufacturer_related == true",
    "application_window": "d(submitted_at) >= d('2024-04-15 00:00') and "
    "d(submitted_at) < d('2024-05-10 18:00')",
}
"""The flagship's ten criteria in ZEN's expression language, parameters written in (ZEN
reads both sides of the window without a zone, so they compare as the same clock)."""


def records(n: int, seed: int = 5) -> list[dict[str, Any]]:
    """Varying applicants (every outcome occurs), as JSON from a web form gives them."""
    r = np.random.default_rng(seed)
    out = []
    for i in range(n):
        out.append(
            {
                "applicant_id": f"A{i:07d}",
                "area_type": str(r.choice(["metro", "city", "county"])),
                "cluster_count": int(r.integers(0, 120)),
                "operator_type": str(r.choice(OPERATORS)),
                "has_dedicated_space": bool(r.random() < 0.9),
                "has_equipment": bool(r.random() < 0.9),
                "offers_education": bool(r.random() < 0.9),
                "staff": int(r.integers(0, 8)),
                "mandatory_programs": MANDATORY if r.random() < 0.9 else MANDATORY[:3],
                "autonomous_programs": AUTONOMOUS[: int(r.integers(0, 7))],
                "micro_manufacturer_related": bool(r.random() < 0.9),
                "submitted_at": f"2024-{int(r.integers(4, 6)):02d}-{int(r.integers(1, 29)):02d} "
                f"{int(r.integers(0, 24)):02d}:{int(r.integers(0, 60)):02d}",
            }
        )
    return out


def per_call(
    call: Callable[[dict[str, Any]], object], rows: Sequence[dict[str, Any]]
) -> list[float]:
    """Seconds per call, one call per row."""
    times = []
    for row in rows:
        start = time.perf_counter()
        call(row)
        times.append(time.perf_counter() - start)
    return times


def best(
    call: Callable[[dict[str, Any]], object], rows: Sequence[dict[str, Any]], repeat: int
) -> tuple[float, float]:
    """The best median and 99th percentile (µs) of ``repeat`` passes over ``rows``."""
    runs = [per_call(call, rows) for _ in range(repeat)]
    medians = [statistics.median(t) * 1e6 for t in runs]
    p99s = [float(np.percentile(t, 99)) * 1e6 for t in runs]
    return min(medians), min(p99s)


def zen_callables() -> (
    tuple[Callable[[dict[str, Any]], object], Callable[[dict[str, Any]], object]] | None
):
    """ZEN's decision graph and its precompiled expressions, or None without zen-engine."""
    try:
        import zen
    except ImportError:
        return None
    node = {"expressions": [{"id": k, "key": k, "value": v} for k, v in ZEN_RULES.items()]}
    content = {
        "nodes": [
            {"id": "in", "type": "inputNode", "name": "request", "position": {"x": 0, "y": 0}},
            {
                "id": "rules",
                "type": "expressionNode",
                "name": "criteria",
                "content": node,
                "position": {"x": 200, "y": 0},
            },
            {"id": "out", "type": "outputNode", "name": "response", "position": {"x": 400, "y": 0}},
        ],
        "edges": [
            {"id": "a", "sourceId": "in", "targetId": "rules", "type": "edge"},
            {"id": "b", "sourceId": "rules", "targetId": "out", "type": "edge"},
        ],
    }
    decision = zen.ZenEngine().create_decision(zen.ZenDecisionContent(json.dumps(content)))
    compiled = [zen.compile_expression(rule) for rule in ZEN_RULES.values()]
    return decision.evaluate, lambda row: [rule.evaluate(row) for rule in compiled]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    profile = selectlib.load_profile("micro_manufacturer_center_2024")
    rows = records(args.calls)
    for row in rows[:1000]:  # warm every cache both sides keep
        assert profile.evaluate(row, on=ON).criteria

    def traced(row: dict[str, Any]) -> object:
        return profile.evaluate(row, on=ON).criteria

    single, p99 = best(traced, rows, args.repeat)
    bare, _ = best(lambda row: profile.evaluate(row, on=ON), rows, args.repeat)
    explained, _ = best(lambda row: profile.evaluate(row, on=ON).explain("en"), rows, args.repeat)
    many = {
        size: [
            best(lambda _, t=table: profile.evaluate_many(t, on=ON), rows[:200], args.repeat)[0]
            for table in (rows[:size], pd.DataFrame(rows[:size]))
        ]
        for size in (1, 5, 10)
    }
    zen = zen_callables()
    if zen is None:
        zen_us = zen_p99 = zen_expressions = float("nan")
    else:
        graph, expressions = zen
        zen_us, zen_p99 = best(graph, rows, args.repeat)
        zen_expressions, _ = best(expressions, rows, args.repeat)
    agree = (
        zen is None
        or all(
            (profile.evaluate(row, on=ON).criterion(key).status.value == "passed")
            == zen[0](row)["result"][key]  # type: ignore[index]
            for row in rows[:200]
            for key in ZEN_RULES
        )
    )
    print(f"calls={args.calls} agree_with_zen={agree}")
    print(f"single_us={single:.1f}")
    print(f"single_p99_us={p99:.1f}")
    print(f"criteria_us={single - bare:.1f}")
    print(f"explain_us={explained - bare:.1f}")
    for size, (from_records, from_frame) in many.items():
        print(f"many_{size}_us={from_records:.0f}")
        print(f"many_{size}_frame_us={from_frame:.0f}")
    print(f"zen_us={zen_us:.1f}")
    print(f"zen_p99_us={zen_p99:.1f}")
    print(f"zen_expressions_us={zen_expressions:.1f}")
    print(f"single_vs_zen={single / zen_us:.2f}")


if __name__ == "__main__":
    main()
