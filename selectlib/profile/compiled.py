"""Profiles: loading by name or path, and evaluating applicants against them."""

from __future__ import annotations

import datetime as dt
import importlib
import re
import threading
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any, Final, cast

import attrs
import pandas as pd

from selectlib._typing import TableLike
from selectlib.dates import DateLike, as_date
from selectlib.eligibility.audit import AUDIT_ATTR, ProfileStamp
from selectlib.eligibility.batch import as_frame, evaluate_table
from selectlib.eligibility.decision import Decision
from selectlib.eligibility.derive import derive_one, derive_table
from selectlib.eligibility.engine import Engine, as_record
from selectlib.errors import (
    ArgumentError,
    InputError,
    ParameterError,
    Problem,
    ProfileError,
    ProfileNotFoundError,
    ValidityError,
)
from selectlib.profile.assumptions import Assumption, assumptions
from selectlib.profile.loader import parse_profile
from selectlib.profile.model import Criterion, Field, Parameter, ProfileSpec, Text
from selectlib.profile.params import Env, resolve
from selectlib.profile.source import MAX_BYTES

__all__ = ["LAZY_TABLES", "Profile", "from_text", "list_profiles", "load_profile", "profiles_dir"]

LAZY_TABLES: Final = "selectlib.simulate.distributed:evaluate_many_dask"
"""What decides a Dask DataFrame, named by module path so that the core imports no feature
(and no Dask) until one is given."""


@attrs.define(eq=False)
class _Cache:
    envs: dict[dt.date, Env] = attrs.field(factory=dict)
    stamp: ProfileStamp | None = None


