"""The labelled eval cases through the real Check RPC (issue 3's gate)."""

from __future__ import annotations

import json

from service.pb import pb2
from tests.conftest import RunningServer
from tests.shared_data import eval_cases_path

ROLES = {"customer": pb2.ROLE_CUSTOMER, "agent": pb2.ROLE_AGENT}


async def test_check_rpc_recall_and_clean_cases(server: RunningServer) -> None:
    cases = [json.loads(line) for line in eval_cases_path().read_text(encoding="utf-8").splitlines() if line.strip()]
    expected = found = 0
    flagged_clean = []
    for case in cases:
        response = await server.stub.Check(pb2.CheckRequest(
            text=case["draft"], language=case["lang"],
            conversation=[pb2.Message(role=ROLES[m["role"]], text=m["text"]) for m in case["context"]]), timeout=5)
        got = {v.rule_id for v in response.violations}
        expected += len(case["expect"])
        found += len(set(case["expect"]) & got)
        if case.get("clean") and got:
            flagged_clean.append((case["id"], sorted(got)))
        # detected language agrees with the label when the caller gives none
        detected = await server.stub.Check(pb2.CheckRequest(
            text=case["draft"],
            conversation=[pb2.Message(role=ROLES[m["role"]], text=m["text"]) for m in case["context"]]), timeout=5)
        assert detected.language == case["lang"], case["id"]
    assert found / expected >= 0.95
    assert not flagged_clean
