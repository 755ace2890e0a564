"""The service's own small error hierarchy.

Foreign exceptions (litellm's, grpc's) are translated into these at one
boundary (``service/llm.py`` for the model provider), ``raise ... from exc``,
and ``service/api.py`` is the one place that maps them to gRPC status codes.
"""

from __future__ import annotations


class ServiceError(Exception):
    """Base of every error the service raises on purpose."""


class InvalidArgument(ServiceError):
    """A request field breaks a rule; the message names the field and the limit."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field


class Overloaded(ServiceError):
    """The model path is saturated; the caller should retry after ``retry_after`` seconds."""

    def __init__(self, retry_after: float, queue: str = "model queue") -> None:
        super().__init__(f"{queue} is full; retry in {retry_after:.1f}s")
        self.retry_after = retry_after


class ShuttingDown(ServiceError):
    """The server is draining and takes no new work."""


class DeadlineExpired(ServiceError):
    """The caller's deadline passed before the work could start: nobody waits for the answer."""


class ModelError(ServiceError):
    """A model attempt failed. ``reason`` is a bounded label for metrics and
    ``backend.reason``; ``transient`` says whether another attempt may help."""

    reason = "other_error"
    transient = False


class ModelTimeout(ModelError):
    reason = "timeout"
    transient = True


class ModelRateLimited(ModelError):
    reason = "rate_limited"
    transient = True

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ModelServerError(ModelError):
    reason = "server_error"
    transient = True


class ModelConnectionError(ModelError):
    reason = "connection_error"
    transient = True


class MalformedOutput(ModelError):
    """The model answered, but not with the JSON object the prompt asks for."""

    reason = "malformed_output"
    transient = True


class ModelRejected(ModelError):
    """The provider refused the request itself (auth, bad request, unknown
    model, context too long): retrying the same call can't help."""

    reason = "provider_rejected"


class ModelUnavailable(ModelError):
    """The model's circuit breaker is open: it is skipped without a call."""

    reason = "breaker_open"


class DeadlineTooShort(ModelError):
    """Not enough of the caller's deadline is left to try a model."""

    reason = "deadline"
