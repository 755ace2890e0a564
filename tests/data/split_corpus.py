"""Split a freshly written corpus into a dev half (looked at while tuning) and
a test half (committed first, afterwards only measured).

    python tests/data/split_corpus.py IN.jsonl DEV.jsonl TEST.jsonl [--key honest,class]

Within each stratum (language plus the given keys) items alternate by id
order: the 1st, 3rd, 5th... go to test, the others to dev. The rule is fixed
before anyone reads the items, so nothing chose which half an item landed in.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path


def split(items: list[dict], keys: list[str]) -> tuple[list[dict], list[dict]]:
    strata: dict[tuple, list[dict]] = defaultdict(list)
    for item in sorted(items, key=lambda x: x["id"]):
        strata[tuple([item["lang"], *(str(item.get(k)) for k in keys)])].append(item)
    dev, test = [], []
    for group in strata.values():
        for i, item in enumerate(group):
            (test if i % 2 == 0 else dev).append(item)
    return sorted(dev, key=lambda x: x["id"]), sorted(test, key=lambda x: x["id"])


def main(argv: list[str]) -> int:
    src, dev_path, test_path = (Path(a) for a in argv[:3])
    keys = argv[argv.index("--key") + 1].split(",") if "--key" in argv else []
    items = [json.loads(line) for line in src.read_text(encoding="utf-8").splitlines() if line.strip()]
    dev, test = split(items, keys)
    for path, part in ((dev_path, dev), (test_path, test)):
        path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in part), encoding="utf-8")
    print(f"{src.name}: {len(dev)} dev, {len(test)} test")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
