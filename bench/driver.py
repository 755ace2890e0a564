"""A closed-loop asyncio load driver: ``concurrency`` workers call one async
function back to back, for a number of calls or a duration, and record every
latency and every error by gRPC status code."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import grpc

from bench import cpu_seconds, latency_summary


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    elapsed: float = 0.0
    concurrency: int = 0
    cpu_seconds: float = 0.0  # CPU the measured process (``cpu_of``) spent on the run

    @property
    def cpu_us_per_call(self) -> float:
        return self.cpu_seconds / max(self.ok, 1) * 1e6

    @property
    def ok(self) -> int:
        return len(self.latencies)

    @property
    def throughput(self) -> float:
        return self.ok / self.elapsed if self.elapsed else 0.0

    def summary(self) -> dict[str, Any]:
        return {"concurrency": self.concurrency, "requests_ok": self.ok,
                "errors": dict(self.errors), "elapsed_s": round(self.elapsed, 3),
                "rps": round(self.throughput, 1), **latency_summary(self.latencies)}

    @staticmethod
    def merge(runs: list["Run"]) -> "Run":
        """Alternating rounds of one side, as one run."""
        merged = Run(concurrency=runs[0].concurrency)
        for r in runs:
            merged.latencies += r.latencies
            merged.errors.update(r.errors)
            merged.elapsed += r.elapsed
            merged.cpu_seconds += r.cpu_seconds
        return merged


async def drive(call: Callable[[int], Awaitable[Any]], concurrency: int, *, total: int | None = None,
                duration: float | None = None, cpu_of: int | None = None) -> Run:
    """Run ``call(i)`` for i = 0, 1, ... from ``concurrency`` workers until
    ``total`` calls were made or ``duration`` seconds passed; with ``cpu_of``
    (a pid), also the CPU time that process spent meanwhile."""
    if total is None and duration is None:
        raise ValueError("give total or duration")
    run = Run(concurrency=concurrency)
    counter = iter(range(10**12))
    end = time.monotonic() + duration if duration is not None else None

    async def worker() -> None:
        while True:
            i = next(counter)
            if total is not None and i >= total:
                return
            if end is not None and time.monotonic() >= end:
                return
            start = time.perf_counter()
            try:
                await call(i)
            except grpc.aio.AioRpcError as exc:
                run.errors[exc.code().name] += 1
                continue
            except Exception as exc:  # a benchmark counts every failure, by kind
                run.errors[type(exc).__name__] += 1
                continue
            run.latencies.append(time.perf_counter() - start)

    cpu_before = cpu_seconds(cpu_of) if cpu_of is not None else 0.0
    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    run.elapsed = time.perf_counter() - started
    if cpu_of is not None:
        run.cpu_seconds = cpu_seconds(cpu_of) - cpu_before
    return run
