"""The gRPC servicer: proto <-> domain objects, validation, status codes.

This is the one place that maps the service's errors to gRPC status codes,
and the one place that knows the wire format: the pipeline, the rulebook and
the guard only see domain objects.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import grpc

from service.config import Settings
from service.domain import (
    Citation,
    Edit,
    Finding,
    FindingKind,
    Message,
    RewriteInput,
    RewriteResult,
    Role,
    Span,
    Tone,
    Violation,
)
from service.cpu import run_inline
from service.errors import DeadlineExpired, InvalidArgument, Overloaded, ShuttingDown
from service.guard import Guard
from service.language import LanguageDetector, resolve_language
from service.metrics import Metrics
from service.pb import pb2, pb2_grpc
from service.rewrite import RewritePipeline
from service.rulebook import Rulebook

log = logging.getLogger(__name__)

_ROLES = {pb2.ROLE_UNSPECIFIED: Role.UNSPECIFIED, pb2.ROLE_CUSTOMER: Role.CUSTOMER, pb2.ROLE_AGENT: Role.AGENT}
_TONES = {pb2.TONE_UNSPECIFIED: Tone.UNSPECIFIED, pb2.TONE_FRIENDLY: Tone.FRIENDLY,
          pb2.TONE_FORMAL: Tone.FORMAL, pb2.TONE_MIRROR: Tone.MIRROR}
_KINDS = {FindingKind.DROPPED_FACT: pb2.Finding.DROPPED_FACT, FindingKind.NEW_FACT: pb2.Finding.NEW_FACT,
          FindingKind.NEW_COMMITMENT: pb2.Finding.NEW_COMMITMENT,
          FindingKind.FLIPPED_REFUSAL: pb2.Finding.FLIPPED_REFUSAL,
          FindingKind.DROPPED_CONTENT: pb2.Finding.DROPPED_CONTENT,
          FindingKind.NEW_CONTENT: pb2.Finding.NEW_CONTENT}
# A Check over more characters than this (text and conversation together) runs
# on the CPU lane, not the event loop: a maximum-size one takes ~13 ms. The
# usual keystroke Check (500 characters, 20 messages: 0.7 ms) stays inline,
# so it never waits behind a Rewrite's stages in the lane.
CHECK_INLINE_CHARS = 20_000

_OUTCOMES = {pb2.FeedbackRequest.OUTCOME_ACCEPTED: "accepted", pb2.FeedbackRequest.OUTCOME_EDITED: "edited",
             pb2.FeedbackRequest.OUTCOME_DISMISSED: "dismissed"}


class Validator:
    """Checks every field against the configured limits; errors name the field and the limit."""

    def __init__(self, settings: Settings, rulebook: Rulebook, detector: LanguageDetector) -> None:
        self._s = settings
        self._rulebook = rulebook
        self._detector = detector

    def text(self, field: str, value: str, *, required: bool, limit: int) -> str:
        if required and not value.strip():
            raise InvalidArgument(field, "must not be empty or only whitespace")
        if len(value) > limit:
            raise InvalidArgument(field, f"{len(value)} characters is over the limit of {limit}")
        return value

    def conversation(self, messages: Sequence[pb2.Message], field: str = "conversation") -> tuple[Message, ...]:
        limit = self._s.max_conversation_messages
        if len(messages) > limit:
            raise InvalidArgument(field, f"{len(messages)} messages is over the limit of {limit}")
        out = []
        chars = self._s.max_message_chars
        for i, m in enumerate(messages):
            role = _ROLES.get(m.role)
            if role is None:
                raise InvalidArgument(f"{field}[{i}].role", f"unknown Role value {m.role}")
            text = m.text
            if len(text) > chars:  # the field name is built only for the error
                self.text(f"{field}[{i}].text", text, required=False, limit=chars)
            out.append(Message(role, text))
        return tuple(out)

    def name(self, field: str, value: str) -> str:
        return self.text(field, value, required=False, limit=self._s.max_name_chars).strip()

    def tone(self, value: int) -> Tone:
        if value not in _TONES:
            raise InvalidArgument("tone", f"unknown Tone value {value}")
        return _TONES[value]  # type: ignore[index]  # proto enums are ints

    def language(self, requested: str, conversation: Sequence[Message], text: str) -> str:
        if len(requested) > 35:  # the longest well-formed BCP-47 tags in use are far shorter
            raise InvalidArgument("language", f"{len(requested)} characters is over the limit of 35")
        try:
            return resolve_language(requested, conversation, text, self._detector, self._rulebook.languages)
        except ValueError as exc:
            raise InvalidArgument("language", str(exc)) from exc


class ReplyRewriterServicer(pb2_grpc.ReplyRewriterServicer):
    def __init__(self, settings: Settings, rulebook: Rulebook, guard: Guard, pipeline: RewritePipeline,
                 detector: LanguageDetector, metrics: Metrics,
                 is_shutting_down: Callable[[], bool] = lambda: False,
                 cpu: Callable[..., Awaitable[Any]] = run_inline) -> None:
        self._settings = settings
        self._rulebook = rulebook
        self._guard = guard
        self._pipeline = pipeline
        self._metrics = metrics
        self._validate = Validator(settings, rulebook, detector)
        self._is_shutting_down = is_shutting_down
        self._cpu = cpu

    def _deadline(self, context: grpc.aio.ServicerContext) -> float:
        """The caller's deadline as a ``time.monotonic()`` time (the default one when none was sent)."""
        remaining = context.time_remaining()
        return time.monotonic() + (self._settings.default_deadline if remaining is None else remaining)

    async def Rewrite(self, request: pb2.RewriteRequest, context: grpc.aio.ServicerContext) -> pb2.RewriteResponse:
        try:
            if self._is_shutting_down():
                raise ShuttingDown("the server is shutting down")
            v = self._validate
            draft = v.text("draft", request.draft, required=True, limit=self._settings.max_draft_chars)
            conversation = v.conversation(request.conversation)
            inp = RewriteInput(
                draft=draft, conversation=conversation,
                customer_name=v.name("customer_name", request.customer_name),
                agent_name=v.name("agent_name", request.agent_name),
                brand_name=v.name("brand_name", request.brand_name),
                language=v.language(request.language, conversation, draft),
                tone=v.tone(request.tone),
            )
            result = await self._pipeline.rewrite(inp, deadline=self._deadline(context))
        except (InvalidArgument, Overloaded, ShuttingDown, DeadlineExpired) as exc:
            await _abort(context, exc)
        return rewrite_response(result, self._rulebook.replacement)

    async def Check(self, request: pb2.CheckRequest, context: grpc.aio.ServicerContext) -> pb2.CheckResponse:
        try:
            v = self._validate
            text = v.text("text", request.text, required=False, limit=self._settings.max_draft_chars)
            conversation = v.conversation(request.conversation)
            customer_name = v.name("customer_name", request.customer_name)
            language = v.language(request.language, conversation, text)
            violations = []
            if text.strip():
                size = len(text) + sum(len(m.text) for m in conversation)
                if size <= CHECK_INLINE_CHARS:
                    violations = self._rulebook.check(text, conversation, customer_name, language)
                else:
                    violations = await self._cpu(self._deadline(context), self._rulebook.check, text,
                                                 conversation, customer_name, language)
        except (InvalidArgument, Overloaded, DeadlineExpired) as exc:
            await _abort(context, exc)
        for rule_id, count in Counter(v.rule_id for v in violations).items():
            self._metrics.draft_violations.labels(rule_id).inc(count)
        response = pb2.CheckResponse(language=language)
        for violation in violations:
            fill_violation(response.violations.add(), violation, self._rulebook.replacement)
        return response

    async def Verify(self, request: pb2.VerifyRequest, context: grpc.aio.ServicerContext) -> pb2.VerifyResponse:
        try:
            v = self._validate
            draft = v.text("draft", request.draft, required=True, limit=self._settings.max_draft_chars)
            candidate = v.text("candidate", request.candidate, required=True, limit=self._settings.max_draft_chars)
            conversation = v.conversation(request.conversation)
            language = v.language(request.language, conversation, draft)
            findings, violations = await self._cpu(self._deadline(context), self._verify, draft, candidate,
                                                   conversation, language)
        except (InvalidArgument, Overloaded, DeadlineExpired) as exc:
            await _abort(context, exc)
        return pb2.VerifyResponse(honest=not findings, findings=[finding_pb(f) for f in findings],
                                  violations=[violation_pb(x, self._rulebook.replacement) for x in violations],
                                  language=language)

    def _verify(self, draft: str, candidate: str, conversation: Sequence[Message], language: str
                ) -> tuple[list[Finding], list[Violation]]:
        draft_violations = self._rulebook.check(draft, conversation, "", language)
        findings = self._guard.verify(draft, candidate, conversation, language, draft_violations)
        return findings, self._rulebook.check(candidate, conversation, "", language)

    async def ListRules(self, request: pb2.ListRulesRequest, context: grpc.aio.ServicerContext) -> pb2.ListRulesResponse:
        return pb2.ListRulesResponse(rules=[
            pb2.Rule(id=r.id, title=r.title, description=r.message, severity=r.severity.value,
                     sources=list(r.sources), languages=list(r.languages))
            for r in self._rulebook.rules.values()])

    async def Feedback(self, request: pb2.FeedbackRequest, context: grpc.aio.ServicerContext) -> pb2.FeedbackResponse:
        try:
            if request.outcome not in _OUTCOMES:
                raise InvalidArgument("outcome", "must be OUTCOME_ACCEPTED, OUTCOME_EDITED or OUTCOME_DISMISSED")
            if len(request.rule_ids) > len(self._rulebook.rules):
                raise InvalidArgument("rule_ids", f"{len(request.rule_ids)} ids is over the limit of "
                                                  f"{len(self._rulebook.rules)}")
            unknown = [r for r in request.rule_ids if r not in self._rulebook.rules]
            if unknown:
                raise InvalidArgument("rule_ids", f"unknown rule id {unknown[0][:64]!r}")
            self._validate_edit_decisions(request.edits)
        except InvalidArgument as exc:
            await _abort(context, exc)
        outcome = _OUTCOMES[request.outcome]
        for rule_id in set(request.rule_ids) or {"none"}:
            self._metrics.feedback.labels(rule_id, outcome).inc()
        # Per edit: which rules' changes agents keep and which they turn down.
        # Labels are rule ids (validated above) or "none", never text.
        for decision in request.edits:
            verdict = "accepted" if decision.accepted else "rejected"
            for rule_id in set(decision.rule_ids) or {"none"}:
                self._metrics.edit_feedback.labels(rule_id, verdict).inc()
        return pb2.FeedbackResponse()

    def _validate_edit_decisions(self, decisions: Sequence[pb2.EditDecision]) -> None:
        # A draft's edits are separated by unchanged text: never more of them than its characters.
        limit = self._settings.max_draft_chars
        if len(decisions) > limit:
            raise InvalidArgument("edits", f"{len(decisions)} edits is over the limit of {limit}")
        for i, decision in enumerate(decisions):
            if len(decision.rule_ids) > len(self._rulebook.rules):
                raise InvalidArgument(f"edits[{i}].rule_ids", f"{len(decision.rule_ids)} ids is over the limit of "
                                                              f"{len(self._rulebook.rules)}")
            unknown = [r for r in decision.rule_ids if r not in self._rulebook.rules]
            if unknown:
                raise InvalidArgument(f"edits[{i}].rule_ids", f"unknown rule id {unknown[0][:64]!r}")


