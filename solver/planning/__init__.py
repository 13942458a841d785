"""The planning procedure: the market of councils an economy makes (:mod:`~.from_economy`,
:mod:`~.market`), the councils' behaviour (:mod:`~.councils`) and live councils' proposals
(:mod:`~.live_proposals`), the board (:mod:`~.board`: master LP, model of the councils,
evaluation, excess measures), its price rules (:mod:`~.rules`), and the session that plays
the rounds (:mod:`~.session`) to a result (:mod:`~.result`).
"""

from solver.lazy_exports import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, __file__)
