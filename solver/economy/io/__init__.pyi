# What this package exports. Type checkers read this stub; at run time
# solver.lazy_exports reads it too and imports each name's module on first use.

from solver.economy.io.frames import economy_from_dataframes
from solver.economy.io.mrio import economy_from_pymrio
from solver.economy.io.readers import TABLE_FORMATS, read_io_table
from solver.economy.io.table import IOTable, IOTableError
from solver.economy.io.to_economy import economy_from_io_table, io_table_summary

__all__ = [
    "TABLE_FORMATS",
    "IOTable",
    "IOTableError",
    "economy_from_dataframes",
    "economy_from_io_table",
    "economy_from_pymrio",
    "io_table_summary",
    "read_io_table",
]
