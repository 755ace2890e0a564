"""The real server with the deterministic checks' answers precomputed: a benchmark seam.

    python -m bench.precomputed serve ...   (the same flags as ``python -m service serve``)

``Rulebook.check`` and ``Guard.verify`` remember their answer per input, so
once the corpus has been seen they cost a dictionary lookup. Everything else
(gRPC, the interceptors, validation, the prompt, litellm, the responses) is
the real service. Measuring this server beside the real one shows how much of
the distance to a baseline is the rule engine and the guard, and how much is
the rest. Never used outside the benchmarks, and the service itself keeps no
such memo: the benchmarks repeat a 48-item corpus, so it would answer every
request from memory there, which real traffic (a new draft each time) never
would.
"""

from __future__ import annotations

import sys
from typing import Any


def _memoize(cls: Any, name: str, key_of: Any) -> None:
    original = getattr(cls, name)
    answers: dict[Any, list[Any]] = {}

    def remembered(self: Any, *args: Any, **kwargs: Any) -> list[Any]:
        key = key_of(*args, **kwargs)
        found = answers.get(key)
        if found is None:
            found = answers[key] = list(original(self, *args, **kwargs))
        return list(found)

    setattr(cls, name, remembered)


def install() -> None:
    from service.guard import Guard
    from service.rulebook import Rulebook

    _memoize(Rulebook, "check", lambda text, conversation=(), customer_name="", language="en":
             (text, tuple(conversation), customer_name, language))
    _memoize(Guard, "verify", lambda draft, candidate, conversation=(), language="en", violations=():
             (draft, candidate, tuple(conversation), language, tuple(violations)))


if __name__ == "__main__":
    install()
    from service.cli import main

    sys.exit(main(sys.argv[1:]))