async def _abort(context: grpc.aio.ServicerContext, exc: Exception) -> None:
    """Map the service's errors to gRPC status codes (the only place that does)."""
    if isinstance(exc, InvalidArgument):
        await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))
    if isinstance(exc, Overloaded):
        context.set_trailing_metadata((("retry-after", f"{exc.retry_after:.1f}"),))
        await context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED, str(exc))
    if isinstance(exc, ShuttingDown):
        await context.abort(grpc.StatusCode.UNAVAILABLE, str(exc))
    if isinstance(exc, DeadlineExpired):
        await context.abort(grpc.StatusCode.DEADLINE_EXCEEDED, str(exc))
    raise exc


def span_pb(span: Span | None) -> pb2.Span | None:
    return None if span is None else pb2.Span(start=span.start, end=span.end)


def edit_pb(e: Edit) -> pb2.Edit:
    return pb2.Edit(span=span_pb(e.span), text=e.text, rule_ids=list(e.rule_ids))


def violation_pb(v: Violation, replacement: Callable[[Violation], str | None] | None = None) -> pb2.Violation:
    """``replacement`` (``Rulebook.replacement``) tells "delete the excerpt"
    from "no replacement", which ``suggestion`` alone can't: the suggestion is
    then also given as an Edit, in the same shape as a Rewrite's edits."""
    out = pb2.Violation()
    fill_violation(out, v, replacement)
    return out


