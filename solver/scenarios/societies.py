"""Synthetic societies of workplaces, members and tasks, for tests and benchmarks of job
balancing."""

from __future__ import annotations

import numpy as np

from solver.jobs.workplaces import Society, parse_society

__all__ = ["synthetic_society"]


def synthetic_society(
    n_workplaces: int,
    members: int,
    tasks: int,
    *,
    qualifications: int = 5,
    seed: int = 0,
) -> Society:
    """A random society for tests and benchmarks.

    Each workplace has ``tasks`` tasks (hours 5-40, ratings 0-10 drawn around a workplace
    mean, so that some workplaces are on average more empowering than others) and
    ``members`` members offering 30-40 hours, enough for the tasks. A fifth of the tasks
    need one of ``qualifications`` qualifications, which half the members hold.
    """
    rng = np.random.default_rng(seed)
    places = []
    for k in range(n_workplaces):
        mean_e, mean_d = rng.uniform(2.0, 8.0, 2)
        hours = rng.uniform(5.0, 40.0, tasks)
        offered = rng.uniform(30.0, 40.0, members)
        hours *= 0.95 * offered.sum() / hours.sum()  # the members offer 5 % more than needed
        e = np.clip(rng.normal(mean_e, 2.5, tasks), 0, 10)
        d = np.clip(rng.normal(mean_d, 2.5, tasks), 0, 10)
        needs = rng.random(tasks) < 0.2
        which = rng.integers(0, qualifications, tasks)
        held = rng.random((members, qualifications)) < 0.5
        places.append(
            {
                "id": f"w{k}",
                "tasks": [
                    {
                        "id": f"w{k}-t{j}",
                        "hours": round(float(hours[j]), 3),
                        "empowerment": round(float(e[j]), 2),
                        "desirability": round(float(d[j]), 2),
                        "qualifications": [f"q{which[j]}"] if needs[j] else [],
                    }
                    for j in range(tasks)
                ],
                "members": [
                    {
                        "id": f"w{k}-m{i}",
                        "hours": round(float(offered[i]), 3),
                        "qualifications": [f"q{q}" for q in np.flatnonzero(held[i])],
                    }
                    for i in range(members)
                ],
            }
        )
    return parse_society({"name": f"synthetic-{n_workplaces}x{members}", "workplaces": places})
