"""Where the tests find the repository's files, wherever a test module sits under tests/."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures"
SAMPLE_GEO = ROOT / "sample_data" / "geo"
"""The sample applicants' sites: real 읍면동 (as squares) and an invented firm registry."""
DIRTY_GEO = ROOT / "sample_data" / "geo_dirty"
"""An invented map and registries with every data-quality case the geo readers handle."""
REAL_GEO = ROOT.parent / "shared" / "geo" / "real"
"""The real KOSTAT boundaries and KSIC list, kept in shared/ beside the repository."""
