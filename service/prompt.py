"""Builds the model's prompt from the templates in ``prompts/templates`` and
parses its answer.

Only the rules that matter for this draft go into the prompt (the ones it
breaks, plus a few always-on ones), which keeps prompts small and cheap. The
conversation and the draft are quoted between markers the model is told not
to obey; marker look-alikes inside them are neutralised so a customer can't
close the quote and start giving orders.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from string import Template

from service.datafile import DataDoc, Text, load_model
from service.domain import Message, Role, Tone, Violation
from service.errors import MalformedOutput
from service.sanitize import hide_blobs, strip_invisible

# Rules every rewrite follows, whether or not the draft broke them.
ALWAYS_ON_RULES = ("no-unkept-promises", "positive-framing", "keep-it-short")
_MARKER = re.compile(r"<<<|>>>")
_WORD = re.compile(r"[\w']+")
_VARIABLE = re.compile(r"\$\w+")
# A run of this many words shared with the instructions is an echo of them,
# longer than any phrase a reply shares with them by chance.
_ECHO_WORDS = 6


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = [w.casefold() for w in _WORD.findall(text)]
    return {tuple(words[i:i + _ECHO_WORDS]) for i in range(len(words) - _ECHO_WORDS + 1)}


class TonesDoc(DataDoc):
    """``templates/tones.yaml``: what each Tone of the API asks the model for (one key per Tone)."""

    unspecified: Text
    friendly: Text
    formal: Text
    mirror: Text


@dataclass(frozen=True)
class ModelRewrite:
    """The model's answer: the rewrite and the rule ids it says it applied."""

    rewrite: str
    rules: tuple[str, ...]


@dataclass(frozen=True)
class PromptRule:
    id: str
    title: str
    message: str


class PromptBuilder:
    """Loads the templates once; builds chat messages per request."""

    def __init__(self, templates_dir: Path) -> None:
        def load(name: str) -> Template:
            return Template((templates_dir / name).read_text(encoding="utf-8"))

        self._system = load("system.txt")
        self._user = load("user.txt")
        self._feedback = load("feedback.txt")
        self._instructions = set().union(*(
            _shingles(line) for t in (self._system, self._user, self._feedback)
            for line in _VARIABLE.sub("\n", t.template).splitlines()))
        tones = load_model(templates_dir / "tones.yaml", TonesDoc)
        self._tones = {Tone(key): text for key, text in tones}

    def build(self, *, draft: str, conversation: Sequence[Message], violations: Sequence[Violation],
              rules: Sequence[PromptRule], language: str, tone: Tone, customer_name: str = "",
              agent_name: str = "", brand_name: str = "") -> list[dict[str, str]]:
        rule_lines = "\n".join(f"- {r.id}: {r.title}." + (f" {r.message}" if r.message else "")
                               for r in rules) or "- (none)"
        problem_lines = "\n".join(
            f"- {v.rule_id}: \"{_quote(v.excerpt)}\"" + (f" -> \"{_quote(v.suggestion)}\"" if v.suggestion else "")
            for v in violations) or "- none found by the checker; polish only"
        system = self._system.substitute(language=language, tone=self._tones[tone], rules=rule_lines)
        user = self._user.substitute(
            conversation=_format_conversation(conversation),
            customer_name=_quote(customer_name) or "(unknown)",
            agent_name=_quote(agent_name) or "(unknown)",
            brand_name=_quote(brand_name) or "(unknown)",
            violations=problem_lines,
            draft=_quote(strip_invisible(draft)),
        )
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]

    def echoes_instructions(self, text: str, *quoted: str) -> bool:
        """Whether ``text`` repeats the prompt's own wording (a leaked system
        prompt), beyond what the quoted draft and conversation contain."""
        echoed = _shingles(text) & self._instructions
        for q in quoted:
            if not echoed:
                break
            echoed -= _shingles(q)
        return bool(echoed)

    def with_feedback(self, messages: Sequence[dict[str, str]], rejected_answer: str,
                      problems: Sequence[str]) -> list[dict[str, str]]:
        """The messages for a second try that tells the model why the first
        failed (the guard's findings, new rule violations, egress)."""
        finding_lines = "\n".join(f"- {p}" for p in problems)
        return [*messages, {"role": "assistant", "content": rejected_answer},
                {"role": "user", "content": self._feedback.substitute(findings=finding_lines)}]


def _quote(text: str) -> str:
    return _MARKER.sub("<< ", text)


def _format_conversation(conversation: Sequence[Message]) -> str:
    if not conversation:
        return "(no earlier messages: the draft is the agent's first message)"
    speaker = {Role.CUSTOMER: "customer", Role.AGENT: "agent", Role.UNSPECIFIED: "unknown"}

    def clean(m: Message) -> str:
        text = strip_invisible(m.text)
        return text if m.role is Role.AGENT else hide_blobs(text)
    # Continuation lines are indented, so a message can't forge a "[agent]" line.
    return "\n".join(f"[{speaker[m.role]}] " + "\n    ".join(_quote(clean(m)).splitlines() or [""])
                     for m in conversation)


def parse_answer(text: str) -> ModelRewrite:
    """Parse ``{"rewrite": "...", "rules": [...]}``; anything else is MalformedOutput.

    Tolerates a Markdown code fence or prose around the object (common with
    small models) but not a missing or empty rewrite.
    """
    start = text.find("{")
    if start < 0:
        raise MalformedOutput("the answer has no JSON object")
    try:
        data, _ = json.JSONDecoder().raw_decode(text[start:])
    except json.JSONDecodeError as exc:
        raise MalformedOutput(f"the answer is not valid JSON ({exc.msg})") from exc
    if not isinstance(data, dict):
        raise MalformedOutput("the answer is not a JSON object")
    rewrite = data.get("rewrite")
    if not isinstance(rewrite, str) or not rewrite.strip():
        raise MalformedOutput('the answer has no non-empty "rewrite" string')
    rules = data.get("rules", [])
    if not isinstance(rules, list) or not all(isinstance(r, str) for r in rules):
        raise MalformedOutput('"rules" is not a list of strings')
    return ModelRewrite(rewrite=rewrite.strip(), rules=tuple(dict.fromkeys(rules)))
