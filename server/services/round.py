"""``planning.v1.RoundService``: solve one social-cost LP for a stored economy or a document."""

from __future__ import annotations

import asyncio
import threading

import grpc
from typing_extensions import override

from server.api.planning.v1 import round_pb2 as round_pb
from server.api.planning.v1 import round_pb2_grpc as round_grpc
from server.services.common import (
    Guard,
    deadline_of,
    duration,
    item_quantities,
    termination_of,
    translate_errors,
)
from server.sessions import SessionManager
from solver.lp.results import RoundResult
from solver.status import Method, SolutionStatus
from solver.usecases import solve_document_round, to_json

__all__ = ["RoundService"]


_SOLUTION = {s: getattr(round_pb, f"SOLUTION_STATUS_{s.name}") for s in SolutionStatus}


class RoundService(round_grpc.RoundServiceServicer):
    """``planning.v1.RoundService``: one round's LP, stateless."""

    def __init__(self, manager: SessionManager, admin_token: str) -> None:
        self.manager = manager
        self.guard = Guard(manager, admin_token)

    @translate_errors
    @override
    async def SolveRound(
        self, request: round_pb.SolveRoundRequest, context: grpc.aio.ServicerContext
    ) -> round_pb.SolveRoundResponse:
        await self.guard.admin(context)
        which = request.WhichOneof("economy")
        if which == "economy_id":
            record = await self.manager.db(self.manager.store.economy, request.economy_id)
            document = record.document
        elif which == "economy_json":
            document = request.economy_json
        else:
            raise ValueError("economy: give economy_id or economy_json")
        try:
            method = Method(request.method or "auto")
        except ValueError:
            choices = ", ".join(m.value for m in Method)
            raise ValueError(f"method: unknown {request.method!r}; one of {choices}") from None
        requests: dict[str, dict[str, float]] = {}
        for entry in request.requests:
            if entry.council_id in requests:
                raise ValueError(f"requests[{entry.council_id}]: given twice")
            requests[entry.council_id] = dict(entry.quantities)
        activities = dict(request.activities)
        deadline = deadline_of(context)
        interrupt = threading.Event()

        def solve() -> RoundResult:
            return solve_document_round(
                document,
                requests,
                activities,
                method=method,
                elastic=not request.hard,
                deadline=deadline,
                interrupt=interrupt,
            )

        try:
            result = await self.manager.compute(solve)
        except asyncio.CancelledError:
            interrupt.set()
            raise
        return round_pb.SolveRoundResponse(
            termination=termination_of(result.termination),
            solution_status=_SOLUTION[result.solution],
            objective=result.objective if result.objective is not None else 0.0,
            solve_duration=duration(result.solve_seconds),
            feasible=result.feasible,
            good_prices=item_quantities(list(result.prices.index), result.prices.to_numpy()),
            primary_input_rents=item_quantities(list(result.rents.index), result.rents.to_numpy()),
            pollution_prices=[
                round_pb.PollutionPrice(federation=f, pollutant=e, price=float(p))
                for (f, e), p in zip(result.cap_rows, result.pollution_price, strict=True)
            ]
            if result.pollution_price is not None
            else [],
            activities=result.activities.to_dict(),
            shortfalls=[
                round_pb.Shortfall(good=s.good, required=s.required, missing=s.shortfall)
                for s in result.shortfalls()
            ],
            result_json=to_json(result.to_dict()),
        )
