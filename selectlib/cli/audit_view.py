"""The work of ``selectlib decide`` and ``selectlib replay``: read, decide, compare, show."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

import typer

from selectlib.cli.options import option_day, parse_set
from selectlib.errors import InputError

__all__ = ["MAX_JSON_BYTES", "decide_one", "read_json_object", "replay_file"]

MAX_JSON_BYTES: Final = 16 * 2**20
"""The largest applicant or stored-decision file read (16 MiB; one decision is a few KiB).
A larger file is refused before it is read: check that it holds one decision."""


def read_json_object(path: Path, what: str) -> dict[str, Any]:
    """The JSON object in ``path``; InputError naming the file and what is wrong."""
    size = path.stat().st_size
    if size > MAX_JSON_BYTES:
        raise InputError(
            f"is {size:,} bytes, more than MAX_JSON_BYTES ({MAX_JSON_BYTES:,}) allows for "
            f"{what}; it was not read",
            file=str(path),
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise InputError(f"is not UTF-8 text ({error.reason})", file=str(path)) from None
    except (ValueError, RecursionError) as error:
        raise InputError(f"is not valid JSON ({error})", file=str(path)) from None
    if not isinstance(data, dict):
        raise InputError(
            f"holds {type(data).__name__} JSON; {what} is one JSON object", file=str(path)
        )
    return data


def decide_one(
    profile: str,
    applicant: Path,
    on: str | None,
    changes: list[str] | None,
    out: Path | None,
    lang: str = "en",
) -> None:
    """Decide the applicant in ``applicant`` and print or write the decision JSON."""
    from selectlib.cli.labels import word, wrote
    from selectlib.eligibility.serialize import decision_to_dict
    from selectlib.io.files import write_file
    from selectlib.profile.compiled import load_profile

    rules = load_profile(profile)
    parsed = parse_set(changes)
    if parsed:
        rules = rules.with_params(parsed)
    record = read_json_object(applicant, "an applicant")
    decision = rules.evaluate(record, on=option_day(on))
    text = json.dumps(decision_to_dict(decision), ensure_ascii=False, indent=2)
    if out is None:
        typer.echo(text)
        return
    write_file(out, lambda path: path.write_text(text + "\n", encoding="utf-8"))
    typer.echo(f"{wrote(out, None, lang)} ({word(decision.outcome.value, lang)})", err=True)


def replay_file(stored: Path, profile: str | None, as_json: bool, lang: str) -> bool:
    """Replay the decision in ``stored``, show the comparison; True if it is reproduced."""
    from selectlib.eligibility.replay import replay

    data = read_json_object(stored, "a stored decision")
    try:
        result = replay(data, profile=profile)
    except InputError as error:
        raise InputError(error.reason, file=str(stored)) from None
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(result.explain(lang))
    if not result.identical:
        named = ", ".join(d.criterion for d in result.differences)
        why = "; ".join(r.get(lang) for r in result.reasons) or (
            "원인이 기록되지 않았습니다" if lang == "ko" else "no recorded cause"
        )
        head = (
            "재실행 결과가 저장된 결정과 다릅니다"
            if lang == "ko"
            else ("the replay differs from the stored decision")
        )
        typer.echo(f"error: {head}: {named} ({why})", err=True)
    return result.identical
