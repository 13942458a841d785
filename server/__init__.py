"""gRPC planning service (translation and persistence only; all planning logic is in ``solver``).

Not built yet: see issue #4. Nothing in ``solver`` may import from here.
"""