@attrs.frozen
class Profile:
    """A loaded, checked and compiled profile: one program's eligibility rules.

    Profiles are immutable; :meth:`with_params` returns a new one. Two profiles are
    equal when their contents (``spec``) are equal.
    """

    spec: ProfileSpec
    engine: Engine = attrs.field(eq=False, repr=False)
    path: str | None = attrs.field(default=None, eq=False)
    _cache: _Cache = attrs.field(factory=_Cache, eq=False, repr=False, init=False)

    # -- what the profile is ---------------------------------------------------------
    @property
    def id(self) -> str:
        """The profile's identifier."""
        return self.spec.id

    @property
    def name(self) -> Text:
        """The program's name in Korean and English."""
        return self.spec.name

    @property
    def fields(self) -> tuple[Field, ...]:
        """The input schema."""
        return self.spec.fields

    @property
    def parameters(self) -> tuple[Parameter, ...]:
        """The dated parameters."""
        return self.spec.parameters

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        """The eligibility criteria, in order."""
        return self.spec.criteria

    def assumptions(self, on: DateLike | None = None) -> tuple[Assumption, ...]:
        """What the profile assumes where its sources are silent (``assumption:`` in the
        file): every one, or with ``on`` those in force that day. Reports list them."""
        return assumptions(self.spec, None if on is None else as_date(on))

    def parameter(self, name: str) -> Parameter:
        """The parameter called ``name``."""
        for parameter in self.spec.parameters:
            if parameter.name == name:
                return parameter
        known = ", ".join(p.name for p in self.spec.parameters)
        raise ParameterError(name, f"no such parameter in {self.id!r}; known: {known}")

    def params_on(self, on: DateLike = None) -> Env:
        """Every parameter's value and effective date on ``on`` (default today).

        Raises :class:`~selectlib.ParameterError` if a parameter has no value yet on
        that date, and :class:`~selectlib.ValidityError` if the date lies outside
        the profile's ``valid_from`` .. ``valid_to``.
        """
        day = as_date(on)
        env = self._cache.envs.get(day)
        if env is None:
            spec = self.spec
            if day < spec.valid_from or (spec.valid_to is not None and day > spec.valid_to):
                raise ValidityError(spec.id, day, spec.valid_from, spec.valid_to)
            env = self._cache.envs[day] = resolve(self.spec.parameters, day)
        return env

    # -- evaluation --------------------------------------------------------------------
    def evaluate(
        self, record: Mapping[str, Any] | str | bytes, on: DateLike = None, *, context: Any = None
    ) -> Decision:
        """Decide one applicant (a mapping or JSON text) on ``on`` (default today).

        Invalid values do not raise: the decision's outcome is ``invalid`` and
        ``problems`` says which field and why. With ``context`` (outside data such as
        a :class:`selectlib.geo.GeoContext`), the profile's derived fields are
        computed from it instead of read from the record.
        """
        env = self.params_on(on)
        record = as_record(record)
        if context is not None and self.spec.derived:
            record = derive_one(self.spec.derived, record, env, context)
        return self.engine.evaluate(record, env, self.stamp)

    def evaluate_many(
        self,
        table: TableLike,
        on: DateLike = None,
        *,
        explain: bool = False,
        context: Any = None,
        prefix: str = "",
    ) -> pd.DataFrame:
        """Decide every row of a table (DataFrame, mapping of columns, list of records).

        Returns one row per input row, with the same index and order: ``eligible``
        (True/False/NA), ``outcome``, ``status`` (ok/invalid), one column per
        criterion (passed/failed/missing), ``reasons_ko``/``reasons_en`` and
        ``problems`` (field and problem for invalid rows, '' for the others). With
        ``explain=True``, comparison criteria add ``<id>.value`` and ``<id>.threshold``
        columns. With ``context``, derived fields are computed from it (see
        :meth:`evaluate`). With ``prefix`` (say ``"crit."``), every column is named
        ``<prefix><name>``, the identifier's copy too, so ``table.join(results)`` works
        when a criterion is named like an input field. ``results.attrs["audit"]`` holds
        the table's audit record as JSON text (kind ``batch``; the input is not hashed):
        read it with ``AuditRecord.from_json`` (see docs/audit.md).
        A Dask DataFrame is decided partition by partition, into a lazy Dask DataFrame
        (:data:`LAZY_TABLES` names the code; Dask is imported only then).
        """
        if not isinstance(prefix, str):
            raise ArgumentError("prefix", [f"must be text such as 'crit.' (got {prefix!r})"])
        if type(table).__module__.split(".")[0] in ("dask", "dask_expr"):
            module, _, name = LAZY_TABLES.partition(":")
            lazy = getattr(importlib.import_module(module), name)
            return cast(pd.DataFrame, lazy(self, table, on, explain=explain, context=context))
        env = self.params_on(on)
        if context is not None and self.spec.derived:
            table = derive_table(self.spec.derived, as_frame(table), env, context)
        results = evaluate_table(self.engine, table, env, explain)
        if prefix:
            results = results.add_prefix(prefix)
        results.attrs[AUDIT_ATTR] = self.stamp.batch_json(env.on)
        return results

    # -- audit -------------------------------------------------------------------------
    @property
    def stamp(self) -> ProfileStamp:
        """What audit records say about this profile (its content's hash made once)."""
        found = self._cache.stamp
        if found is None:
            found = self._cache.stamp = ProfileStamp(self.spec.id, self.spec.version, self.to_dict)
        return found

    def with_params(self, changes: Mapping[str, Any], *, since: DateLike = None) -> Profile:
        """A new profile with some parameters changed; this one is left untouched.

        Keys are parameter names, or ``name.key`` for one entry of a table. Without
        ``since`` the new value replaces the whole history; with it, the value takes
        effect on that date and earlier values stay.
        """
        from selectlib.profile.reform import reformed_spec

        day = None if since is None else as_date(since, "since")
        spec = reformed_spec(self.spec, self.engine, changes, day)
        return Profile(spec, self.engine, self.path)

    # -- JSON --------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The profile as JSON-ready data in the profile file's shape."""
        from selectlib.profile.convert import converter

        return converter.unstructure(self.spec)  # type: ignore[no-any-return]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Profile:
        """A profile from data in the profile file's shape: what :meth:`to_dict` gives, or
        ``yaml.safe_load`` of a profile file (whose dates are ``datetime.date`` keys and
        values). Anything else raises a :class:`ProfileError` saying what to pass."""
        import json

        if not isinstance(data, Mapping):
            raise ProfileError(
                [
                    Problem.in_profile(
                        "$",
                        f"a profile must be a mapping (got {type(data).__name__})",
                        "pass the dict that to_dict() or yaml.safe_load(profile_file) gives, "
                        "or use load_profile(path)",
                    )
                ]
            )
        try:
            text = json.dumps(_plain(data), ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError, RecursionError) as error:
            raise ProfileError(
                [
                    Problem.in_profile(
                        "$",
                        f"the data is not in a profile file's shape ({error})",
                        "use only mappings with text keys, lists, text, numbers, booleans, "
                        "null and dates, as yaml.safe_load gives",
                    )
                ]
            ) from None
        return from_text(text, None)


