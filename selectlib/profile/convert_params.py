"""Parameters in a profile file and back: a fixed ``value`` or a dated ``history``
(whose entries may be ``null``), a ``source`` and the ``assumption`` made."""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

import cattrs
import numpy as np

from selectlib.dates import moment
from selectlib.eligibility.coerce import shown
from selectlib.profile.convert_base import converter, structure_date
from selectlib.profile.model import Assumed, Dated, Parameter, ParamTable, ParamValue, Text

__all__ = ["DATETIME", "parameter_value", "register_parameter_hooks", "structure_param_value"]

DATETIME: Final = "datetime"
"""The ``kind`` of a parameter whose values are dates and times (KST)."""


def structure_param_value(value: Any, _: Any = None) -> ParamValue:
    if isinstance(value, np.generic) and not isinstance(value, np.str_ | np.bytes_):
        value = value.item()  # np.int64(3) from a DataFrame is the number 3
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime):
        return _moment(value)
    if isinstance(value, list | tuple):
        return tuple(value)
    if isinstance(value, dict):
        return ParamTable(tuple((str(key), item) for key, item in value.items()))
    if isinstance(value, ParamTable):
        return value
    raise TypeError(
        "a parameter value must be a number, text, date and time, list or table, "
        f"got {shown(value)}"
    )


def _moment(value: Any) -> dt.datetime:
    try:
        return moment(value)
    except ValueError as error:
        raise TypeError(str(error)) from None


def parameter_value(kind: str | None, value: Any) -> ParamValue:
    """A value of a parameter of ``kind``: text is read as a date and time for ``datetime``."""
    if kind == DATETIME:
        return _moment(value)
    return structure_param_value(value, ParamValue)


def _dated_value(kind: str | None, value: Any) -> ParamValue | None:
    """A history entry: a value, or None (YAML ``null``) for a period with none."""
    return None if value is None else parameter_value(kind, value)


def _unstructure_param_value(value: ParamValue | None) -> Any:
    if isinstance(value, ParamTable):
        return value.as_dict()
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()  # read back as a date and time by the parameter's kind
    return value


def _unstructure_parameter(parameter: Parameter) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": parameter.name,
        "description": converter.unstructure(parameter.description),
    }
    if parameter.unit is not None:
        data["unit"] = parameter.unit
    if parameter.keyed_by is not None:
        data["keyed_by"] = parameter.keyed_by
    if parameter.kind is not None:
        data["kind"] = parameter.kind
    if parameter.source is not None:
        data["source"] = parameter.source
    if parameter.assumption:
        data["assumption"] = converter.unstructure(parameter.assumption)
    data["history"] = {
        entry.since.isoformat(): _unstructure_param_value(entry.value)
        for entry in parameter.history
    }
    return data


def _structure_parameter(data: dict[str, Any], _: type) -> Parameter:
    extra = set(data) - {"name", "description", "unit", "keyed_by", "history", "value", "since"}
    extra -= {"source", "assumption", "kind"}
    if extra:
        raise cattrs.ForbiddenExtraKeysError("", Parameter, extra)
    kind = data.get("kind")
    if "history" in data:
        history = tuple(
            Dated(structure_date(since, dt.date), _dated_value(kind, value))
            for since, value in sorted(data["history"].items(), key=lambda kv: str(kv[0]))
        )
    else:
        history = (
            Dated(
                structure_date(data["since"], dt.date),
                parameter_value(kind, data["value"]),
            ),
        )
    return Parameter(
        name=data["name"],
        history=history,
        description=converter.structure(data["description"], Text),
        unit=data.get("unit"),
        keyed_by=data.get("keyed_by"),
        source=data.get("source"),
        assumption=_structure_assumed(data.get("assumption", ()), None),
        kind=kind,
    )


def _structure_assumed(value: Any, _: Any) -> tuple[Assumed, ...]:
    """One assumption is written as a mapping, several as a list of them."""
    items = [value] if isinstance(value, dict) else value
    return tuple(converter.structure(item, Assumed) for item in items)


def register_parameter_hooks() -> None:
    """Teach the profile converter parameters, their values and their assumptions."""
    converter.register_structure_hook(ParamValue, structure_param_value)
    converter.register_unstructure_hook(ParamValue, _unstructure_param_value)
    converter.register_unstructure_hook(ParamTable, _unstructure_param_value)
    converter.register_structure_hook(ParamTable, structure_param_value)
    converter.register_unstructure_hook(Parameter, _unstructure_parameter)
    converter.register_structure_hook(Parameter, _structure_parameter)
    converter.register_structure_hook_func(
        lambda kind: kind == tuple[Assumed, ...], _structure_assumed
    )
