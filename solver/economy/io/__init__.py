"""Input-output tables: the table as a data class, CSV readers for the generic layout and four
published ones (Eurostat, ONS, WIOD, BEA), the economy built from a table, and economies
from pandas frames or a pymrio system with regions kept as federations.
"""

from solver.lazy_exports import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, __file__)
