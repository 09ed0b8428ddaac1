"""The ``selectlib`` command: the typer app (:mod:`.app`), shared options
(:mod:`.options`), rendering (:mod:`.render`) and one module per command group. The outer
ring: nothing in the library imports it."""

from __future__ import annotations

from selectlib.cli.app import main

__all__ = ["main"]
