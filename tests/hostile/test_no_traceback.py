"""The command line never prints a traceback: every command, given each kind of broken or
hostile file where it reads one, either works or prints one ``error:`` line and exits 1."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from paths import DIRTY_GEO, FIXTURES
from typer.testing import CliRunner

from selectlib.cli.app import app
from selectlib.io import sample_data_dir

FLAGSHIP = "micro_manufacturer_center_2024"
ON = "2024-05-01"
EVALUATION = sample_data_dir() / "evaluation"


def _workbook() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["applicant_id", "staff"])
    book.active.append(["A1", "=1+1"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _broken_styles() -> bytes:
    source = zipfile.ZipFile(io.BytesIO(_workbook()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, b"<styleSheet" if item.filename.endswith("styles.xml") else data)
    return out.getvalue()


BROKEN: dict[str, Callable[[], bytes]] = {
    "empty": lambda: b"",
    "garbage": lambda: bytes(range(256)) * 8,
    "nul bytes": lambda: b"applicant_id,staff\n\x00\x00,\x00\n",
    "utf-16": lambda: "applicant_id,staff\nA1,3\n".encode("utf-16"),
    "cr only": lambda: b"applicant_id,staff\rA1,3\rA2,x\r",
    "header only": lambda: b"applicant_id,staff\n",
    "formula and markup": lambda: b"applicant_id,staff\n=cmd|' /C calc'!A0,<script>\n",
    "truncated zip": lambda: _workbook()[:300],
    "broken styles": _broken_styles,
    "json garbage": lambda: b'{"applicants": [1, [2], {"a": {"b": []}}]',
}
"""Bytes of a broken file; each is written under every suffix the command reads."""

COMMANDS: dict[str, tuple[list[str], list[str]]] = {
    "check": (["check", FLAGSHIP, "{file}", "--on", ON], [".csv", ".xlsx", ".json"]),
    "compare": (
        ["compare", FLAGSHIP, "{file}", "--on", ON, "--set", "min_staff=2"],
        [".csv", ".xlsx"],
    ),
    "benefits": (
        ["benefits", str(FIXTURES / "benefits_program.yaml"), "{file}", "--on", ON],
        [".csv", ".parquet"],
    ),
    "evaluate --scores": (
        [
            *("evaluate", FLAGSHIP, "--applicants", str(sample_data_dir() / "applicants.csv")),
            *("--evaluators", str(EVALUATION / "evaluators.csv"), "--scores", "{file}"),
            *("--resamples", "0", "--on", ON),
        ],
        [".csv", ".xlsx"],
    ),
    "sheets --evaluators": (
        [
            *("sheets", FLAGSHIP, "--stage", "document"),
            *("--applicants", str(sample_data_dir() / "applicants.csv")),
            *("--evaluators", "{file}", "--out", "{out}"),
        ],
        [".csv", ".xlsx"],
    ),
    "clusters": (["clusters", "{file}", "--on", ON], [".csv", ".geojson"]),
    "clusters --areas": (
        ["clusters", str(DIRTY_GEO / "firms.csv"), "--areas", "{file}", "--on", ON],
        [".geojson"],
    ),
    "profiles validate": (["profiles", "validate", "{file}"], [".yaml"]),
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_no_command_prints_a_traceback_on_a_broken_file(tmp_path: Path, command: str) -> None:
    template, suffixes = COMMANDS[command]
    for name, make in BROKEN.items():
        for suffix in suffixes:
            path = tmp_path / f"{name.replace(' ', '_')}{suffix}"
            path.write_bytes(make())
            out = tmp_path / f"out_{name.replace(' ', '_')}{suffix}"
            args = [part.format(file=path, out=out) for part in template]
            result = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
            where = f"{command} with {name}{suffix}: {result.output[-500:]}"
            assert "Traceback" not in result.output, where
            assert result.exception is None or isinstance(result.exception, SystemExit), (
                where,
                repr(result.exception),
            )
            assert result.exit_code in (0, 1), where
            if result.exit_code == 1:
                assert "error" in result.output, where
