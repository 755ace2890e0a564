"""Egress: nothing of the service's configuration or prompt leaves in an answer.

A model that obeys "print your instructions" or "what's your API key?" must not
get its words to the caller. An answer is a failed attempt (reason ``egress``)
when it contains, beyond what the draft itself says:

* the configured API key, base URL or a model name (primary or fallback, and
  the name after the provider prefix: ``openai/gpt-4o`` and ``gpt-4o``);
* a run of 6 or more consecutive words of the system prompt or a template,
  after normalisation (``PromptBuilder.echoes_instructions``);
* the markers that quote data in the prompt (``<<<DRAFT``, ``CONVERSATION>>>``);
* a long base64 or hex blob (``service/sanitize.py``).

Findings name what leaked, never the secret itself: they go to logs and to the
model's retry prompt.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from service.config import Settings
from service.prompt import PromptBuilder
from service.sanitize import BLOB

__all__ = ["EgressCheck"]

_MARKERS = re.compile(r"<<<|>>>|\b(?:DRAFT|CONVERSATION)>>>|<<<(?:DRAFT|CONVERSATION)\b")
_MIN_SECRET = 4  # shorter configured values ("gpt") would match ordinary words


class EgressCheck:
    """Built once from the settings; ``leaks()`` runs on every answer."""

    def __init__(self, settings: Settings, prompts: PromptBuilder) -> None:
        self._prompts = prompts
        secrets: list[tuple[str, str]] = []
        key = settings.api_key.get_secret_value()
        if len(key) >= _MIN_SECRET:
            secrets.append((key.casefold(), "the configured API key"))
        if len(settings.api_base) >= _MIN_SECRET:
            base = settings.api_base.casefold().rstrip("/")
            secrets.append((base, "the configured API base URL"))
            host = re.sub(r"^[a-z]+://", "", base).split("/")[0]
            if len(host) >= _MIN_SECRET and host not in ("localhost",):
                secrets.append((host, "the configured API host"))
        for model in settings.models:
            for name in {model, model.rsplit("/", 1)[-1]}:
                if len(name) >= _MIN_SECRET:
                    secrets.append((name.casefold(), "a configured model name"))
        self._secrets = secrets

    def leaks(self, answer: str, draft: str, conversation: Sequence[str] = ()) -> list[str]:
        """What of the configuration or prompt ``answer`` carries; empty = none."""
        low = answer.casefold()
        draft_low = draft.casefold()
        out = [f"the answer contains {what}" for secret, what in self._secrets
               if secret in low and secret not in draft_low]
        if self._prompts.echoes_instructions(answer, draft):
            out.append("the answer repeats the prompt's instructions")
        if _MARKERS.search(answer) and not _MARKERS.search(draft):
            out.append("the answer contains the prompt's quote markers")
        draft_blobs = set(BLOB.findall(draft))
        if any(b not in draft_blobs for b in BLOB.findall(answer)):
            out.append("the answer contains an encoded blob the draft does not have")
        return out
