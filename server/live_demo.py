"""A planning session in which two councils propose over the network.

Every other council is simulated by the server. Each live council here decides the way a
simulated one would (the solver's council behaviour, run on the council's own copy of the
economy), so the session ends at the same plan as ``parplan plan`` on the same example;
a real council would put its own proposal in :func:`proposal_of`.

Run against a running server (``parplan-server serve``)::

    parplan-server demo --target 127.0.0.1:50051
"""

from __future__ import annotations

from solver.planning.live_proposals import CouncilDirectory, CouncilKind, CouncilProposal
from solver.usecases import load_example, planning_market, simulated_council_proposal

from .api.planning.v1 import planning_pb2 as pb
from .client import PlanningClient

__all__ = ["proposal_of", "run_demo"]


def proposal_of(
    directory: CouncilDirectory, council: str, prices: dict[str, float]
) -> CouncilProposal:
    """What ``council`` proposes at ``prices`` (its requests or its activities)."""
    return simulated_council_proposal(directory, council, prices)


def run_demo(
    target: str, admin_token: str, *, example: str = "planning-town", councils: list[str] | None
) -> int:
    """Create the example economy and a session with live councils, and play it out."""
    planned = load_example(example)
    directory = CouncilDirectory(planning_market(planned))
    if not councils:  # one consumer council and one worker council
        kinds = directory.kinds
        councils = [
            next(c for c, k in kinds.items() if k is CouncilKind.CONSUMER),
            next(c for c, k in kinds.items() if k is CouncilKind.WORKER),
        ]
    with PlanningClient(target, admin_token) as admin:
        economy = admin.create_economy(planned)
        session, tokens = admin.create_session(economy.economy_id, live_councils=councils)
        sid = session.session_id
        print(f"economy {economy.economy_id} ({economy.name}), session {sid}")
        print(f"live councils: {', '.join(tokens)}; the others are simulated by the server")
        voices = {c: admin.as_council(t) for c, t in tokens.items()}
        while admin.get_session(sid).status == pb.SESSION_STATUS_RUNNING:
            for council, client in voices.items():
                round_, prices = client.prices(sid)
                proposal = proposal_of(directory, council, prices)
                reply = client.submit(
                    sid,
                    council,
                    round_,
                    requests=proposal.requests,
                    activities=proposal.activities,
                )
            last = admin.get_session(sid).last_round
            print(
                f"round {last.round:3d}: largest excess {last.max_excess:.4f} "
                f"({last.worst_item}), price change {last.price_change:.4f}, "
                f"rejected {last.rejected}"
                + (" (closed by the last submission)" if reply.round_closed else "")
            )
        final = admin.get_session(sid)
        status = pb.SessionStatus.Name(final.status).removeprefix("SESSION_STATUS_").lower()
        print(f"session {status} after {final.current_round} rounds")
        for council, client in voices.items():
            feedback = client.get_round(sid, final.current_round).feedback[0]
            verdict = "approved" if feedback.approved else "rejected"
            print(f"  {council}: {verdict}, {feedback.reason}")
        plan = admin.get_plan(sid, top=10)
        listed = ", ".join(f"{i['item']} {i['price']:.4g}" for i in plan["items"])
        print(f"prices: {listed}")
        levels = plan["plan"]["activities"]
        print("activities: " + ", ".join(f"{t} {level:.4g}" for t, level in levels.items()))
    return 0 if final.status == pb.SESSION_STATUS_CONVERGED else 1
