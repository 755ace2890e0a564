"""Every Rewrite response carries edits that satisfy the proto's invariants,
whatever answered: the model (the reference rewrites of the eval set), the
fallback (the same cases while the model only lies) or the cache."""

from __future__ import annotations

import json

from service.domain import Edit, Span
from service.edits import invariant_problems
from service.pb import pb2
from tests.conftest import running_server, settings_for
from tests.fakes.provider import ScriptedProvider, answer, draft_of
from tests.shared_data import DATA, eval_cases_path

ROLES = {"customer": pb2.ROLE_CUSTOMER, "agent": pb2.ROLE_AGENT}
DISHONEST = "Great news! We will refund you in full today and add a 50% discount, guaranteed."


def _cases() -> list[dict]:
    return [json.loads(x) for x in eval_cases_path().read_text(encoding="utf-8").splitlines() if x.strip()]


def _request(case: dict) -> pb2.RewriteRequest:
    return pb2.RewriteRequest(draft=case["draft"], language=case["lang"], conversation=[
        pb2.Message(role=ROLES[m["role"]], text=m["text"]) for m in case["context"]])


def problems(draft: str, response: pb2.RewriteResponse) -> list[str]:
    edits = [Edit(Span(e.span.start, e.span.end), e.text, tuple(e.rule_ids)) for e in response.edits]
    cited = [(c.rule_id, Span(c.span.start, c.span.end)) for c in response.citations if c.HasField("span")]
    return invariant_problems(draft, response.rewrite, edits, cited)


async def test_model_answers_carry_valid_edits_on_every_reference_rewrite(provider: ScriptedProvider) -> None:
    refs = {json.loads(x)["id"]: json.loads(x)["rewrite"]
            for x in (DATA / "reference_rewrites.jsonl").read_text(encoding="utf-8").splitlines() if x}
    cases = _cases()
    by_draft = {c["draft"].strip(): refs[c["id"]] for c in cases}
    provider.default = lambda body: answer(by_draft[draft_of(body).strip()])
    failures, from_model, with_rules = [], 0, 0
    async with running_server(settings_for(provider, redact_pii="off", cache_size=64)) as s:
        for case in cases:
            response = await s.stub.Rewrite(_request(case), timeout=10)
            from_model += not response.backend.fallback_used
            with_rules += any(e.rule_ids for e in response.edits)
            failures += [f"{case['id']}: {p}" for p in problems(case["draft"], response)]
            if response.rewrite != case["draft"]:
                assert response.edits, case["id"]
        # The cache answers with the same edits.
        again = await s.stub.Rewrite(_request(cases[0]), timeout=10)
        assert again.backend.reason == "cache" and not problems(cases[0]["draft"], again)
    print(f"\nmodel answers {from_model}/{len(cases)}; responses with a rule-linked edit {with_rules}")
    assert failures == []
    assert from_model >= 0.95 * len(cases)


async def test_fallback_answers_carry_valid_edits_on_every_eval_case() -> None:
    provider = await ScriptedProvider(default=lambda body: answer(DISHONEST)).start()
    failures, fallbacks = [], 0
    try:
        async with running_server(settings_for(provider)) as s:
            for case in _cases():
                response = await s.stub.Rewrite(_request(case), timeout=20)
                fallbacks += response.backend.fallback_used
                failures += [f"{case['id']}: {p}" for p in problems(case["draft"], response)]
                if response.rewrite != case["draft"]:
                    assert response.edits, case["id"]
    finally:
        await provider.stop()
    assert fallbacks == len(_cases())
    assert failures == []


async def test_check_suggestions_are_edits_of_the_checked_text(provider: ScriptedProvider) -> None:
    async with running_server(settings_for(provider)) as s:
        response = await s.stub.Check(pb2.CheckRequest(text="omg idk why, pls w8", language="en"), timeout=5)
    by_excerpt = {v.excerpt.strip(): v for v in response.violations}
    pls = by_excerpt["pls"]
    assert (pls.edit.span.start, pls.edit.span.end, pls.edit.text, list(pls.edit.rule_ids)) == \
        (pls.span.start, pls.span.end, "please", ["no-slang"])
    omg = by_excerpt["omg"]
    assert omg.suggestion == "" and omg.HasField("edit") and omg.edit.text == ""   # delete it
