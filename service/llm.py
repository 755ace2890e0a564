"""The one boundary with litellm: call, retry, model fallbacks, error mapping.

Why it is shaped like this:
- One retry layer only: tenacity here, litellm's own retries off
  (``num_retries=0``, ``max_retries=0``), so the number of attempts and the
  time they take are known and bounded by the caller's deadline.
- Every litellm exception is translated into ``service.errors`` here, and
  nowhere else; besides this module only ``service/local_model.py`` imports
  litellm, to register the embedded model as a custom provider.
- Parsing the model's answer happens inside the retry loop, because a
  malformed answer is a failed attempt like a 500.
- Each model has a circuit breaker; a model whose breaker is open is skipped
  without a call until its cool-down ends.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    RetryError,
    retry_if_exception,
)

from service.config import EMBEDDED_MODEL, Settings
from service.errors import (
    DeadlineTooShort,
    MalformedOutput,
    ModelConnectionError,
    ModelError,
    ModelRateLimited,
    ModelRejected,
    ModelServerError,
    ModelTimeout,
    ModelUnavailable,
)
from service.metrics import Metrics
from service.resilience import CircuitBreaker

# Never let litellm fetch its price map from the internet; it ships one.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
import litellm  # noqa: E402  (imported once, at start-up, after the env is set)

log = logging.getLogger(__name__)
T = TypeVar("T")

litellm.telemetry = False
litellm.suppress_debug_info = True
litellm.drop_params = True  # providers that don't know e.g. response_format ignore it

# The shortest attempt worth starting: below this the fallback answers instead.
MIN_ATTEMPT_SECONDS = 0.05


@dataclass
class CallReport:
    """What happened on the way to an answer (or to giving up)."""

    models_tried: list[str] = field(default_factory=list)
    attempts: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    last_error: ModelError | None = None


@dataclass(frozen=True)
class ModelAnswer(Generic[T]):
    value: T
    model: str
    text: str


def translate_error(exc: BaseException) -> ModelError:
    """Map a foreign exception from a model call to the service's own kind."""
    if isinstance(exc, ModelError):
        return exc
    if isinstance(exc, (asyncio.TimeoutError, litellm.exceptions.Timeout)):
        return ModelTimeout(f"model call timed out ({type(exc).__name__})")
    if isinstance(exc, litellm.exceptions.RateLimitError):
        return ModelRateLimited("provider rate limit (429)", retry_after=_retry_after(exc))
    if isinstance(exc, litellm.exceptions.APIConnectionError):
        return ModelConnectionError(f"cannot reach the provider ({type(exc).__name__})")
    if isinstance(exc, (litellm.exceptions.ContextWindowExceededError,
                        litellm.exceptions.ContentPolicyViolationError,
                        litellm.exceptions.AuthenticationError,
                        litellm.exceptions.PermissionDeniedError,
                        litellm.exceptions.NotFoundError,
                        litellm.exceptions.BadRequestError,
                        litellm.exceptions.UnprocessableEntityError)):
        return ModelRejected(f"provider refused the request ({type(exc).__name__})")
    status = getattr(exc, "status_code", None)
    if isinstance(status, int):
        if status == 429:
            return ModelRateLimited("provider rate limit (429)", retry_after=_retry_after(exc))
        if status >= 500:
            return ModelServerError(f"provider error {status}")
        return ModelRejected(f"provider refused the request ({status})")
    if isinstance(exc, litellm.exceptions.APIError):
        return ModelServerError(f"provider error ({type(exc).__name__})")
    return ModelConnectionError(f"model call failed ({type(exc).__name__})")


def _retry_after(exc: BaseException) -> float | None:
    """Read Retry-After (seconds) from whatever headers litellm kept."""
    candidates: list[Any] = [getattr(exc, "litellm_response_headers", None), getattr(exc, "headers", None)]
    response = getattr(exc, "response", None)
    if response is not None:
        candidates.append(getattr(response, "headers", None))
    for headers in candidates:
        if not headers:
            continue
        for name in ("retry-after", "Retry-After", "x-ratelimit-reset-requests"):
            value = headers.get(name) if hasattr(headers, "get") else None
            if value is None:
                continue
            try:
                return max(0.0, float(value))
            except (TypeError, ValueError):
                continue
    return None


def _cost(model: str, response: Any, prompt_tokens: int, completion_tokens: int) -> float:
    """litellm's offline price for the tokens; 0 for models it can't price.

    litellm has already priced the answer (``_hidden_params["response_cost"]``)
    on its success path; pricing it again costs ~80 us per call, a third of
    what the service adds to a Rewrite. Only answers without that price (a
    custom provider, an older litellm) are priced here.
    """
    hidden = getattr(response, "_hidden_params", None)
    known = hidden.get("response_cost") if isinstance(hidden, dict) else None
    if isinstance(known, (int, float)) and not isinstance(known, bool) and known >= 0:
        return float(known)
    try:
        prompt_cost, completion_cost = litellm.cost_per_token(
            model=model, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens)
    except Exception:  # noqa: BLE001 - a price is a metric: it never costs the caller an answer
        return 0.0
    return float(prompt_cost + completion_cost)


