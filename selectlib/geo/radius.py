"""Neighbours within a radius on plain arrays: counts per group, and one center's points.

A point is a neighbour when its squared distance, ``dx * dx + dy * dy`` in EPSG:5179
metres, is ≤ ``radius * radius``: the comparison scipy's KD-tree makes at its leaves, so
the tree path and the pairwise path below give the same counts, boundary included.

Counting per group builds one KD-tree per group (larger leaves than scipy's default,
since only counts are wanted) and queries it for counts only. Groups so small that a
tree costs more in Python overhead than it saves are counted together in one vectorized
pass over all their (center, point) pairs.
"""

from __future__ import annotations

from typing import Final

import numpy as np
from scipy.spatial import cKDTree

from selectlib._typing import FloatArray, IntArray

__all__ = ["KDTREE_LEAF_SIZE", "SMALL_GROUP_PAIRS", "count_neighbours", "neighbours"]

KDTREE_LEAF_SIZE: Final = 64
"""Points per KD-tree leaf for radius counts: with counts only, leaves larger than scipy's
16 visit fewer nodes in dense clusters (measured on benchmarks/bench_clusters.py)."""

SMALL_GROUP_PAIRS: Final = 1024
"""A group with at most this many (center, point) pairs is counted pair by pair with the
other small groups in one vectorized pass: building and querying a tree costs ~75 µs."""


def _by_group(groups: IntArray) -> IntArray:
    """Positions sorted by group, stable: a radix sort when the groups fit in 16 bits."""
    narrow = len(groups) and groups.min() >= -1 and groups.max() < np.iinfo(np.int16).max
    keys = groups.astype(np.int16) if narrow else groups
    order: IntArray = np.argsort(keys, kind="stable")
    return order


def _ranges(starts: IntArray, lengths: IntArray) -> IntArray:
    """``starts[i] .. starts[i] + lengths[i] - 1`` for every i, concatenated."""
    ends = np.cumsum(lengths)
    steps: IntArray = np.arange(ends[-1] if len(ends) else 0, dtype=np.int64)
    steps += np.repeat(starts - (ends - lengths), lengths)
    return steps


def _count_pairs(
    points: FloatArray,
    centers: FloatArray,
    pairs: tuple[IntArray, IntArray, IntArray],
    radius: float,
) -> IntArray:
    """Per center, the points of its range within ``radius``, comparing every pair.

    ``pairs`` is (centers, first point, number of points): each center is compared with
    ``points[first:first + number]``.
    """
    which, first, number = pairs
    center = np.repeat(which, number)
    point = _ranges(first, number)
    dx = points[point, 0] - centers[center, 0]
    dy = points[point, 1] - centers[center, 1]
    near = dx * dx + dy * dy <= radius * radius
    counts: IntArray = np.bincount(center[near], minlength=len(centers)).astype(np.int64)
    return counts


def count_neighbours(
    points: FloatArray,
    groups: IntArray,
    centers: FloatArray,
    center_groups: IntArray,
    radius: float,
) -> IntArray:
    """How many ``points`` of each center's group lie within ``radius`` (distance ≤ radius).

    One KD-tree per group present among the centers, queried for counts only
    (``return_length``), so no list of neighbour pairs is ever built; groups with at most
    :data:`SMALL_GROUP_PAIRS` pairs are compared pair by pair, all at once. A center whose
    group is negative counts 0. The trees run on one thread: threads are slower on shared
    2-core machines.
    """
    result = np.zeros(len(centers), dtype=np.int64)
    c_order = _by_group(center_groups)
    c_sorted = center_groups[c_order]
    known = np.searchsorted(c_sorted, 0)  # negative groups sort first
    c_lo = known + np.flatnonzero(np.diff(c_sorted[known:], prepend=-1))  # each group's first
    if not len(c_lo) or not len(points):
        return result
    wanted = c_sorted[c_lo]
    c_size = np.diff(c_lo, append=len(c_sorted))
    order = _by_group(groups)
    sorted_points, sorted_groups = points[order], groups[order]
    lo = np.searchsorted(sorted_groups, wanted, side="left")
    size = np.searchsorted(sorted_groups, wanted, side="right") - lo
    small = size * c_size <= SMALL_GROUP_PAIRS
    which = c_order[_ranges(c_lo[small], c_size[small])]
    spans = (np.repeat(lo[small], c_size[small]), np.repeat(size[small], c_size[small]))
    result += _count_pairs(sorted_points, centers, (which, *spans), radius)
    for g_lo, g_size, k_lo, k_size in zip(
        lo[~small], size[~small], c_lo[~small], c_size[~small], strict=True
    ):
        tree = cKDTree(sorted_points[g_lo : g_lo + g_size], leafsize=KDTREE_LEAF_SIZE)
        asked = c_order[k_lo : k_lo + k_size]
        result[asked] = tree.query_ball_point(centers[asked], r=radius, return_length=True)
    return result


def neighbours(points: FloatArray, center: tuple[float, float], radius: float) -> IntArray:
    """Positions of the ``points`` within ``radius`` of one center (distance ≤ radius), sorted."""
    if not len(points):
        return np.zeros(0, dtype=np.int64)
    found = cKDTree(points).query_ball_point(np.asarray(center, dtype=np.float64), r=radius)
    return np.sort(np.asarray(found, dtype=np.int64))