def fill_violation(out: pb2.Violation, v: Violation, replacement: Callable[[Violation], str | None] | None) -> None:
    """A Violation written into ``out`` (a new message, or a new element of a
    response's repeated field) field by field: building Span and Edit messages
    and copying them in cost the Check handler more than its validation.
    Setting a sub-message's field marks it present, even to 0: the same bytes."""
    text = replacement(v) if replacement is not None else (v.suggestion or None)
    out.rule_id = v.rule_id
    out.severity = v.severity.value
    out.message = v.message
    span = out.span
    span.start = v.span.start
    span.end = v.span.end
    out.excerpt = v.excerpt
    out.suggestion = v.suggestion
    if text is not None:
        edit = out.edit
        edit.span.start = v.span.start
        edit.span.end = v.span.end
        edit.text = text
        edit.rule_ids.append(v.rule_id)


def finding_pb(f: Finding) -> pb2.Finding:
    return pb2.Finding(kind=_KINDS[f.kind], detail=f.detail, span=span_pb(f.span))


def citation_pb(c: Citation) -> pb2.Citation:
    return pb2.Citation(rule_id=c.rule_id, title=c.title, source=c.source, message=c.message,
                        span=span_pb(c.span), excerpt=c.excerpt)


def rewrite_response(r: RewriteResult,
                     replacement: Callable[[Violation], str | None] | None = None) -> pb2.RewriteResponse:
    return pb2.RewriteResponse(
        rewrite=r.rewrite,
        citations=[citation_pb(c) for c in r.citations],
        remaining=[violation_pb(v, replacement) for v in r.remaining],
        language=r.language,
        backend=pb2.Backend(model=r.backend.model, fallback_used=r.backend.fallback_used,
                            reason=r.backend.reason, models_tried=list(r.backend.models_tried),
                            attempts=r.backend.attempts),
        usage=pb2.Usage(prompt_tokens=r.usage.prompt_tokens, completion_tokens=r.usage.completion_tokens,
                        cost_usd=r.usage.cost_usd),
        kept_facts=list(r.kept_facts),
        edits=[edit_pb(e) for e in r.edits],
    )
