"""The profiles a service answers with: loaded and compiled once, replaced on request."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Final

import attrs

from selectlib.errors import InputError, ProfileNotFoundError
from selectlib.profile.compiled import Profile, list_profiles, load_profile

__all__ = ["PROFILE_SUFFIXES", "Catalog", "load_catalog"]

PROFILE_SUFFIXES: Final = (".yaml", ".yml", ".json")
"""The files of a ``--profiles`` folder that are read as profiles."""


@attrs.frozen
class Catalog:
    """Compiled profiles by id. Frozen: a reload builds a new catalog and swaps it in."""

    profiles: Mapping[str, Profile]

    def get(self, name: str) -> Profile:
        """The profile ``name``, or :class:`ProfileNotFoundError` listing the served ones."""
        found = self.profiles.get(name)
        if found is None:
            raise ProfileNotFoundError(name, sorted(self.profiles))
        return found


def load_catalog(folder: Path | None) -> Catalog:
    """Every profile of ``folder`` (None: the built-in ones), each checked and compiled.

    A bad profile fails the whole load (its :class:`~selectlib.ProfileError` lists every
    problem), so a service never starts, or reloads, with half its profiles.
    """
    if folder is None:
        loaded = [load_profile(name) for name in list_profiles()]
    else:
        if not folder.is_dir():
            raise InputError("--profiles: not a folder; give the folder of profile files")
        paths = sorted(p for p in folder.iterdir() if p.suffix in PROFILE_SUFFIXES)
        loaded = [load_profile(path) for path in paths]
    profiles: dict[str, Profile] = {}
    for profile in loaded:
        if profile.id in profiles:
            raise InputError(
                f"two profiles have the id {profile.id!r} ({profiles[profile.id].path} and "
                f"{profile.path}); give each file its own id",
            )
        profiles[profile.id] = profile
    return Catalog(profiles)
