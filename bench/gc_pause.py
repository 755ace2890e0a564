"""Benchmark: the stop-the-world pause of a full garbage collection.

A full (generation 2) collection walks every tracked object while neither the
event loop nor the CPU lane runs. ``build_deps`` freezes what start-up loaded
(``service.server.freeze_loaded_objects``), so a collection walks only what
requests allocate. In a fresh interpreter: build the service, then time
full collections as served (frozen) and, as the baseline in the same run,
after ``gc.unfreeze()`` (what every collection cost before the freeze).
"""

from __future__ import annotations

import json
import statistics
import subprocess
from typing import Any

from bench import PYTHON, REPO_ROOT, TEST_MODEL, Options, child_env, ratio, target

PROBE = """
import gc, json, sys, time
from service.config import Settings
from service.metrics import Metrics
from service.server import build_deps
deps = build_deps(Settings(model=sys.argv[1], api_key="sk-bench"), Metrics())
walked = len(gc.get_objects())
# What serving allocates: one Verify per language.
for lang, draft, cand in [("en", "Order 10552 ships Friday.", "Your order 10552 ships on Friday."),
                          ("zh", "订单 A-77812 明天发货。", "您的订单 A-77812 明天发货。")]:
    deps.guard.verify(draft, cand, [], lang, [])
def pauses(n):
    out = []
    for _ in range(n):
        t = time.perf_counter(); gc.collect(); out.append((time.perf_counter() - t) * 1000)
    return out
frozen = gc.get_freeze_count()
served = pauses(int(sys.argv[2]))
gc.unfreeze()
unfrozen = pauses(int(sys.argv[2]))
deps.cpu.close(timeout=5)
print(json.dumps({"frozen_objects": frozen, "walked_after_start": walked, "served_ms": served, "unfrozen_ms": unfrozen}))
"""


async def run(opts: Options) -> dict[str, Any]:
    repeats = opts.n(7, minimum=3)
    out = subprocess.run([PYTHON, "-c", PROBE, TEST_MODEL, str(repeats)], cwd=REPO_ROOT, env=child_env(),
                         capture_output=True, text=True, check=True, timeout=600)
    probe = json.loads(out.stdout.strip().splitlines()[-1])
    served = round(statistics.median(probe["served_ms"]), 3)
    unfrozen = round(statistics.median(probe["unfrozen_ms"]), 2)
    return {
        "title": "Full garbage collection pause after start-up",
        "setup": f"fresh interpreter, hosted-model settings; median of {repeats} gc.collect() each way.",
        "median_ms": {"served": served, "unfrozen": unfrozen},
        "frozen_objects": probe["frozen_objects"],
        "walked_after_start": probe["walked_after_start"],
        "table": [
            ("objects frozen at start-up", probe["frozen_objects"]),
            ("objects a collection walks after start-up", probe["walked_after_start"]),
            ("full collection as served ms", served),
            ("baseline: same process unfrozen ms", unfrozen),
            ("served / unfrozen", ratio(served, unfrozen)),
        ],
        "targets": [target("a full collection walks <= 5% of the unfrozen pause", served <= 0.05 * unfrozen,
                           ratio(served, unfrozen))],
    }
