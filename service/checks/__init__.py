"""Detectors, one module per family, registered by the name rule files use.

A rule's ``detector`` key picks one of ``DETECTORS``; the detector reads the
rule's data (patterns, term lists, cues, params) and returns Violations. Each
detector may also validate the rule data it needs at load time, so a rule file
that lacks it fails at start-up with the file and key named.
"""

from __future__ import annotations

from service.checks import address, dialogue, form, lexical, spelling
from service.checks.context import Detector

DETECTORS: dict[str, Detector] = {
    **lexical.DETECTORS,
    **address.DETECTORS,
    **dialogue.DETECTORS,
    **form.DETECTORS,
    **spelling.DETECTORS,
}

__all__ = ["DETECTORS", "Detector"]
