"""Domain objects shared by every stage of the pipeline.

They are plain frozen dataclasses, independent of protobuf, so the rulebook,
the guard and the fallback can be tested and benchmarked without gRPC, and the
API layer (``service/api.py``) is the only place that converts to and from the
wire format. All spans count Unicode code points, which is what Python string
indexing does, so ``text[span.start:span.end]`` is always the excerpt.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Role(enum.Enum):
    CUSTOMER = "customer"
    AGENT = "agent"
    UNSPECIFIED = "unspecified"


class Tone(enum.Enum):
    UNSPECIFIED = "unspecified"
    FRIENDLY = "friendly"
    FORMAL = "formal"
    MIRROR = "mirror"


class Severity(enum.Enum):
    SUGGESTION = "suggestion"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Span:
    """Half-open range [start, end) in code points."""

    start: int
    end: int


@dataclass(frozen=True)
class Message:
    role: Role
    text: str


@dataclass(frozen=True)
class Violation:
    rule_id: str
    severity: Severity
    message: str
    span: Span
    excerpt: str
    suggestion: str = ""


class FindingKind(enum.Enum):
    DROPPED_FACT = "DROPPED_FACT"
    NEW_FACT = "NEW_FACT"
    NEW_COMMITMENT = "NEW_COMMITMENT"
    FLIPPED_REFUSAL = "FLIPPED_REFUSAL"
    DROPPED_CONTENT = "DROPPED_CONTENT"
    NEW_CONTENT = "NEW_CONTENT"


@dataclass(frozen=True)
class Finding:
    """One reason a candidate is not an honest rewrite of its draft.

    ``span`` is in the draft for DROPPED_FACT and DROPPED_CONTENT, in the
    candidate otherwise.
    """

    kind: FindingKind
    detail: str
    span: Span


@dataclass(frozen=True)
class Fact:
    """A fact the guard tracks: ``kind`` is e.g. "amount", "email";
    ``key`` is its normalised form, so "$4.99" and "4.99 USD" compare equal;
    ``text`` and ``span`` are where it stands in the text it came from."""

    kind: str
    key: str
    text: str
    span: Span


@dataclass(frozen=True)
class RewriteInput:
    """A validated Rewrite request with its language resolved."""

    draft: str
    conversation: tuple[Message, ...]
    customer_name: str = ""
    agent_name: str = ""
    brand_name: str = ""
    language: str = "en"
    tone: Tone = Tone.UNSPECIFIED


@dataclass(frozen=True)
class Citation:
    rule_id: str
    title: str
    source: str
    message: str
    span: Span | None
    excerpt: str


@dataclass(frozen=True)
class Edit:
    """One change of a draft into its rewrite: ``span`` in the draft (start ==
    end for an insertion), the ``text`` that replaces it ("" deletes), and the
    rules behind it (may be empty). See service/edits.py for the invariants."""

    span: Span
    text: str
    rule_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class BackendInfo:
    model: str
    fallback_used: bool
    reason: str = ""
    models_tried: tuple[str, ...] = ()
    attempts: int = 0


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0


@dataclass(frozen=True)
class RewriteResult:
    rewrite: str
    citations: tuple[Citation, ...]
    remaining: tuple[Violation, ...]
    language: str
    backend: BackendInfo
    usage: Usage = field(default_factory=Usage)
    kept_facts: tuple[str, ...] = ()
    edits: tuple[Edit, ...] = ()
