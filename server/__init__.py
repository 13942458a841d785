"""gRPC planning service: translation and persistence only; all planning logic is in ``solver``.

- :mod:`server.app`: the server (health checking, reflection, limits, TLS, shutdown);
- :mod:`server.services`: the ``planning.v1`` services, messages in and out, errors to codes;
- :mod:`server.sessions`: sessions in memory, replayed from the database after a restart;
- :mod:`server.store`: the SQLite database;
- :mod:`server.client`: a typed client; :mod:`server.cli`: ``parplan-server``.

Nothing in ``solver`` imports from here.
"""
