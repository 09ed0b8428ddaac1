"""Rich tables of a profile for ``selectlib profiles list`` and ``profiles show``: its
fields, parameters and criteria, every header in the chosen language."""

from __future__ import annotations

import datetime as dt

from rich.table import Table

from selectlib.cli.labels import word
from selectlib.cli.render import ASSUMED_MARK, cell, table
from selectlib.dates import shown_moment
from selectlib.profile.compiled import Profile
from selectlib.profile.model import Dated, FieldKind, ParamTable, ParamValue

__all__ = ["criteria_table", "fields_table", "parameters_table", "profiles_table"]


def _value(value: ParamValue) -> str:
    if isinstance(value, ParamTable):
        return ", ".join(f"{key}: {entry}" for key, entry in value.entries)
    if isinstance(value, tuple):
        return ", ".join(map(str, value))
    if isinstance(value, dt.datetime):
        return shown_moment(value)
    return str(value)


def profiles_table(profiles: list[Profile], lang: str) -> Table:
    """One line per profile: id, name in ``lang``, first valid date, number of criteria."""
    listed = table(None, lang, "profile", "name", "valid from", "criteria")
    for profile in profiles:
        spec = profile.spec
        values = (spec.id, spec.name.get(lang), spec.valid_from, len(spec.criteria))
        listed.add_row(*map(cell, values))
    return listed


def _bounds(minimum: float | None, maximum: float | None) -> str:
    shown = [
        f"≥ {minimum:g}" if minimum is not None else "",
        f"≤ {maximum:g}" if maximum is not None else "",
    ]
    return ", ".join(b for b in shown if b)


def fields_table(profile: Profile, lang: str) -> Table:
    """The input fields: name, kind, allowed choices, unit, whether required."""
    fields = table(word("fields", lang), lang, "field", "kind", "choices", "unit", "required")
    for field in profile.fields:
        choices = "\n".join(f"{c.code}: {c.label.get(lang)}" for c in field.choices)
        if field.kind in (FieldKind.INTEGER, FieldKind.NUMBER):
            choices = _bounds(field.minimum, field.maximum)
        fields.add_row(
            cell(field.name),
            cell(field.kind.value),
            cell(choices),
            cell(field.unit or ""),
            cell(word("yes" if field.required else "no", lang)),
        )
    return fields


def _shown(entry: Dated | None, first: str, lang: str) -> str:
    """A parameter's value on a date, or why it has none."""
    if entry is None:
        return f"({word('no value before', lang)} {first})"
    return f"({word('no value', lang)})" if entry.value is None else _value(entry.value)


def parameters_table(profile: Profile, on: dt.date, lang: str) -> Table:
    """Every parameter's value on ``on`` and the date it took effect."""
    title = f"{word('parameters on', lang)} {on.isoformat()}"
    columns = ("parameter", "value", "since", "unit", "source", "description")
    parameters = table(title, lang, *columns)
    assumed = {a.where.split("[")[0] for a in profile.assumptions(on)}
    for parameter in profile.parameters:
        entry = parameter.at(on)
        first = parameter.history[0].since.isoformat()
        mark = ASSUMED_MARK[lang] if f"parameters.{parameter.name}" in assumed else ""
        parameters.add_row(
            cell(parameter.name),
            cell(_shown(entry, first, lang)),
            cell(entry.since.isoformat() if entry else ""),
            cell(parameter.unit or ""),
            cell(" ".join(filter(None, (parameter.source, mark)))),
            cell(parameter.description.get(lang)),
        )
    return parameters


def criteria_table(profile: Profile, lang: str) -> Table:
    """The criteria in order: id, label, source clause and condition."""
    title = word("criteria title", lang)
    criteria = table(title, lang, "criterion", "label", "source", "condition")
    for criterion in profile.criteria:
        mark = f" {ASSUMED_MARK[lang]}" if criterion.assumption else ""
        criteria.add_row(
            cell(criterion.id),
            cell(criterion.label.get(lang)),
            cell(criterion.source + mark),
            cell(criterion.condition),
        )
    return criteria
