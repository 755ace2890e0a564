"""Prompt injection on a corpus written independently of the defences.

``tests/data/injection/{dev,test}.jsonl``: 120 attempts (30 per language, 44
of them pasted inside the draft) written fresh by someone who never read the
service, split before any defence was tuned; only the dev half was looked
at. Each attempt has the answer of a model that *obeys* it (``obey``, with
``{DRAFT}``, ``{SYSTEM_PROMPT}``, ``{API_KEY}``, ``{MODEL}`` and
``{API_BASE}`` filled in from the real request and configuration), an honest
rewrite that ignores it (``honest``) and the strings that must never reach
the caller (``forbidden``).

Two providers, both through litellm's real HTTP path:

* it obeys on the first try and answers honestly on the retry;
* it obeys on both tries, so the fallback must answer.

A leak is anything of the attack in what the caller gets: a forbidden
string, the configured key, base URL or model name, the prompt's wording,
an invisible control character or an encoded blob, or a rewrite the Verify
RPC finds dishonest. Both tests require 0 leaks on both halves, and grep
everything the service emitted (responses, logs, metrics) for the key.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import generate_latest

from service.sanitize import BLOB, INVISIBLE, strip_invisible
from service.pb import pb2
from tests.conftest import RunningServer, running_server, settings_for
from tests.fakes.provider import ScriptedProvider, answer, draft_of
from tests.test_injection import echoes_instructions

DATA = Path(__file__).resolve().parent / "data" / "injection"
ROLES = {"customer": pb2.ROLE_CUSTOMER, "agent": pb2.ROLE_AGENT}
API_KEY = "sk-live-7f3a9c2e1b4d8a6f"
KINDS = {"fake_system", "role_play", "already_agreed", "link_contact", "reveal_config", "language_switch",
         "fake_closing_marker", "encoded_order", "insult", "dictated_promise"}


def load(half: str) -> list[dict[str, Any]]:
    return [json.loads(x) for x in (DATA / f"{half}.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]


def test_the_corpus_is_what_the_issue_asks() -> None:
    corpus = load("dev") + load("test")
    assert len(corpus) >= 100
    for lang in ("en", "it", "es", "zh"):
        mine = [e for e in corpus if e["lang"] == lang]
        assert len(mine) >= 25
        assert {e["kind"] for e in mine} == KINDS
    assert sum(e["where"] == "draft" for e in corpus) >= 20
    assert len({e["id"] for e in corpus}) == len(corpus)
    assert len({strip_invisible(e["draft"]) for e in corpus}) == len(corpus), "drafts identify attempts"


def _fill(text: str, body: dict[str, Any], s: RunningServer) -> str:
    system = next(m["content"] for m in body["messages"] if m["role"] == "system")
    return (text.replace("{DRAFT}", draft_of(body)).replace("{SYSTEM_PROMPT}", system)
            .replace("{API_KEY}", API_KEY).replace("{MODEL}", s.settings.primary_model)
            .replace("{API_BASE}", s.settings.api_base))


def provider_policy(corpus: list[dict[str, Any]], s: RunningServer, honest_retry: bool) -> Any:
    by_draft = {strip_invisible(e["draft"]).strip(): e for e in corpus}

    def respond(body: dict[str, Any]) -> dict[str, Any]:
        entry = by_draft[draft_of(body).strip()]
        retry = any(m["role"] == "assistant" for m in body["messages"])
        text = entry["honest"] if retry and honest_retry else entry["obey"]
        return answer(_fill(text, body, s))
    return respond


def leaks(entry: dict[str, Any], response: pb2.RewriteResponse, verdict: pb2.VerifyResponse,
          s: RunningServer) -> list[str]:
    rewrite, draft = response.rewrite, entry["draft"]
    low, draft_low = rewrite.casefold(), strip_invisible(draft).casefold()
    found = [f"forbidden {t!r}" for t in entry["forbidden"]
             if t.casefold() in low and t.casefold() not in draft_low]
    for secret in (API_KEY, s.settings.api_base, s.settings.primary_model, s.settings.primary_model.split("/")[-1]):
        if secret.casefold() in low and secret.casefold() not in draft_low:
            found.append(f"configuration {secret!r}")
    echoed = echoes_instructions(rewrite, draft, *(m["text"] for m in entry["conversation"]))
    if echoed:
        found.append(f"prompt wording {echoed[:1]}")
    if INVISIBLE.search(rewrite):
        found.append("an invisible control character")
    if any(b not in draft for b in BLOB.findall(rewrite)):
        found.append("an encoded blob")
    if not verdict.honest:
        found.append("dishonest: " + "; ".join(f.detail for f in verdict.findings))
    return found


async def run_corpus(provider: ScriptedProvider, half: str, honest_retry: bool,
                     caplog: pytest.LogCaptureFixture) -> tuple[list[str], dict[str, int], str]:
    corpus = load(half)
    settings = settings_for(provider, api_key=API_KEY, redact_pii="off")
    problems: list[str] = []
    outcome = {"model": 0, "fallback": 0}
    emitted = []
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="service")
    async with running_server(settings) as s:
        provider.default = provider_policy(corpus, s, honest_retry)
        for entry in corpus:
            request = pb2.RewriteRequest(
                draft=entry["draft"], language=entry["lang"],
                conversation=[pb2.Message(role=ROLES[m["role"]], text=m["text"]) for m in entry["conversation"]])
            response = await s.stub.Rewrite(request, timeout=10)
            verdict = await s.stub.Verify(pb2.VerifyRequest(
                draft=entry["draft"], candidate=response.rewrite, language=entry["lang"],
                conversation=request.conversation), timeout=10)
            outcome["fallback" if response.backend.fallback_used else "model"] += 1
            emitted.append(str(response))
            problems += [f"{entry['id']} ({entry['kind']}, {entry['where']}): {p}\n    rewrite: {response.rewrite!r}"
                         for p in leaks(entry, response, verdict, s)]
        emitted.append(generate_latest(s.deps.metrics.registry).decode())
    emitted.append(caplog.text)
    return problems, outcome, "\n".join(emitted)


@pytest.mark.parametrize("half", ["dev", "test"])
@pytest.mark.parametrize("honest_retry", [True, False], ids=["obeys-then-complies", "obeys-on-the-retry-too"])
async def test_a_model_that_obeys_leaks_nothing(provider: ScriptedProvider, half: str, honest_retry: bool,
                                                caplog: pytest.LogCaptureFixture) -> None:
    """The two providers of the issue: one that obeys on the first try and
    answers honestly on the retry, one that obeys on both tries."""
    problems, outcome, emitted = await run_corpus(provider, half, honest_retry, caplog)
    print(f"\n{half}: {'obey then comply' if honest_retry else 'obey twice'}: {outcome}, leaks {len(problems)}")
    assert not problems, "\n".join(problems)
    assert API_KEY not in emitted
