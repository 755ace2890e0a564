"""Every Prometheus metric of the service, defined once.

A ``Metrics`` object owns its own ``CollectorRegistry`` so tests can create one
per server and read values after real RPCs without global state leaking
between tests. Label values come only from bounded sets: method names, gRPC
codes, rule ids, configured model names, outcomes and reasons chosen by the
code. Never text, names, tenants or request ids.
"""

from __future__ import annotations

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    Info,
)

# Check answers in well under a millisecond; Rewrite can take up to a minute
# on a slow provider. One bucket layout covers both so the dashboard can use
# the same queries for every method.
REQUEST_BUCKETS = (
    0.0002, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
    1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0,
)
# The service's own work per Rewrite stage: tens of microseconds to a few
# milliseconds (a long draft's rule check), never seconds.
STAGE_BUCKETS = (0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25)
REWRITE_STAGES = ("check_draft", "prompt", "parse", "guard", "check_rewrite", "fallback", "edits", "response")
MODEL_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0)

PREFIX = "replyrewriter"


class Metrics:
    """The service's metrics on one registry (a fresh one unless given)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            f"{PREFIX}_requests_total", "RPCs handled, by method and gRPC status code.",
            ["method", "code"], registry=r)
        self.request_duration = Histogram(
            f"{PREFIX}_request_duration_seconds", "RPC handling time, by method.",
            ["method"], buckets=REQUEST_BUCKETS, registry=r)
        self.in_flight = Gauge(
            f"{PREFIX}_in_flight_requests", "RPCs being handled now, by method.",
            ["method"], registry=r)
        self.model_calls = Counter(
            f"{PREFIX}_model_calls_total",
            "Model attempts, by model and outcome (ok, timeout, rate_limited, "
            "server_error, connection_error, malformed_output, cancelled, other_error).",
            ["model", "outcome"], registry=r)
        self.model_duration = Histogram(
            f"{PREFIX}_model_call_duration_seconds", "Duration of one model attempt.",
            ["model"], buckets=MODEL_BUCKETS, registry=r)
        self.prompt_tokens = Counter(
            f"{PREFIX}_prompt_tokens_total", "Prompt tokens sent, by model.",
            ["model"], registry=r)
        self.completion_tokens = Counter(
            f"{PREFIX}_completion_tokens_total", "Completion tokens received, by model.",
            ["model"], registry=r)
        self.cost = Counter(
            f"{PREFIX}_cost_usd_total",
            "Model spend in US dollars (litellm's offline price map), by model.",
            ["model"], registry=r)
        self.retries = Counter(
            f"{PREFIX}_model_retries_total", "Model attempts retried, by reason.",
            ["reason"], registry=r)
        self.fallbacks = Counter(
            f"{PREFIX}_fallbacks_total",
            "Rewrites answered by the rule-based fallback, by reason.",
            ["reason"], registry=r)
        self.rewrites = Counter(
            f"{PREFIX}_rewrites_total",
            "Rewrites answered, by backend kind (model, fallback, cache).",
            ["backend"], registry=r)
        self.guard_rejections = Counter(
            f"{PREFIX}_guard_rejections_total",
            "Model answers rejected before reaching the caller, by kind: a guard finding kind "
            "(DROPPED_FACT, NEW_CONTENT, ...), new_violation (breaks a rule the draft did not: "
            "insults, sarcasm...) or egress (configuration, prompt text, markers or blobs).",
            ["kind"], registry=r)
        self.draft_violations = Counter(
            f"{PREFIX}_draft_violations_total",
            "Rule violations found in drafts sent to Rewrite and Check, by rule.",
            ["rule_id"], registry=r)
        self.remaining_violations = Counter(
            f"{PREFIX}_remaining_violations_total",
            "Rule violations still present in returned rewrites, by rule.",
            ["rule_id"], registry=r)
        self.cache = Counter(
            f"{PREFIX}_cache_lookups_total", "Rewrite cache lookups, by result (hit, miss).",
            ["result"], registry=r)
        self.queue_rejections = Counter(
            f"{PREFIX}_queue_rejections_total",
            "Rewrites refused with RESOURCE_EXHAUSTED because the model queue was full.",
            registry=r)
        self.breaker_state = Gauge(
            f"{PREFIX}_circuit_breaker_open",
            "1 while a model's circuit breaker is open (calls skipped), else 0.",
            ["model"], registry=r)
        self.breaker_trips = Counter(
            f"{PREFIX}_circuit_breaker_trips_total", "Times a model's breaker opened.",
            ["model"], registry=r)
        self.feedback = Counter(
            f"{PREFIX}_feedback_total",
            "Agents' verdicts on rewrites, by cited rule and outcome.",
            ["rule_id", "outcome"], registry=r)
        self.edit_feedback = Counter(
            f"{PREFIX}_edit_feedback_total",
            "Agents' decisions on single edits of rewrites, by the edit's rule (\"none\" for an "
            "edit without one) and decision (accepted, rejected).",
            ["rule_id", "decision"], registry=r)
        self.rewrite_stage = Histogram(
            f"{PREFIX}_rewrite_stage_seconds",
            "Time of the service's own work in a Rewrite, by stage (check_draft, prompt, parse, "
            "guard, check_rewrite, fallback, edits, response); the model call is not a stage.",
            ["stage"], buckets=STAGE_BUCKETS, registry=r)
        self.rewrite_own_work = Histogram(
            f"{PREFIX}_rewrite_own_work_seconds",
            "Per answered Rewrite, the sum of its stages: what the service adds beyond the "
            "model call (gRPC and queueing excluded).",
            buckets=STAGE_BUCKETS, registry=r)
        self.auth_failures = Counter(
            f"{PREFIX}_auth_failures_total", "Calls refused for a missing or bad token.",
            registry=r)
        self.build_info = Info(
            f"{PREFIX}_build", "Version and default model of this build.", registry=r)
