"""Invented history: a rewrite may not tell the customer they were told before.

"As we mentioned after the last repair, the flashing might need attention
again", "come già successo a febbraio", "如之前所说": a back-reference to an
earlier contact or event reads as a fact about the case (the customer was
warned, it happened before), and none of it is in the draft. The
per-language data (``history_claims``) lists the ways of pointing back;
a rewrite with one where the draft has none is NEW_CONTENT naming it. A
draft that points back itself ("as I already said", which the rules ask
to soften) lets the rewrite keep it, and so does a conversation in which
the agent has already written: "as I mentioned" may point to that.
"""

from __future__ import annotations

from typing import Sequence

from service.domain import Finding, FindingKind, Message, Role, Span
from service.facts import Lexicon
from service.guard_text import Text

__all__ = ["invented_history"]


def invented_history(d: Text, c: Text, lex: Lexicon, conversation: Sequence[Message]) -> list[Finding]:
    claims = lex.patterns["history_claims"]
    if claims.search(d.folded) or any(m.role is Role.AGENT for m in conversation):
        return []
    m = claims.search(c.folded)
    if m is None:
        return []
    return [Finding(
        FindingKind.NEW_CONTENT,
        f'The rewrite points back to an earlier contact or event ("{c.text[m.start():m.end()]}", rewrite '
        f"characters {m.start()}-{m.end()}) that the draft does not mention.",
        Span(m.start(), m.end()))]
