"""Regenerate docs/profile.schema.json from selectlib.profile.schema.PROFILE_SCHEMA.

The JSON file is what editors and other tools read; the Python dict is the source of
truth. tests/test_docs.py fails when the file is stale, so run this after changing
the schema:  python docs/make_schema.py
"""

from __future__ import annotations

import json
from pathlib import Path

from selectlib.profile.schema import PROFILE_SCHEMA

TARGET = Path(__file__).with_name("profile.schema.json")


def render() -> str:
    """The exact text docs/profile.schema.json must hold."""
    return json.dumps(PROFILE_SCHEMA, indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    """Write the schema file next to this script."""
    TARGET.write_text(render(), encoding="utf-8", newline="\n")
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
