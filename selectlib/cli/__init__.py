"""The ``selectlib`` command: the typer app (:mod:`.app`), shared options
(:mod:`.options`), rendering (:mod:`.render`) and one module per command group. The outer
ring: nothing in the library imports it.

A command's module holds its typer signature and imports light; its work (tables, rich,
the scoring and geo stacks) sits in a module the command imports when it runs
(:mod:`.selection`, :mod:`.demo`, :mod:`.funding_view`, :mod:`.cluster_count`,
:mod:`.batches`), so ``selectlib --help`` starts fast."""

from __future__ import annotations

from selectlib.cli.app import main

__all__ = ["main"]
