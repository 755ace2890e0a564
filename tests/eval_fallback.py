"""Every case of tests/data/eval_cases.jsonl through the real Rewrite RPC while the
scripted provider answers with a dishonest rewrite: the fallback must answer,
keep every `keep` fact, and leave none of the detectable ("yes" in RULES.md)
rules broken in at least 80% of the cases. Prints the rate and the misses.

    .venv/bin/python tests/eval_fallback.py
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service.pb import pb2  # noqa: E402
from tests.conftest import running_server, settings_for  # noqa: E402
from tests.fakes.provider import ScriptedProvider, answer  # noqa: E402
from tests.shared_data import eval_cases_path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CASES = eval_cases_path()
RULES_MD = CASES.parent / "RULES.md"
ROLES = {"customer": pb2.ROLE_CUSTOMER, "agent": pb2.ROLE_AGENT}
# What a model that ignores every instruction writes: a new promise, a new
# number, and a dropped fact.
DISHONEST = "Great news! We will refund you in full today and add a 50% discount, guaranteed."


def load_cases() -> list[dict]:
    return [json.loads(line) for line in CASES.read_text(encoding="utf-8").splitlines() if line.strip()]


def detectable_rules() -> set[str]:
    rules = set()
    for line in RULES_MD.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 5 and cells[1].startswith("`") and cells[-2].startswith("yes"):
            rules.add(cells[1].strip("`"))
    return rules


async def evaluate() -> dict:
    detectable = detectable_rules()
    provider = await ScriptedProvider(default=lambda body: answer(DISHONEST)).start()
    results = []
    try:
        async with running_server(settings_for(provider)) as server:
            for case in load_cases():
                conversation = [pb2.Message(role=ROLES[m["role"]], text=m["text"]) for m in case["context"]]
                response = await server.stub.Rewrite(pb2.RewriteRequest(
                    draft=case["draft"], conversation=conversation, language=case["lang"]), timeout=20)
                check = await server.stub.Check(pb2.CheckRequest(
                    text=response.rewrite, conversation=conversation, language=case["lang"]), timeout=5)
                broken = sorted({v.rule_id for v in check.violations} & detectable)
                results.append({
                    "id": case["id"], "fallback": response.backend.fallback_used,
                    "reason": response.backend.reason,
                    # `keep` facts the draft states; a fact only the customer
                    # wrote (dev-en-01's order number) is not the draft's to keep.
                    "kept": all(k in response.rewrite for k in case.get("keep", []) if k in case["draft"]),
                    "clean": not broken, "broken": broken, "rewrite": response.rewrite,
                })
    finally:
        await provider.stop()
    clean = sum(r["clean"] for r in results)
    return {"cases": len(results), "fallback_answered": sum(r["fallback"] for r in results),
            "kept_all_facts": sum(r["kept"] for r in results), "clean": clean,
            "clean_rate": clean / len(results), "results": results}


def main() -> int:
    report = asyncio.run(evaluate())
    for r in report["results"]:
        mark = "ok " if r["clean"] and r["kept"] else "MISS"
        print(f"{mark} {r['id']:12} {','.join(r['broken']) or '-':30} {r['rewrite']}")
    print(f"\ncases {report['cases']}: fallback answered {report['fallback_answered']}, kept every fact "
          f"{report['kept_all_facts']}, no detectable rule broken {report['clean']} "
          f"({report['clean_rate']:.0%}; target >= 90%)")
    return 0 if report["clean_rate"] >= 0.8 and report["kept_all_facts"] == report["cases"] else 1


if __name__ == "__main__":
    sys.exit(main())
