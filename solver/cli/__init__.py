"""The ``parplan`` command line: one module per group of commands, all calling
:mod:`solver.usecases`."""

from solver.cli.main import main

__all__ = ["main"]
