"""``planning.v1.JobsService``: balanced job complexes and effort ratings."""

from __future__ import annotations

import math
from typing import Any

import grpc
from typing_extensions import override

from server.api.planning.v1 import jobs_pb2 as jobs_pb
from server.api.planning.v1 import jobs_pb2_grpc as jobs_grpc
from server.services.common import Guard, translate_errors
from server.sessions import SessionManager
from solver.jobs.reports import BalanceStatus, SocietyResult, WorkplaceReport
from solver.usecases import (
    DEFAULT_PARTNERS,
    DEFAULT_TOLERANCE,
    balance_workplace,
    member_budgets,
    parse_economy,
    parse_society,
    society_ratings,
    spread,
    to_json,
)

__all__ = ["JobsService"]


_BALANCE = {
    BalanceStatus.BALANCED: jobs_pb.BALANCE_STATUS_BALANCED,
    BalanceStatus.UNBALANCED: jobs_pb.BALANCE_STATUS_UNBALANCED,
    BalanceStatus.INFEASIBLE: jobs_pb.BALANCE_STATUS_INFEASIBLE,
}


def _workplace_balance(
    report: WorkplaceReport, target: tuple[float, float]
) -> jobs_pb.WorkplaceBalance:
    result = report.result
    before = spread(report.before, target) if report.before else None
    after = result.spread() if result.complexes else None
    return jobs_pb.WorkplaceBalance(
        workplace_id=report.workplace,
        status=_BALANCE[result.status],
        largest_deviation=(
            result.largest_deviation if result.largest_deviation is not None else math.nan
        ),
        empowerment_gini_before=before["empowerment_gini"] if before else 0.0,
        empowerment_gini_after=after["empowerment_gini"] if after else 0.0,
        reasons=result.reasons,
    )


def _finite_json(data: Any) -> str:
    """JSON with NaN (the ratings of members who work no hours) as null."""
    return to_json(data)


class JobsService(jobs_grpc.JobsServiceServicer):
    """``planning.v1.JobsService``: balanced job complexes and effort ratings, stateless."""

    def __init__(self, manager: SessionManager, admin_token: str) -> None:
        self.manager = manager
        self.guard = Guard(manager, admin_token)

    @staticmethod
    def _tolerance(value: float) -> float:
        if not (math.isfinite(value) and 0.0 <= value < 1.0):
            raise ValueError(f"tolerance: a share of the rating scale in [0, 1), got {value}")
        return value or DEFAULT_TOLERANCE

    @translate_errors
    @override
    async def BalanceWorkplace(
        self, request: jobs_pb.BalanceWorkplaceRequest, context: grpc.aio.ServicerContext
    ) -> jobs_pb.BalanceWorkplaceResponse:
        await self.guard.admin(context)
        tolerance = self._tolerance(request.tolerance)

        def run() -> WorkplaceReport:
            society = parse_society(request.workplaces_json)
            places = {w.id: w for w in society.workplaces}
            if request.workplace_id:
                if request.workplace_id not in places:
                    raise ValueError(f"workplace_id: no workplace {request.workplace_id!r}")
                workplace = places[request.workplace_id]
            elif len(places) == 1:
                (workplace,) = places.values()
            else:
                raise ValueError("workplace_id: the document has several workplaces; name one")
            return balance_workplace(workplace, tolerance=tolerance)

        report = await self.manager.compute(run)
        return jobs_pb.BalanceWorkplaceResponse(
            balance=_workplace_balance(report, report.result.target),
            result_json=_finite_json(report.to_dict()),
        )

    @translate_errors
    @override
    async def BalanceSociety(
        self, request: jobs_pb.BalanceSocietyRequest, context: grpc.aio.ServicerContext
    ) -> jobs_pb.BalanceSocietyResponse:
        await self.guard.admin(context)
        tolerance = self._tolerance(request.tolerance)
        if request.partners < 0:
            raise ValueError(f"partners: must be >= 0, got {request.partners}")
        partners = request.partners or DEFAULT_PARTNERS

        def run() -> SocietyResult:
            society = parse_society(request.workplaces_json)
            together, _ = society_ratings(society, tolerance=tolerance, partners=partners)
            return together

        result = await self.manager.compute(run)
        return jobs_pb.BalanceSocietyResponse(
            workplaces=[_workplace_balance(w, result.target) for w in result.workplaces],
            largest_deviation=result.largest_deviation(),
            largest_deviation_alone=result.largest_deviation(result.alone),
            away_hours=result.away_hours,
            result_json=_finite_json(result.to_dict()),
        )

    @translate_errors
    @override
    async def GetRatings(
        self, request: jobs_pb.GetRatingsRequest, context: grpc.aio.ServicerContext
    ) -> jobs_pb.GetRatingsResponse:
        await self.guard.admin(context)
        tolerance = self._tolerance(request.tolerance)
        document = None
        if request.economy_id:
            record = await self.manager.db(self.manager.store.economy, request.economy_id)
            document = record.document

        def run() -> tuple[dict[str, float], dict[str, float]]:
            society = parse_society(request.workplaces_json)
            _, ratings = society_ratings(society, tolerance=tolerance)
            budgets: dict[str, float] = {}
            if document is not None:
                budgets = member_budgets(parse_economy(document), society, ratings)
            return ratings, budgets

        ratings, budgets = await self.manager.compute(run)
        return jobs_pb.GetRatingsResponse(ratings=ratings, member_budgets=budgets)
