"""One worker thread for the CPU work of requests, earliest deadline first.

The rules, the guard, fact extraction, the fallback and the prompt's
redaction are synchronous Python. On a maximum-size request (a 4,000-character
draft, 100 messages of 4,000 characters) they add up to about 150 ms; run on
the event loop, every other call waited behind them (issue 18). ``CpuLane``
runs them on one thread instead, so the loop keeps answering (small Checks,
health, the model calls' I/O) while it works; the GIL is handed back to the
loop every switch interval (5 ms by default).

- One worker: the guard keeps per-process caches that are not made for
  concurrent writers, and more threads would not add CPU under the GIL.
- Earliest deadline first: the fallback of a request near its deadline runs
  before the first stage of a request that just arrived.
- Bounded: beyond ``max_queued`` waiting jobs ``run`` raises ``Overloaded``
  at once; a job whose deadline passed while it waited is not started
  (``DeadlineExpired``), and a job whose caller went away (cancelled) is
  dropped unstarted. A job that has started runs to its end (Python can't
  interrupt it), which the per-request bounds keep short.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from service.errors import DeadlineExpired, Overloaded

log = logging.getLogger(__name__)
T = TypeVar("T")


class _Job:
    __slots__ = ("deadline", "fn", "args", "loop", "future", "cancelled")

    def __init__(self, deadline: float, fn: Callable[..., Any], args: tuple[Any, ...],
                 loop: asyncio.AbstractEventLoop, future: asyncio.Future[Any]) -> None:
        self.deadline = deadline
        self.fn = fn
        self.args = args
        self.loop = loop
        self.future = future
        self.cancelled = False


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


class CpuLane:
    """``await lane.run(deadline, fn, *args)`` runs ``fn(*args)`` on the lane's thread.

    ``deadline`` is a ``clock()`` time (``time.monotonic`` by default)."""

    def __init__(self, max_queued: int = 256, clock: Callable[[], float] = time.monotonic,
                 name: str = "cpu-lane") -> None:
        self._max_queued = max_queued
        self._clock = clock
        self._heap: list[tuple[float, int, _Job]] = []
        self._seq = itertools.count()
        self._cv = threading.Condition()
        self._closed = False
        self._busy = False
        self._thread = threading.Thread(target=self._work, name=name, daemon=True)
        self._thread.start()

    @property
    def queued(self) -> int:
        return len(self._heap)

    @property
    def busy(self) -> bool:
        return self._busy

    async def run(self, deadline: float, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        job = _Job(deadline, fn, args, loop, future)
        with self._cv:
            if self._closed:
                raise RuntimeError("the CPU lane is closed")
            if len(self._heap) >= self._max_queued:
                raise Overloaded(1.0, "CPU queue")
            heapq.heappush(self._heap, (deadline, next(self._seq), job))
            self._cv.notify()
        try:
            return await future
        except asyncio.CancelledError:
            job.cancelled = True   # dropped unstarted; a started job finishes and is ignored
            raise

    def close(self, timeout: float | None = None) -> None:
        """Finish the job in hand, drop the waiting ones, stop the thread."""
        with self._cv:
            self._closed = True
            waiting, self._heap = self._heap, []
            self._cv.notify_all()
        for _, _, job in waiting:
            job.loop.call_soon_threadsafe(_settle, job.future, None, RuntimeError("the CPU lane is closed"))
        self._thread.join(timeout)

    def _work(self) -> None:
        while True:
            with self._cv:
                while not self._heap and not self._closed:
                    self._cv.wait()
                if self._closed:
                    return
                _, _, job = heapq.heappop(self._heap)
                self._busy = True
            try:
                if job.cancelled:
                    continue
                if self._clock() >= job.deadline:
                    self._deliver(job, None, DeadlineExpired("the deadline passed before the work started"))
                    continue
                try:
                    result = job.fn(*job.args)
                except BaseException as exc:  # handed to the awaiting coroutine, raised there
                    self._deliver(job, None, exc)
                else:
                    self._deliver(job, result, None)
            finally:
                self._busy = False

    @staticmethod
    def _deliver(job: _Job, result: Any, error: BaseException | None) -> None:
        try:
            job.loop.call_soon_threadsafe(_settle, job.future, result, error)
        except RuntimeError:
            pass  # the loop is closed: nobody is waiting any more


async def run_inline(deadline: float, fn: Callable[..., T], *args: Any) -> T:
    """``CpuLane.run``'s signature, on the caller's thread (the CLI, benchmarks in process)."""
    return fn(*args)
