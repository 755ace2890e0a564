"""service/cpu.py: one worker thread, earliest deadline first, bounded.

Synchronised with events, not sleeps: a job that blocks on a threading.Event
holds the lane while the test queues the others.
"""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from service.cpu import CpuLane
from service.errors import DeadlineExpired, Overloaded


@pytest.fixture
def lane():  # type: ignore[no-untyped-def]
    lane = CpuLane(max_queued=3)
    yield lane
    lane.close(timeout=5)


async def _hold(lane: CpuLane) -> tuple[threading.Event, asyncio.Task[str]]:
    """A job that keeps the lane busy until the returned event is set."""
    started, release = threading.Event(), threading.Event()

    def block() -> str:
        started.set()
        assert release.wait(30)
        return "held"

    task = asyncio.create_task(lane.run(time.monotonic() + 60, block))
    assert await asyncio.to_thread(started.wait, 30)
    return release, task


async def test_runs_off_the_loop_and_returns_the_result(lane: CpuLane) -> None:
    loop_thread = threading.get_ident()
    assert await lane.run(time.monotonic() + 30, threading.get_ident) != loop_thread
    assert await lane.run(time.monotonic() + 30, lambda a, b: a + b, 2, 3) == 5


async def test_an_exception_reaches_the_caller(lane: CpuLane) -> None:
    with pytest.raises(ZeroDivisionError):
        await lane.run(time.monotonic() + 30, lambda: 1 / 0)


async def test_earliest_deadline_first(lane: CpuLane) -> None:
    release, held = await _hold(lane)
    order: list[str] = []
    now = time.monotonic()
    late = asyncio.create_task(lane.run(now + 50, order.append, "late"))
    soon = asyncio.create_task(lane.run(now + 10, order.append, "soon"))
    await asyncio.sleep(0)   # both queued behind the held job
    release.set()
    await asyncio.gather(held, late, soon)
    assert order == ["soon", "late"]


async def test_a_job_whose_deadline_passed_while_waiting_is_not_started(lane: CpuLane) -> None:
    release, held = await _hold(lane)
    ran = threading.Event()
    expired = asyncio.create_task(lane.run(time.monotonic() - 1, ran.set))
    await asyncio.sleep(0)
    release.set()
    with pytest.raises(DeadlineExpired):
        await expired
    await held
    assert not ran.is_set()


async def test_a_cancelled_caller_drops_its_job_unstarted(lane: CpuLane) -> None:
    release, held = await _hold(lane)
    ran = threading.Event()
    job = asyncio.create_task(lane.run(time.monotonic() + 30, ran.set))
    await asyncio.sleep(0)
    job.cancel()
    with pytest.raises(asyncio.CancelledError):
        await job
    release.set()
    await held
    assert await lane.run(time.monotonic() + 30, lambda: "after") == "after"
    assert not ran.is_set()


async def test_beyond_max_queued_jobs_it_refuses_at_once(lane: CpuLane) -> None:
    release, held = await _hold(lane)
    waiting = [asyncio.create_task(lane.run(time.monotonic() + 30, lambda: None)) for _ in range(3)]
    await asyncio.sleep(0)
    with pytest.raises(Overloaded) as refused:
        await lane.run(time.monotonic() + 30, lambda: None)
    assert "CPU queue is full" in str(refused.value)
    release.set()
    await asyncio.gather(held, *waiting)
