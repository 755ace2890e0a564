"""``python -m bench`` runs every benchmark; ``python -m bench check rewrite`` a subset.

Prints a table per benchmark and writes bench/results/latest.json and
latest.md (a subset run updates only its own entries). ``--profile DIR``
attaches py-spy to the server during ``check`` and ``rewrite`` and adds the
costliest functions to their results; ``--scale`` shrinks the request counts
(the smoke test runs everything at a tiny scale).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import sys
import time
from pathlib import Path
from typing import Any

from bench import REPO_ROOT, Options, machine, now_iso, print_table, write_results

RESULTS = REPO_ROOT / "bench" / "results" / "latest"
# name -> module; the order of a full run (the noisiest, longest last).
BENCHMARKS = {
    "check": "bench.check",
    "rewrite": "bench.rewrite",
    "rules": "bench.rules",
    "verify": "bench.verify",
    "edits": "bench.edits",
    "prompt": "bench.prompt_size",
    "cache": "bench.cache",
    "stall": "bench.stall",
    "gc": "bench.gc_pause",
    "startup": "bench.startup",
    "embedded": "bench.embedded",
    "load": "bench.load",
}


async def run_all(names: list[str], opts: Options) -> dict[str, Any]:
    results: dict[str, Any] = {"measured_at": now_iso(), "machine": machine(), "options": {
        "scale": opts.scale, "profile": str(opts.profile_dir) if opts.profile_dir else None,
        "load_duration_s": opts.duration, "load_streams": opts.streams}, "benchmarks": {}}
    m = results["machine"]
    print(f"machine: {m['cores']} cores ({m['cores_usable']} usable), {m['cpu']}, Python {m['python']}, "
          f"calibration {m['calibration_ms']} ms, load {m.get('loadavg_1m')}")
    for name in names:
        module = importlib.import_module(BENCHMARKS[name])
        started = time.perf_counter()
        bench = await module.run(opts)
        bench["measured_at"] = now_iso()
        bench["wall_s"] = round(time.perf_counter() - started, 1)
        results["benchmarks"][name] = bench
        print_table(name, bench)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"benchmarks to run: {', '.join(BENCHMARKS)} (default all)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply request counts (default 1)")
    parser.add_argument("--profile", type=Path, default=None, metavar="DIR",
                        help="py-spy the server during check and rewrite; raw stacks go to DIR")
    parser.add_argument("--duration", type=float, default=60.0, help="load: seconds (default 60)")
    parser.add_argument("--streams", type=int, default=200, help="load: concurrent streams (default 200)")
    parser.add_argument("--out", type=Path, default=RESULTS,
                        help="results path without suffix (default bench/results/latest)")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {unknown[0]!r}; choose from {', '.join(BENCHMARKS)}")
    names = args.names or list(BENCHMARKS)
    opts = Options(scale=args.scale, profile_dir=args.profile, duration=args.duration, streams=args.streams)
    results = asyncio.run(run_all(names, opts))
    json_path, md_path = write_results(results, args.out)
    print(f"\nwrote {json_path} and {md_path}")
    missed = [f"{name}: {t['target']}" for name, b in results["benchmarks"].items()
              for t in b.get("targets", []) if not t["ok"]]
    for line in missed:
        print(f"MISS {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
