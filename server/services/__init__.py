"""The gRPC services of ``planning.v1``, one module per service; ``common`` holds the error
translation and the callers' checks they share."""

from server.services.economy import EconomyService
from server.services.jobs import JobsService
from server.services.planning import PlanningService
from server.services.round import RoundService

__all__ = ["EconomyService", "JobsService", "PlanningService", "RoundService"]
