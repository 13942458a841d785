"""The service's asyncio primitives, on their own: the gate between submissions and a
round's close, group commit, and background tasks."""

from __future__ import annotations

import asyncio
import logging

import pytest

from server.concurrency import GroupCommit, RoundGate, Workers


def test_a_close_waits_for_submissions_in_progress_and_holds_back_new_ones() -> None:
    events: list[str] = []

    async def main() -> None:
        gate = RoundGate()
        first_in = asyncio.Event()
        release_first = asyncio.Event()

        async def submit(name: str, hold: asyncio.Event | None = None) -> None:
            async with gate.submitting():
                events.append(f"{name} in")
                if hold is not None:
                    first_in.set()
                    await hold.wait()
                events.append(f"{name} out")

        async def close() -> None:
            async with gate.closing():
                events.append("close in")
                await asyncio.sleep(0.01)
                events.append("close out")

        a = asyncio.ensure_future(submit("a", release_first))
        await first_in.wait()
        c = asyncio.ensure_future(close())
        await asyncio.sleep(0.01)  # the close is waiting for a
        b = asyncio.ensure_future(submit("b"))
        await asyncio.sleep(0.01)  # b waits behind the close
        assert events == ["a in"]
        release_first.set()
        await asyncio.gather(a, b, c)

    asyncio.run(main())
    assert events == ["a in", "a out", "close in", "close out", "b in", "b out"]


def test_submissions_pass_together() -> None:
    async def main() -> int:
        gate = RoundGate()
        inside = 0
        most = 0

        async def submit() -> None:
            nonlocal inside, most
            async with gate.submitting():
                inside += 1
                most = max(most, inside)
                await asyncio.sleep(0.01)
                inside -= 1

        await asyncio.gather(*(submit() for _ in range(5)))
        return most

    assert asyncio.run(main()) == 5


def test_group_commit_writes_what_arrived_meanwhile_in_one_batch() -> None:
    batches: list[list[int]] = []

    async def main() -> list[int | str]:
        release = asyncio.Event()

        async def write(items: list[int]) -> list[int | Exception]:
            batches.append(list(items))
            await release.wait()
            return [ValueError(f"refused {i}") if i == 3 else 10 * i for i in items]

        commit: GroupCommit[int, int] = GroupCommit(write)
        puts = [asyncio.ensure_future(commit.put(1))]
        await asyncio.sleep(0.01)  # 1 is being written; 2, 3, 4 wait for the next batch
        puts += [asyncio.ensure_future(commit.put(i)) for i in (2, 3, 4)]
        await asyncio.sleep(0.01)
        release.set()
        done = await asyncio.gather(*puts, return_exceptions=True)
        return [str(x) if isinstance(x, Exception) else x for x in done]

    assert asyncio.run(main()) == [10, 20, "refused 3", 40]
    assert batches == [[1], [2, 3, 4]]


def test_a_failed_transaction_refuses_its_whole_batch_only() -> None:
    async def main() -> list[object]:
        calls = 0

        async def write(items: list[str]) -> list[str | Exception]:
            nonlocal calls
            calls += 1
            if calls == 1:
                raise OSError("disk full")
            return [s.upper() for s in items]

        commit: GroupCommit[str, str] = GroupCommit(write)
        first = await asyncio.gather(commit.put("a"), return_exceptions=True)
        second = await commit.put("b")
        return [*first, second]

    first, second = asyncio.run(main())
    assert isinstance(first, OSError) and second == "B"


def test_a_background_task_outlives_its_caller_and_its_failure_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    finished: list[str] = []

    async def main() -> None:
        workers = Workers(solve_workers=1)

        async def work() -> None:
            await asyncio.sleep(0.02)
            finished.append("work")

        async def fail() -> None:
            raise RuntimeError("boom")

        async def caller() -> None:
            await asyncio.shield(workers.spawn(work()))

        call = asyncio.ensure_future(caller())
        await asyncio.sleep(0.005)
        call.cancel()  # the caller goes away; the work goes on
        workers.spawn(fail())
        await asyncio.sleep(0.05)
        assert await workers.compute(sum, [1, 2, 3]) == 6
        workers.shutdown_workers()

    with caplog.at_level(logging.ERROR, logger="server.concurrency"):
        asyncio.run(main())
    assert finished == ["work"]
    assert any("background task failed" in r.getMessage() for r in caplog.records)
