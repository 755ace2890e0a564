"""The reference set: for each eval case, the rewrite a strong model should
return (tests/data/reference_rewrites.jsonl, written from the rules and the
articles without reading the guard). The scripted provider answers each one
through litellm's real HTTP path; at least 95% must reach the caller
unchanged and from the model, not the fallback: a guard that blocks good
rewrites is as broken as one that lets lies pass.
"""

from __future__ import annotations

import json

from service.pb import pb2
from tests.conftest import running_server, settings_for
from tests.fakes.provider import ScriptedProvider, answer, draft_of
from tests.shared_data import DATA, eval_cases_path

ROLES = {"customer": pb2.ROLE_CUSTOMER, "agent": pb2.ROLE_AGENT}


def load() -> list[tuple[dict, dict]]:
    cases = {c["id"]: c for c in map(json.loads, eval_cases_path().read_text(encoding="utf-8").splitlines()) if c}
    refs = [json.loads(x) for x in (DATA / "reference_rewrites.jsonl").read_text(encoding="utf-8").splitlines() if x]
    return [(cases[r["id"]], r) for r in refs]


def test_there_is_a_reference_for_every_eval_case() -> None:
    cases = [json.loads(x) for x in eval_cases_path().read_text(encoding="utf-8").splitlines() if x.strip()]
    assert {c["id"] for c, _ in load()} == {c["id"] for c in cases}


async def test_reference_rewrites_pass_through_rewrite_unchanged(provider: ScriptedProvider) -> None:
    pairs = load()
    by_draft = {case["draft"].strip(): ref["rewrite"] for case, ref in pairs}
    provider.default = lambda body: answer(by_draft[draft_of(body).strip()])
    blocked = []
    async with running_server(settings_for(provider, redact_pii="off")) as s:
        for case, ref in pairs:
            response = await s.stub.Rewrite(pb2.RewriteRequest(
                draft=case["draft"], language=case["lang"],
                conversation=[pb2.Message(role=ROLES[m["role"]], text=m["text"]) for m in case["context"]]),
                timeout=10)
            if response.backend.fallback_used or response.rewrite != ref["rewrite"]:
                blocked.append(f"{case['id']}: {response.backend.reason or 'changed'}: {ref['rewrite']!r}")
    passed = len(pairs) - len(blocked)
    print(f"\nreference rewrites through Rewrite unchanged: {passed}/{len(pairs)}")
    assert passed >= 0.95 * len(pairs), "\n".join(blocked)
