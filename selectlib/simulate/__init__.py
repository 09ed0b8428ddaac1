"""Simulating rule changes: a baseline profile against a reform over the same applicants."""

from __future__ import annotations

from selectlib.simulate.compare import CHANGES, compare, summarize_comparison
from selectlib.simulate.sweep import sweep

__all__ = ["CHANGES", "compare", "summarize_comparison", "sweep"]
