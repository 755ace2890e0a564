"""Circuit breaker, admission control and the rewrite cache, with injected clocks."""

from __future__ import annotations

import asyncio

import pytest

from service.errors import Overloaded
from service.resilience import AdmissionControl, CircuitBreaker, RewriteCache


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_breaker_opens_after_threshold_and_probes_once_after_cooldown() -> None:
    clock, changes = Clock(), []
    breaker = CircuitBreaker(3, cooldown=10, clock=clock, on_change=changes.append)
    assert not breaker.record_failure() and not breaker.record_failure()
    assert breaker.allow()
    assert breaker.record_failure()  # third consecutive failure trips it
    assert breaker.is_open and changes == [True]
    assert not breaker.allow()
    clock.now += 10
    assert breaker.allow()          # the one probe
    assert not breaker.allow()      # nobody else while it runs
    breaker.record_failure()        # probe failed: another cool-down
    assert not breaker.allow()
    clock.now += 10
    assert breaker.allow()
    breaker.record_success()
    assert not breaker.is_open and changes == [True, False]
    assert breaker.allow()


def test_success_resets_the_failure_count() -> None:
    breaker = CircuitBreaker(2, cooldown=10, clock=Clock())
    breaker.record_failure()
    breaker.record_success()
    assert not breaker.record_failure()
    assert not breaker.is_open


async def test_admission_sheds_beyond_slots_and_queue_immediately() -> None:
    admission = AdmissionControl(max_concurrent=2, max_queued=1, retry_hint=0.5)
    release = asyncio.Event()
    entered = []

    async def hold() -> None:
        async with admission:
            entered.append(1)
            await release.wait()

    holders = [asyncio.create_task(hold()) for _ in range(3)]  # 2 running + 1 queued
    await asyncio.sleep(0.01)
    assert admission.active == 2 and admission.waiting == 1
    with pytest.raises(Overloaded) as err:
        async with admission:
            pass
    assert err.value.retry_after == 0.5
    release.set()
    await asyncio.gather(*holders)
    assert len(entered) == 3 and admission.active == 0


async def test_cancelled_waiter_leaves_the_queue() -> None:
    admission = AdmissionControl(max_concurrent=1, max_queued=1)
    release = asyncio.Event()

    async def hold() -> None:
        async with admission:
            await release.wait()

    holder = asyncio.create_task(hold())
    await asyncio.sleep(0)
    waiter = asyncio.create_task(hold())
    await asyncio.sleep(0.01)
    waiter.cancel()
    await asyncio.gather(waiter, return_exceptions=True)
    assert admission.waiting == 0
    release.set()
    await holder


def test_cache_is_bounded_and_expires() -> None:
    clock = Clock()
    cache: RewriteCache[str] = RewriteCache(max_entries=2, ttl=5, clock=clock)
    a, b, c = (RewriteCache.key("draft", i) for i in range(3))
    cache.put(a, "A")
    cache.put(b, "B")
    assert cache.get(a) == "A"       # a is now most recent
    cache.put(c, "C")                # evicts b, the least recent
    assert cache.get(b) is None and cache.get(a) == "A" and len(cache) == 2
    clock.now += 5
    assert cache.get(a) is None


def test_disabled_cache_stores_nothing() -> None:
    cache: RewriteCache[str] = RewriteCache(max_entries=0, ttl=5)
    cache.put("k", "v")
    assert not cache.enabled and cache.get("k") is None