def _plain(value: Any) -> Any:
    """``value`` with dates (as keys or values) written as ISO text, for JSON."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {
            (k.isoformat() if isinstance(k, dt.date) else k): _plain(v) for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def from_text(text: str, path: str | None, *, built_in: bool = False) -> Profile:
    """A profile from YAML or JSON text (``built_in``: see :func:`parse_profile`)."""
    spec, criteria, benefits = parse_profile(text, path, built_in=built_in)
    return Profile(spec, Engine(spec.id, spec.fields, criteria, spec.identifier, benefits), path)


def profiles_dir() -> Path:
    """Where the built-in profiles are: inside the installed package, or the source tree."""
    packaged = Path(str(resources.files("selectlib"))) / "scoring_profiles"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "scoring_profiles"


def list_profiles() -> list[str]:
    """The ids of the built-in profiles, sorted."""
    folder = profiles_dir()
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []


MAX_CACHED_PROFILES: Final = 64
"""Profile files kept loaded, each in its latest version only (the oldest is dropped
first): a service that reloads edited profiles does not grow without bound."""

_LOADED: dict[str, tuple[tuple[int, float], Profile]] = {}
_LOADING: Final = threading.Lock()
"""Held while the cache changes: threads of a service may load profiles at once."""
_PROFILE_ID = re.compile(r"[a-z][a-z0-9_]{0,63}")


def load_profile(name_or_path: str | Path) -> Profile:
    """Load a built-in profile by id, or a profile file by path (YAML or JSON).

    Raises :class:`~selectlib.ProfileNotFoundError` if there is no such profile and
    :class:`~selectlib.ProfileError` listing every problem if it is not valid.
    """
    text_name = str(name_or_path)
    path = Path(text_name)
    try:
        is_file = path.suffix in (".yaml", ".yml", ".json") and path.is_file()
    except OSError:  # e.g. a name too long to be a path
        is_file = False
    if not is_file:
        if not _PROFILE_ID.fullmatch(text_name):
            raise ProfileNotFoundError(text_name, list_profiles())
        path = profiles_dir() / f"{text_name}.yaml"
        if not path.is_file():
            raise ProfileNotFoundError(text_name, list_profiles())
    stat = path.stat()
    key, version = str(path.resolve()), (stat.st_size, stat.st_mtime)
    cached = _LOADED.get(key)
    if cached is not None and cached[0] == version:
        return cached[1]
    found = _read(path, stat.st_size, built_in=not is_file)
    with _LOADING:
        _LOADED.pop(key, None)  # the version it replaces; the insertion order renewed
        while len(_LOADED) >= MAX_CACHED_PROFILES:
            del _LOADED[next(iter(_LOADED))]
        _LOADED[key] = (version, found)
    return found


def _read(path: Path, size: int, built_in: bool) -> Profile:
    """A profile file read and compiled, its size bounded before it is read."""
    if size > 4 * MAX_BYTES:  # UTF-8: at most 4 bytes a character
        raise ProfileError(
            [
                Problem.in_profile(
                    "$",
                    f"the file is {size:,} bytes, more than a profile can be "
                    f"({MAX_BYTES:,} characters); it was not read",
                    "split it, or check that this is the profile file",
                    str(path),
                )
            ]
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"profile is not UTF-8 text ({exc.reason})", file=str(path)) from None
    return from_text(text, str(path), built_in=built_in)