class ModelClient:
    """Calls the configured models in order, with retries, within a deadline."""

    def __init__(self, settings: Settings, metrics: Metrics,
                 clock: Callable[[], float] = time.monotonic,
                 completion_fn: Callable[..., Awaitable[Any]] | None = None) -> None:
        self._settings = settings
        self._metrics = metrics
        self._clock = clock
        self._completion_fn = completion_fn or litellm.acompletion
        self._breakers = {
            model: CircuitBreaker(
                settings.breaker_failures, settings.breaker_cooldown, clock=clock,
                on_change=self._breaker_gauge(model))
            for model in settings.models
        }
        for model in settings.models:
            metrics.breaker_state.labels(model).set(0)

    def _breaker_gauge(self, model: str) -> Callable[[bool], None]:
        """The breaker's state as the 0/1 gauge of ``model``."""
        gauge = self._metrics.breaker_state.labels(model)
        return lambda is_open: gauge.set(1 if is_open else 0)

    @property
    def models(self) -> list[str]:
        return self._settings.models

    def breaker(self, model: str) -> CircuitBreaker:
        return self._breakers[model]

    async def complete(self, messages: Sequence[dict[str, str]], parse: Callable[[str], T],
                       budget_end: float, report: CallReport, max_tokens: int | None = None) -> ModelAnswer[T]:
        """Return the first parsed answer of the models in order.

        ``budget_end`` is a ``clock()`` time: no attempt starts or runs past it.
        Raises the last ``ModelError`` when every model failed or time ran out.
        """
        last: ModelError = DeadlineTooShort("no time left for a model call")
        for model in self._settings.models:
            if budget_end - self._clock() < MIN_ATTEMPT_SECONDS:
                last = DeadlineTooShort("the deadline leaves no time for a model call")
                break
            breaker = self._breakers[model]
            if not breaker.allow():
                last = ModelUnavailable(f"{model}: circuit breaker open")
                self._metrics.model_calls.labels(model, "skipped_breaker_open").inc()
                continue
            report.models_tried.append(model)
            try:
                return await self._complete_with_retries(model, messages, parse, budget_end, report, max_tokens)
            except ModelError as exc:
                last = exc
            finally:
                breaker.release_probe()
        report.last_error = last
        raise last

    async def _complete_with_retries(self, model: str, messages: Sequence[dict[str, str]],
                                     parse: Callable[[str], T], budget_end: float,
                                     report: CallReport, max_tokens: int | None) -> ModelAnswer[T]:
        settings = self._settings

        def planned_wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            backoff = min(settings.retry_max_wait,
                          settings.retry_initial_wait * (2 ** (state.attempt_number - 1)))
            if isinstance(exc, ModelRateLimited) and exc.retry_after is not None:
                return max(backoff, exc.retry_after)
            return backoff

        def wait(state: RetryCallState) -> float:
            base = planned_wait(state)
            return base + random.uniform(0, base / 2)  # jitter spreads retries of many callers

        def stop(state: RetryCallState) -> bool:
            if state.attempt_number >= settings.max_attempts:
                return True
            # Don't start a wait that would leave no room for the attempt after it.
            return self._clock() + planned_wait(state) * 1.5 + MIN_ATTEMPT_SECONDS > budget_end

        def before_sleep(state: RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            reason = exc.reason if isinstance(exc, ModelError) else "other_error"
            self._metrics.retries.labels(reason).inc()

        retrying = AsyncRetrying(
            stop=stop, wait=wait, before_sleep=before_sleep, reraise=True,
            retry=retry_if_exception(lambda e: self._worth_retrying(model, e)),
        )
        try:
            async for attempt in retrying:
                with attempt:
                    return await self._attempt(model, messages, parse, budget_end, report, max_tokens)
        except RetryError as exc:  # only without reraise; kept for type-checkers
            raise translate_error(exc.last_attempt.exception() or exc) from exc
        raise DeadlineTooShort("no attempt was made")  # pragma: no cover - tenacity always attempts once

    def _worth_retrying(self, model: str, exc: BaseException) -> bool:
        """Transient errors are; nothing of the embedded model is by default:
        a 135M model rarely mends a malformed answer, a generation that ran
        into its time box would again, and each try costs seconds on a CPU:
        the fallback answers at once instead."""
        if not isinstance(exc, ModelError) or not exc.transient:
            return False
        return not (model == EMBEDDED_MODEL and not self._settings.local_second_try)

    async def _attempt(self, model: str, messages: Sequence[dict[str, str]],
                       parse: Callable[[str], T], budget_end: float,
                       report: CallReport, max_tokens: int | None) -> ModelAnswer[T]:
        remaining = budget_end - self._clock()
        if remaining < MIN_ATTEMPT_SECONDS:
            raise DeadlineTooShort("the deadline leaves no time for another attempt")
        timeout = min(self._attempt_limit(model), remaining)
        report.attempts += 1
        started = self._clock()
        breaker = self._breakers[model]
        try:
            async with asyncio.timeout(timeout):
                response = await self._completion_fn(**self._call_args(model, messages, timeout, max_tokens))
        except asyncio.CancelledError:
            # The pipeline's deadline timer and this attempt's own fire at about the
            # same moment; an attempt the deadline cut short is a timeout, not a cancellation.
            outcome = "timeout" if self._clock() >= budget_end - MIN_ATTEMPT_SECONDS else "cancelled"
            self._metrics.model_calls.labels(model, outcome).inc()
            raise
        except Exception as exc:  # translated at this boundary, never swallowed
            error = translate_error(exc)
            self._record_failure(model, error, started)
            raise error from exc
        self._metrics.model_duration.labels(model).observe(self._clock() - started)
        breaker.record_success()
        text = self._account(model, response, report)
        try:
            value = parse(text)
        except MalformedOutput:
            self._metrics.model_calls.labels(model, MalformedOutput.reason).inc()
            raise
        self._metrics.model_calls.labels(model, "ok").inc()
        return ModelAnswer(value=value, model=model, text=text)

    def _attempt_limit(self, model: str) -> float:
        """The embedded model has its own time box: on a CPU a generation
        that runs long is a loop or a ramble, and its cut-off answer is never
        used, so the fallback should answer instead of the deadline."""
        if model == EMBEDDED_MODEL:
            return min(self._settings.attempt_timeout, self._settings.local_attempt_timeout)
        return self._settings.attempt_timeout

    def _record_failure(self, model: str, error: ModelError, started: float) -> None:
        self._metrics.model_duration.labels(model).observe(self._clock() - started)
        self._metrics.model_calls.labels(model, error.reason).inc()
        if isinstance(error, ModelRejected):
            return  # our request was bad; the provider itself is fine
        if self._breakers[model].record_failure():
            self._metrics.breaker_trips.labels(model).inc()
            log.warning("circuit breaker opened", extra={"model": model, "reason": error.reason})

    def _call_args(self, model: str, messages: Sequence[dict[str, str]], timeout: float,
                   max_tokens: int | None) -> dict[str, Any]:
        settings = self._settings
        args: dict[str, Any] = {
            "model": model,
            "messages": list(messages),
            "temperature": settings.temperature,
            "max_tokens": min(settings.max_output_tokens, max_tokens or settings.max_output_tokens),
            "timeout": timeout,
            "num_retries": 0,
            "max_retries": 0,
        }
        # One endpoint serves every hosted model (a litellm proxy, vLLM, or the
        # provider); models of other providers take litellm's usual env keys.
        if model != EMBEDDED_MODEL:
            # litellm caches its HTTP client per timeout value: a per-call
            # remaining time made a new client (and TCP/TLS connection) on
            # every call. A fixed value reuses one; asyncio.timeout in
            # _attempt still ends the call when the budget runs out.
            args["timeout"] = settings.attempt_timeout
            if settings.api_base:
                args["api_base"] = settings.api_base
            if settings.api_key.get_secret_value():
                args["api_key"] = settings.api_key.get_secret_value()
        return args

    def _account(self, model: str, response: Any, report: CallReport) -> str:
        """Count tokens and cost, and return the answer's text."""
        usage = getattr(response, "usage", None)
        prompt_tokens = int(getattr(usage, "prompt_tokens", 0) or 0)
        completion_tokens = int(getattr(usage, "completion_tokens", 0) or 0)
        cost = _cost(model, response, prompt_tokens, completion_tokens)
        report.prompt_tokens += prompt_tokens
        report.completion_tokens += completion_tokens
        report.cost_usd += cost
        self._metrics.prompt_tokens.labels(model).inc(prompt_tokens)
        self._metrics.completion_tokens.labels(model).inc(completion_tokens)
        self._metrics.cost.labels(model).inc(cost)
        try:
            content = response.choices[0].message.content
        except (AttributeError, IndexError, TypeError) as exc:
            raise MalformedOutput("the provider's answer has no message content") from exc
        if not isinstance(content, str) or not content.strip():
            raise MalformedOutput("the model returned an empty answer")
        if getattr(response.choices[0], "finish_reason", None) == "length":
            # Cut off at the token budget (or, for the embedded model, stopped
            # in a loop or at the deadline): even when the text parses, it is
            # not the whole answer the model meant to give.
            raise MalformedOutput("the answer was cut off before its end")
        return content
