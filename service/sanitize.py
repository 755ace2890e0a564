"""Hidden instructions: what is taken out of the text before a model sees it.

* Zero-width and bidirectional control characters (U+200B..U+200F, U+202A..U+202E,
  U+2060..U+2064, U+2066..U+2069, U+FEFF, U+180E) can hide or reorder an order
  a person reviewing the chat never sees. They are removed from the draft and
  the conversation before the prompt is built, and from every answer before it
  reaches the caller.
* Long base64 or hex blobs in a customer's message (40 or more characters of
  the alphabet) can carry an encoded order. A customer has no reason to send
  one to a support chat, so in the prompt it is replaced by the placeholder
  ``[ENCODED_DATA]``; the honesty guard then rejects any answer that carries a
  blob the draft does not have (``service/egress.py``).
"""

from __future__ import annotations

import re

__all__ = ["BLOB", "BLOB_PLACEHOLDER", "INVISIBLE", "hide_blobs", "strip_invisible"]

INVISIBLE = re.compile("[\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# base64 (standard or URL alphabet, optional padding) or hex, 40+ characters,
# with at least one digit: long plain words never match.
BLOB = re.compile(r"(?<![A-Za-z0-9+/=_-])(?=[A-Za-z0-9+/_-]*\d)[A-Za-z0-9+/_-]{40,}={0,2}(?![A-Za-z0-9+/=_-])")
BLOB_PLACEHOLDER = "[ENCODED_DATA]"


def strip_invisible(text: str) -> str:
    """``text`` without zero-width and bidi control characters."""
    return INVISIBLE.sub("", text) if not text.isascii() else text


def hide_blobs(text: str) -> str:
    """``text`` with every long base64/hex blob replaced by the placeholder."""
    return BLOB.sub(BLOB_PLACEHOLDER, text)
