"""What a browser needs to show a map offline: Leaflet 1.9.4 (BSD-2-Clause), shipped here.

Maps written by selectlib inline these files instead of linking a CDN, so a map opens on
a machine without network access and shows the same thing years later.
"""

from __future__ import annotations

from importlib import resources

__all__ = ["LEAFLET_VERSION", "leaflet_css", "leaflet_js"]

LEAFLET_VERSION = "1.9.4"


def _read(name: str) -> str:
    return (resources.files(__package__) / "leaflet" / name).read_text(encoding="utf-8")


def leaflet_js() -> str:
    """Leaflet's JavaScript, to inline in a ``<script>`` element."""
    return _read("leaflet.js")


def leaflet_css() -> str:
    """Leaflet's style sheet, to inline in a ``<style>`` element."""
    return _read("leaflet.css")
