"""Shared fixtures: the flagship profile and a fully eligible applicant to vary."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from strategies import FLAGSHIP, MANDATORY, PROFILE

import selectlib

# dev: the default `pytest`, small example counts (strategies.examples); ci: the second
# run of .ci/run (SELECTLIB_TESTS=ci), today's full counts. Neither has a deadline: the
# machines are shared, and a property must not fail on a slow moment.
settings.register_profile("dev", deadline=None)
settings.register_profile(
    "ci", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.load_profile(PROFILE)


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: one worker per CPU this process may use, a container's CPU quota included.

    xdist counts the CPUs the scheduler shows, which in a container limited by a cgroup quota
    can be many times the cores it may use; so many workers, each importing pandas and
    geopandas, would make the run slower, not faster."""
    if forced := os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return int(forced)
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()
        allowed = -(-int(quota) // int(period))  # max 100000 means no quota: ValueError
    except (OSError, ValueError):
        allowed = cpus or 1
    return max(1, min(cpus or 1, allowed))


def good_record(**changes: Any) -> dict[str, Any]:
    """A flagship applicant that meets every criterion exactly at its threshold.

    Keyword arguments replace fields; a value of ``...`` removes the field.
    """
    record: dict[str, Any] = {
        "applicant_id": "A-001",
        "area_type": "metro",
        "cluster_count": 50,
        "operator_type": "nonprofit_corporation",
        "has_dedicated_space": True,
        "has_equipment": True,
        "offers_education": True,
        "micro_manufacturer_related": True,
        "staff": 3,
        "mandatory_programs": list(MANDATORY),
        "autonomous_programs": ["network", "marketing", "promotion"],
        "submitted_at": "2024-05-10 17:59:59",  # the last second before the 18:00 close
    }
    record.update(changes)
    return {key: value for key, value in record.items() if value is not ...}


@pytest.fixture(scope="session")
def flagship() -> selectlib.Profile:
    """The flagship profile, micro_manufacturer_center_2024."""
    return selectlib.load_profile(FLAGSHIP)


@pytest.fixture(name="good_record", scope="session")
def good_record_fixture() -> Callable[..., dict[str, Any]]:
    """The :func:`good_record` factory, for tests that take it as a fixture."""
    return good_record
