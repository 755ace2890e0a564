"""The Rewrite pipeline: rules detect and cite, the model fixes, the guard verifies.

    check draft -> prompt -> model (retries, fallbacks, deadline) -> parse
      -> egress (no key, model, URL, prompt text, marker or blob)
      -> guard.verify (honest, given what the draft's violations ask to change)
      -> check the answer (no rule the draft did not break: insults, sarcasm...)
      -> (one retry with the problems as feedback)
      -> answer, or the rule-based fallback with the reason it answered
      -> the answer as edits of the draft, each with its rules (service/edits.py)

Nothing the guard rejects is ever returned: when the model can't produce an
honest rewrite in time, the deterministic fallback answers, and if even that
fails the guard (it shouldn't), the draft itself is returned unchanged.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from dataclasses import replace
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from service.config import Settings
from service.cpu import run_inline
from service.domain import (
    BackendInfo,
    Citation,
    RewriteInput,
    RewriteResult,
    Usage,
    Violation,
)
from service.errors import DeadlineTooShort, ModelError, ModelTimeout, Overloaded
from service.edits import EditExplainer
from service.egress import EgressCheck
from service.fallback import FallbackRewriter
from service.datafile import DataFileError
from service.guard import Guard
from service.llm import CallReport, ModelClient
from service.logs import text_for_log
from service.metrics import REWRITE_STAGES, Metrics
from service.prompt import ALWAYS_ON_RULES, ModelRewrite, PromptBuilder, PromptRule, parse_answer
from service.redaction import Redactor
from service.resilience import AdmissionControl, RewriteCache
from service.rulebook import Rulebook
from service.sanitize import strip_invisible

log = logging.getLogger(__name__)

FALLBACK_MODEL = "rule-based"
RESERVE_MEMORY_SECONDS = 60.0


def answer_token_budget(draft: str) -> int:
    """Completion tokens a rewrite of ``draft`` may need: the JSON wrapper and
    a greeting, plus about one and a half tokens per character of the draft
    (Chinese runs near one token per character, English far below). A model
    that loops, which small ones do, is cut off here instead of at the global
    cap, which for the embedded model meant 15 s of a doomed attempt."""
    return 64 + (3 * len(draft)) // 2


class StageTimes:
    """Times the pipeline's own stages in one request.

    The stages are synchronous (none awaits), so their wall time is the CPU
    the service spends on them, unless another thread holds the GIL. A stage
    that runs twice (the prompt on a retry) adds up; ``observe()`` records
    each stage's time per request, and their sum, which is what the service
    adds to the model call (``replyrewriter_rewrite_own_work_seconds``).
    """

    __slots__ = ("_seconds",)

    def __init__(self) -> None:
        self._seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self._seconds[stage] = self._seconds.get(stage, 0.0) + time.perf_counter() - start

    @property
    def total(self) -> float:
        return sum(self._seconds.values())

    def observe(self, by_stage: dict[str, Any], total: Any) -> None:
        for stage, seconds in self._seconds.items():
            by_stage[stage].observe(seconds)
        total.observe(self.total)


class RewritePipeline:
    def __init__(self, settings: Settings, rulebook: Rulebook, guard: Guard, fallback: FallbackRewriter,
                 model_client: ModelClient, prompts: PromptBuilder, metrics: Metrics,
                 admission: AdmissionControl, cache: RewriteCache[RewriteResult],
                 clock: Callable[[], float] = time.monotonic, explainer: EditExplainer | None = None,
                 cpu: Callable[..., Awaitable[Any]] = run_inline) -> None:
        """``cpu(deadline, fn, *args)`` runs the synchronous stages (rules,
        prompt and redaction, guard, fallback): ``CpuLane.run`` in the server,
        so they stay off the event loop; inline by default."""
        self._settings = settings
        self._rulebook = rulebook
        self._guard = guard
        self._fallback = fallback
        self._models = model_client
        self._prompts = prompts
        self._metrics = metrics
        self._admission = admission
        self._cache = cache
        self._clock = clock
        self._cpu = cpu
        self._egress = EgressCheck(settings, prompts)
        self._explainer = explainer or EditExplainer(rulebook)
        unknown = sorted(guard.policy.rule_ids - set(rulebook.rules))
        if unknown:
            raise DataFileError("prompts/guard/_policy.yaml", "(rule ids)",
                                f"not in the rulebook: {', '.join(unknown)}")
        self._stage_histograms = {stage: metrics.rewrite_stage.labels(stage) for stage in REWRITE_STAGES}
        # The model waits of the Rewrites in flight, so a shutdown can end them early.
        self._windows: set[asyncio.Timeout] = set()
        self._drain_by: float | None = None
        self._fallback_took: deque[tuple[float, float]] = deque(maxlen=64)

    def drain(self, by: float) -> None:
        """Shutdown: every Rewrite, in flight or new, stops waiting for a
        model in time for the fallback to answer by ``by`` (a ``clock()``
        time): the fallback reserve before it."""
        self._drain_by = by
        loop = asyncio.get_running_loop()
        when = loop.time() + max(0.0, by - self.reserve() - self._clock())
        for window in list(self._windows):
            current = window.when()
            if current is None or current > when:
                try:
                    window.reschedule(when)
                except RuntimeError:
                    pass  # already expiring: that Rewrite is falling back now

    async def rewrite(self, request: RewriteInput, deadline: float) -> RewriteResult:
        """Rewrite ``request.draft``; ``deadline`` is a ``clock()`` time the answer must beat."""
        stages = StageTimes()
        result = await self._rewrite(request, deadline, stages)
        stages.observe(self._stage_histograms, self._metrics.rewrite_own_work)
        return result

    def _check_draft(self, request: RewriteInput, stages: StageTimes) -> list[Violation]:
        with stages("check_draft"):
            violations = self._rulebook.check(request.draft, request.conversation,
                                              request.customer_name, request.language)
        for v in violations:
            self._metrics.draft_violations.labels(v.rule_id).inc()
        return violations

    async def _rewrite(self, request: RewriteInput, deadline: float, stages: StageTimes) -> RewriteResult:
        violations = await self._cpu(deadline, self._check_draft, request, stages)

        cache_key = ""
        if self._cache.enabled:
            cache_key = RewriteCache.key(request, self._settings.models)
            cached = self._cache.get(cache_key)
            self._metrics.cache.labels("hit" if cached else "miss").inc()
            if cached is not None:
                self._metrics.rewrites.labels("cache").inc()
                # This answer cost nothing and called no model: billing from
                # responses must not pay for the first call twice.
                return replace(cached, usage=Usage(),
                               backend=replace(cached.backend, reason="cache", models_tried=(), attempts=0))

        report = CallReport()
        reserve = self.reserve()
        window_from = self._clock()
        budget_end = deadline - reserve
        if self._drain_by is not None:
            budget_end = min(budget_end, self._drain_by - reserve)
        try:
            # Waiting for a model slot counts against the deadline too.
            async with asyncio.timeout(max(0.0, budget_end - self._clock())) as window:
                self._windows.add(window)
                try:
                    async with self._admission:
                        candidate, reason = await self._ask_model(request, violations, budget_end, deadline,
                                                                  report, stages)
                finally:
                    self._windows.discard(window)
        except TimeoutError:
            candidate, reason = None, "deadline" if self._drain_by is None else "shutdown"
        except Overloaded:
            self._metrics.queue_rejections.inc()
            raise

        if candidate is not None:
            result = await self._cpu(deadline, self._accept, request, violations, candidate[0], candidate[1],
                                     candidate[2], report, stages)
            self._metrics.rewrites.labels("model").inc()
            if cache_key:
                self._cache.put(cache_key, result)
            return result
        self._metrics.fallbacks.labels(reason.split(":")[0]).inc()
        self._metrics.rewrites.labels("fallback").inc()
        # From when the model's time was due to end, not from now: a timer
        # the busy loop fired late ate into the reserve as surely as the
        # fallback did. Never from before the window opened: a deadline
        # shorter than the reserve leaves no model time at all, and counting
        # the gap would let one such caller raise the reserve for everyone.
        fallback_from = min(self._clock(), max(budget_end, window_from))
        result = await self._cpu(deadline, self._fall_back, request, violations, reason, report, stages)
        self._fallback_took.append((fallback_from, self._clock() - fallback_from))
        return result

    def reserve(self) -> float:
        """Seconds kept back from the deadline for the fallback: the
        setting, or twice the longest recent fallback (the last 64 in the
        last minute, measured from when the model's time was due to end, or
        from when its window opened if that is later, to the answer built: a
        late timer and queueing for the CPU lane included) when that is more, at most
        four times the setting. Fallbacks that fall due together on a busy
        machine (bench stall: four maximum-size ones at once) took up to
        0.44 s, close to the 0.5 s default."""
        base = self._settings.fallback_reserve
        since = self._clock() - RESERVE_MEMORY_SECONDS
        recent = [took for at, took in self._fallback_took if at >= since]
        return min(max(base, 2 * max(recent, default=0.0)), 4 * base)

    def _prompt(self, request: RewriteInput, violations: Sequence[Violation], stages: StageTimes
                ) -> tuple[list[dict[str, str]], Redactor | None]:
        with stages("prompt"):
            relevant = list(self._rulebook.relevant_rules(violations))
            known = {r.id for r in relevant}
            relevant += [self._rulebook.rule(rid) for rid in ALWAYS_ON_RULES
                         if rid not in known and rid in self._rulebook.rules]
            messages = self._prompts.build(
                draft=request.draft, conversation=request.conversation, violations=violations,
                # The embedded model gets each rule's title only: on 2 cores
                # every prompt token costs about 3 ms of prefill before the
                # first word, and a 135M model doesn't use the longer message.
                rules=[PromptRule(r.id, r.title, "" if self._settings.uses_embedded_model else r.message)
                       for r in relevant],
                language=request.language, tone=request.tone, customer_name=request.customer_name,
                agent_name=request.agent_name, brand_name=request.brand_name)
            redactor = Redactor() if self._settings.pii_redaction_enabled else None
        return messages, redactor

    @staticmethod
    def _outgoing(messages: list[dict[str, str]], redactor: Redactor | None, stages: StageTimes
                  ) -> list[dict[str, str]]:
        with stages("prompt"):
            return redactor.redact_messages(messages) if redactor else messages

    async def _ask_model(self, request: RewriteInput, violations: Sequence[Violation], budget_end: float,
                         deadline: float, report: CallReport, stages: StageTimes
                         ) -> tuple[tuple[str, ModelRewrite, list[Violation]] | None, str]:
        """Return ((model, answer, its violations), "") for an accepted answer, else (None, reason)."""
        messages, redactor = await self._cpu(deadline, self._prompt, request, violations, stages)

        def parse(text: str) -> ModelRewrite:
            with stages("parse"):
                answer = parse_answer(text)
                if redactor is not None:
                    answer = ModelRewrite(redactor.restore(answer.rewrite), answer.rules)
                return ModelRewrite(strip_invisible(answer.rewrite), answer.rules)

        reason = ""
        # The second try carries the problems found; the embedded model gets
        # none by default (another generation costs seconds on a CPU).
        tries = 1 if self._settings.uses_embedded_model and not self._settings.local_second_try else 2
        for attempt in range(tries):
            outgoing = await self._cpu(deadline, self._outgoing, messages, redactor, stages)
            try:
                answer = await self._models.complete(outgoing, parse, budget_end, report,
                                                     max_tokens=answer_token_budget(request.draft))
            except ModelError as exc:
                return None, self._reason_for(exc, budget_end)
            reason, problems, kinds, answer_violations = await self._cpu(
                deadline, self._judge, request, violations, answer.value.rewrite, stages)
            if not reason:
                return (answer.model, answer.value, answer_violations), ""
            for kind in kinds:
                self._metrics.guard_rejections.labels(kind).inc()
            if attempt + 1 < tries:
                with stages("prompt"):
                    messages = self._prompts.with_feedback(messages, answer.text, problems)
        return None, reason

    def _judge(self, request: RewriteInput, violations: Sequence[Violation], text: str, stages: StageTimes
               ) -> tuple[str, list[str], list[str], list[Violation]]:
        """Why an answer can't be returned: (reason, problems for the retry
        prompt, metric kinds, the answer's own violations); reason "" = accept.

        In order: egress (the configuration or the prompt leaks), the honesty
        guard, then new violations: a rule the answer breaks that the draft
        did not (insults, sarcasm, blame, shouting, slang, pressure...,
        ``must_not_add`` in ``prompts/guard/_policy.yaml``)."""
        with stages("guard"):
            leaks = self._egress.leaks(text, request.draft, [m.text for m in request.conversation])
            if leaks:
                return "egress", leaks, ["egress"], []
            findings = self._guard.verify(request.draft, text, request.conversation, request.language, violations)
        if findings:
            kinds = sorted({f.kind.value for f in findings})
            return f"guard:{findings[0].kind.value}", [f"{f.kind.value}: {f.detail}" for f in findings], kinds, []
        with stages("check_rewrite"):
            found = self._rulebook.check(text, request.conversation, request.customer_name, request.language)
        broken_before = {v.rule_id for v in violations}
        new = [v for v in found if v.rule_id in self._guard.policy.must_not_add and v.rule_id not in broken_before]
        if new:
            return ("new_violation", [f'NEW_VIOLATION: the rewrite breaks {v.rule_id} ("{v.excerpt}"), '
                                      f"which the draft did not" for v in new], ["new_violation"], [])
        return "", [], [], found

    def _reason_for(self, exc: ModelError, budget_end: float) -> str:
        if isinstance(exc, DeadlineTooShort):
            return "deadline"
        if isinstance(exc, ModelTimeout) and self._clock() >= budget_end - 0.05:
            return "deadline"
        return exc.reason

    def _accept(self, request: RewriteInput, violations: Sequence[Violation], model: str, answer: ModelRewrite,
                remaining: list[Violation], report: CallReport, stages: StageTimes) -> RewriteResult:
        return self._result(request, violations, answer.rewrite, answer.rules,
                            BackendInfo(model=model, fallback_used=False, reason="",
                                        models_tried=tuple(report.models_tried), attempts=report.attempts),
                            report, stages, remaining)

    def _fall_back(self, request: RewriteInput, violations: Sequence[Violation], reason: str,
                   report: CallReport, stages: StageTimes) -> RewriteResult:
        with stages("fallback"):
            # The fallback asks the guard itself (a second guard call cost 20 ms
            # on a maximum-size request); what it can't make honest is the draft.
            text, honest = self._fallback.rewrite_checked(
                request.draft, violations, request.conversation, customer_name=request.customer_name,
                agent_name=request.agent_name, brand_name=request.brand_name, language=request.language)
            if not honest:
                # The fallback must never be dishonest either; the draft itself is.
                log.error("fallback rewrite failed the guard; returning the draft unchanged")
                text, reason = request.draft, f"{reason};fallback_rejected"
        return self._result(request, violations, text, (),
                            BackendInfo(model=FALLBACK_MODEL, fallback_used=True, reason=reason,
                                        models_tried=tuple(report.models_tried), attempts=report.attempts),
                            report, stages)

    def _result(self, request: RewriteInput, violations: Sequence[Violation], text: str,
                claimed_rules: Sequence[str], backend: BackendInfo, report: CallReport,
                stages: StageTimes, remaining: list[Violation] | None = None) -> RewriteResult:
        # The one exit: no zero-width or bidi control character reaches the
        # caller, whichever path wrote the text (the draft returned as is too).
        text = strip_invisible(text)
        # The texts only with REPLYREWRITER_LOG_TEXTS at DEBUG; else their lengths.
        log.debug("rewrite", extra={"draft": text_for_log(request.draft), "rewrite": text_for_log(text),
                                    "backend": backend.model, "reason": backend.reason})
        if remaining is None:
            with stages("check_rewrite"):
                remaining = self._rulebook.check(text, request.conversation, request.customer_name,
                                                 request.language)
        for v in remaining:
            self._metrics.remaining_violations.labels(v.rule_id).inc()
        with stages("response"):
            citations = tuple(self.citations(violations, remaining, claimed_rules))
        with stages("edits"):
            # Every answer, model's or fallback's, as edits of the draft the agent can take one by one.
            edits = self._explainer.explain(request.draft, text, violations,
                                            [(c.rule_id, c.span) for c in citations if c.span is not None],
                                            request.language)
        with stages("response"):
            return RewriteResult(
                rewrite=text,
                citations=citations,
                remaining=tuple(remaining),
                language=request.language,
                backend=backend,
                usage=Usage(report.prompt_tokens, report.completion_tokens, round(report.cost_usd, 8)),
                kept_facts=tuple(self._guard.kept_facts(request.draft, request.language)),
                edits=edits,
            )

    def citations(self, draft_violations: Sequence[Violation], remaining: Sequence[Violation],
                  claimed_rules: Sequence[str]) -> list[Citation]:
        """The rules the rewrite applied: those the draft broke and the rewrite
        no longer breaks (with their span in the draft), then those the model
        says it applied, if the rulebook knows them (without a span)."""
        still_broken = {v.rule_id for v in remaining}
        cited: list[Citation] = []
        seen_rules: set[str] = set()
        for v in draft_violations:
            if v.rule_id in still_broken:
                continue
            rule = self._rulebook.rule(v.rule_id)
            cited.append(Citation(rule.id, rule.title, "; ".join(rule.sources), rule.message, v.span, v.excerpt))
            seen_rules.add(rule.id)
        for rule_id in claimed_rules:
            if rule_id in seen_rules or rule_id in still_broken or rule_id not in self._rulebook.rules:
                continue
            rule = self._rulebook.rule(rule_id)
            cited.append(Citation(rule.id, rule.title, "; ".join(rule.sources), rule.message, None, ""))
            seen_rules.add(rule_id)
        return cited
