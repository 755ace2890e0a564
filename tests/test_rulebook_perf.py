"""check() on a 500-character draft with a 20-message conversation: median under 2 ms."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service.domain import Message, Role
from service.rulebook import load_rulebook

BOOK = load_rulebook()

DRAFT = (
    "Hi Priya, thanks for waiting! I checked order 10552 and the refund of $49.99 was sent today; "
    "it usually reaches your card within 3-5 business days. The FAQ has the details and the PDF "
    "invoice is in your account. Unfortunately we can't change the delivery address once the parcel "
    "has left the warehouse, but I can ask the courier to hold it at the depot for you. Would that "
    "work? If anything else comes up, just reply here and I'll take care of it. Have a great day! "
    "Thanks again for your patience, Priya."
)[:500]
CONVERSATION = tuple(
    Message(Role.CUSTOMER if i % 2 == 0 else Role.AGENT,
            f"Message {i}: my order 10552 is late and I was charged twice, my email is jo{i}@example.com"
            if i % 2 == 0 else f"Thanks, I'm checking order 10552 for you now (step {i}).")
    for i in range(20)
)


def median_ms(runs: int = 300) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        BOOK.check(DRAFT, CONVERSATION, "", "en")
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def test_draft_is_500_chars():
    assert len(DRAFT) == 500 and len(CONVERSATION) == 20


def test_median_check_under_2ms():
    median_ms(20)  # warm up
    assert median_ms() < 2.0


if __name__ == "__main__":
    median_ms(20)
    print(f"median check(): {median_ms(1000):.3f} ms")
