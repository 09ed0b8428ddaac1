"""Options converted without pydantic give typer's values and typer's messages.

:mod:`selectlib.cli.coercion` converts text, paths, choices, flags and lists itself and
leaves the rest (and every refusal) to typer's converter; for every parameter of every
command, each sample value must come out as typer's own converter makes it.
"""

from __future__ import annotations

import enum
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from strategies import FLAGSHIP

from selectlib.cli.app import app
from selectlib.cli.options import Lang

# typer before 0.2x converts with click's types, without pydantic: nothing to compare
_coercion = pytest.importorskip("typer._coercion")
build_runtime_param = _coercion.build_runtime_param
Context = pytest.importorskip("typer._click").Context
light_params = pytest.importorskip("selectlib.cli.coercion").light_params

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"


def _commands(group: Any, prefix: str = "") -> list[tuple[str, Any]]:
    found = []
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            found += _commands(command, f"{prefix}{name} ")
        else:
            found.append((f"{prefix}{name}", command))
    return found


COMMANDS = _commands(typer.main.get_command(app))


def _samples(annotation: Any, folder: Path) -> list[Any]:
    """Values a parameter of this type may receive: usable, odd and refused."""
    file = folder / "given.csv"
    file.write_text("a\n1\n", encoding="utf-8")
    common: list[Any] = ["x", "", " ko ", "EN", "fr", "5", "2.5", "true", "한글"]
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        members = list(annotation)
        return [*common, *members, *(m.value.upper() for m in members), "nope"]
    if annotation is Path:
        return [*common, str(file), str(folder), str(folder / "absent.csv"), file, "a\x00b"]
    if annotation is bool:
        return [*common, True, False]
    return common


def _outcome(converter: Any, value: Any, param: Any, ctx: Context) -> tuple[Any, ...]:
    try:
        return ("value", converter.coerce(value, param=param, ctx=ctx))
    except Exception as exc:  # the refusal itself is compared
        return ("refused", type(exc).__name__, str(exc))


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[path for path, _ in COMMANDS])
def test_every_option_converts_as_typer_converts_it(path, command, tmp_path):
    ctx = Context(command)
    params = command.get_params(ctx)
    light_params(params)
    for param in params:
        assert type(param._runtime_param).__name__ == "_Light"
        descriptor = param.type_descriptor
        own = build_runtime_param(descriptor)
        annotation = descriptor.annotation
        inner = typer._typing.get_args(annotation)[0] if param.multiple else annotation
        for raw in _samples(inner, tmp_path):
            value = (raw, "x") if param.multiple or param.nargs == -1 else raw
            got = _outcome(param._runtime_param, value, param, ctx)
            expected = _outcome(own, value, param, ctx)
            assert got == expected, (path, param.name, value)


def test_lang_keeps_its_parser():
    (check,) = [command for path, command in COMMANDS if path == "check"]
    ctx = Context(check)
    params = {param.name: param for param in check.get_params(ctx)}
    light_params(params.values())
    lang = params["lang"]
    assert lang._runtime_param.coerce(" EN ", param=lang, ctx=ctx) is Lang.EN


def test_check_runs_without_pydantic(tmp_path):
    out = tmp_path / "out.parquet"
    argv = ["selectlib", "check", FLAGSHIP, str(SAMPLES / "applicants.csv"), "--out", str(out)]
    script = (
        "import json, runpy, sys\n"
        f"sys.argv = {argv!r} + ['--lang', 'en']\n"
        "try:\n"
        "    runpy.run_module('selectlib', run_name='__main__')\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        "print(json.dumps({'code': code, 'pydantic': 'pydantic' in sys.modules}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report == {"code": 0, "pydantic": False}
    assert out.is_file()
