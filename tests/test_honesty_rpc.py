"""Honesty through the real RPCs: the labelled verify pairs through Verify, and
every eval case through Rewrite with a provider that always lies."""

from __future__ import annotations

from service.pb import pb2
from tests.conftest import RunningServer
from tests.eval_fallback import evaluate
from tests.eval_verify import load_pairs

ROLES = {"customer": pb2.ROLE_CUSTOMER, "agent": pb2.ROLE_AGENT}


async def test_verify_rpc_catches_every_dishonest_pair_and_accepts_honest_ones(server: RunningServer) -> None:
    pairs = load_pairs()
    assert len(pairs) >= 40
    assert {p["lang"] for p in pairs} == {"en", "it", "es", "zh"}
    missed, honest_accepted, honest_total = [], 0, 0
    for p in pairs:
        response = await server.stub.Verify(pb2.VerifyRequest(
            draft=p["draft"], candidate=p["candidate"], language=p["lang"],
            conversation=[pb2.Message(role=ROLES[m["role"]], text=m["text"]) for m in p.get("conversation", [])]),
            timeout=5)
        if p["honest"]:
            honest_total += 1
            honest_accepted += response.honest
        elif response.honest:
            missed.append(p)
    assert not missed, missed
    assert honest_accepted / honest_total >= 0.9


async def test_fallback_answers_every_eval_case_when_the_model_lies() -> None:
    report = await evaluate()
    assert report["fallback_answered"] == report["cases"]
    assert all(r["reason"].startswith("guard:") for r in report["results"])
    assert report["kept_all_facts"] == report["cases"], [r for r in report["results"] if not r["kept"]]
    assert report["clean_rate"] >= 0.8, [r for r in report["results"] if not r["clean"]]
