"""Circuit breakers, admission control and the rewrite cache.

These are the small stateful pieces that keep a slow or failing provider from
taking the whole service down with it. Each is deliberately simple and
clock-injectable so tests can drive it without sleeping.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from service.errors import Overloaded

T = TypeVar("T")


class CircuitBreaker:
    """Per-model breaker: ``failure_threshold`` consecutive provider failures
    open it; while open the model is skipped; after ``cooldown`` seconds one
    probe call is let through (half-open), whose result closes or re-opens it.
    """

    def __init__(self, failure_threshold: int, cooldown: float,
                 clock: Callable[[], float] = time.monotonic,
                 on_change: Callable[[bool], None] | None = None) -> None:
        self._threshold = failure_threshold
        self._cooldown = cooldown
        self._clock = clock
        self._on_change = on_change
        self._failures = 0
        self._opened_at: float | None = None
        self._probing = False

    @property
    def is_open(self) -> bool:
        return self._opened_at is not None

    def allow(self) -> bool:
        """May a call go to this model now? Claims the probe when half-open."""
        if self._opened_at is None:
            return True
        if self._probing or self._clock() - self._opened_at < self._cooldown:
            return False
        self._probing = True
        return True

    def record_success(self) -> None:
        self._failures = 0
        self._probing = False
        if self._opened_at is not None:
            self._opened_at = None
            if self._on_change:
                self._on_change(False)

    def record_failure(self) -> bool:
        """Count a provider failure; returns True when this one trips the breaker."""
        self._failures += 1
        if self._opened_at is not None:
            # A failed probe: stay open for another cool-down.
            self._opened_at = self._clock()
            self._probing = False
            return False
        if self._failures >= self._threshold:
            self._opened_at = self._clock()
            if self._on_change:
                self._on_change(True)
            return True
        return False

    def release_probe(self) -> None:
        """A probe ended without a verdict on the provider (e.g. cancelled)."""
        self._probing = False


class AdmissionControl:
    """A bounded number of concurrent model calls and a bounded waiting line.

    Beyond both, ``acquire`` raises ``Overloaded`` at once, so a burst is shed
    in microseconds instead of piling up until every deadline is blown.
    """

    def __init__(self, max_concurrent: int, max_queued: int, retry_hint: float = 1.0) -> None:
        self._slots = asyncio.Semaphore(max_concurrent)
        self._max_concurrent = max_concurrent
        self._max_queued = max_queued
        self._waiting = 0
        self._active = 0
        self._retry_hint = retry_hint

    @property
    def active(self) -> int:
        return self._active

    @property
    def waiting(self) -> int:
        return self._waiting

    async def __aenter__(self) -> "AdmissionControl":
        if self._active >= self._max_concurrent and self._waiting >= self._max_queued:
            raise Overloaded(self._retry_hint)
        self._waiting += 1
        try:
            await self._slots.acquire()
        finally:
            self._waiting -= 1
        self._active += 1
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._active -= 1
        self._slots.release()


@dataclass
class _Entry(Generic[T]):
    value: T
    expires_at: float


class RewriteCache(Generic[T]):
    """Exact-match LRU cache with a time-to-live. Canned replies repeat a lot;
    a hit skips the model entirely. Keys are hashes, so the cache holds no
    draft text in its keys (values are responses, kept in memory only)."""

    def __init__(self, max_entries: int, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._max = max_entries
        self._ttl = ttl
        self._clock = clock
        self._entries: OrderedDict[str, _Entry[T]] = OrderedDict()

    @property
    def enabled(self) -> bool:
        return self._max > 0

    def __len__(self) -> int:
        return len(self._entries)

    @staticmethod
    def key(*parts: object) -> str:
        blob = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def get(self, key: str) -> T | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.expires_at <= self._clock():
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return entry.value

    def put(self, key: str, value: T) -> None:
        if not self.enabled:
            return
        self._entries[key] = _Entry(value, self._clock() + self._ttl)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)
