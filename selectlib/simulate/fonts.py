"""Which font draws the charts' Korean labels, and the chart style, set only while drawing.

matplotlib ships no font with Hangul. selectlib depends on ``koreanize-matplotlib`` for
its NanumGothic files (SIL Open Font License), registered with matplotlib's font manager
without importing that package (its import would change matplotlib's global settings), so
Korean charts work on a fresh machine with no network. The charts use the first Korean
font found (a family of :data:`KOREAN_FAMILIES`, else any font that has the Hangul
syllables); with none, Korean labels would be drawn as empty boxes, so the charts fall
back to English labels (:func:`chart_lang`).

Settings go through ``matplotlib.rc_context`` (:func:`chart_style`), so drawing a chart
changes no global matplotlib setting of the program that called it.
"""

from __future__ import annotations

import functools
import importlib.util
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

__all__ = ["HASH_SALT", "KOREAN_FAMILIES", "chart_lang", "chart_style", "korean_font"]

KOREAN_FAMILIES: Final = (
    "Noto Sans CJK KR",
    "Noto Sans KR",
    "NanumGothic",
    "NanumBarunGothic",
    "Malgun Gothic",
    "Apple SD Gothic Neo",
    "AppleGothic",
    "UnDotum",
    "Baekmuk Gulim",
)
"""Korean font families preferred, in order, when installed."""

HASH_SALT: Final = "selectlib"
"""The SVG writer's id salt: fixed, so the same chart is the same file."""

_HANGUL: Final = (0xAC00, 0xD7A3)  # 가 and 힣, the first and last Hangul syllables
_PLACEHOLDERS: Final = ("Last Resort",)  # map every character to a box: not a Korean font


@functools.cache
def _register_bundled() -> None:
    """Add the NanumGothic files koreanize-matplotlib ships to matplotlib's fonts, once."""
    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        return
    from matplotlib import font_manager

    folder = Path(spec.submodule_search_locations[0]) / "fonts"
    for path in sorted(folder.glob("NanumGothic*.ttf")):
        font_manager.fontManager.addfont(str(path))


def korean_font() -> str | None:
    """The family of a font that draws Hangul, or None when there is none."""
    from matplotlib import font_manager

    _register_bundled()
    fonts = tuple(sorted({(f.name, f.fname) for f in font_manager.fontManager.ttflist}))
    names = {name for name, _ in fonts}
    for family in KOREAN_FAMILIES:
        if family in names:
            return family
    return _covering(fonts)


@functools.lru_cache(maxsize=4)
def _covering(fonts: tuple[tuple[str, str], ...]) -> str | None:
    """The first of ``fonts`` (name, file) whose character map has the Hangul syllables."""
    from matplotlib.ft2font import FT2Font

    for name, file in fonts:
        if name.startswith(_PLACEHOLDERS):
            continue
        try:
            charmap = FT2Font(file).get_charmap()
        except (OSError, RuntimeError, ValueError):
            continue
        if all(code in charmap for code in _HANGUL):
            return name
    return None


def chart_lang(lang: str) -> str:
    """The language the charts can be labelled in: ``"ko"`` when asked and a Korean font
    is installed, else ``"en"``."""
    return "ko" if lang == "ko" and korean_font() is not None else "en"


@contextmanager
def chart_style() -> Iterator[None]:
    """matplotlib settings for the charts while drawing and saving them: the Korean font
    first when there is one, a fixed SVG salt, text drawn as paths (the same picture on
    every viewer)."""
    import matplotlib as mpl

    korean = korean_font()
    families = [korean, "DejaVu Sans"] if korean else ["DejaVu Sans"]
    with (
        mpl.rc_context(
            {
                "font.family": families,
                "svg.hashsalt": HASH_SALT,
                "svg.fonttype": "path",
                "axes.unicode_minus": False,
            }
        ),
        warnings.catch_warnings(),
    ):
        # names in Hangul without a Korean font draw as boxes: the report says so once
        warnings.filterwarnings("ignore", "Glyph .* missing from font", UserWarning)
        yield
