"""A phrase in Korean and English, the unit of every label and message."""

from __future__ import annotations

import attrs

__all__ = ["Text"]


@attrs.frozen
class Text:
    """A phrase in Korean and English."""

    ko: str
    en: str

    def get(self, lang: str) -> str:
        """The phrase in ``lang`` (``"ko"`` or ``"en"``)."""
        return self.ko if lang == "ko" else self.en
