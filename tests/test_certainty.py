"""A time the draft gives only as a guess may not come back as a promise
(service/certainty.py), and a rewrite that keeps the guess in its own words
passes."""

from __future__ import annotations

import pytest

from service.domain import FindingKind
from service.guard import Guard
from service.rulebook import load_rulebook

BOOK = load_rulebook()


@pytest.fixture(scope="module")
def guard() -> Guard:
    return Guard()


def kinds(guard: Guard, lang: str, draft: str, cand: str) -> set[FindingKind]:
    return {f.kind for f in guard.verify(draft, cand, (), lang, BOOK.check(draft, (), "", lang))}


@pytest.mark.parametrize("lang,draft,cand", [
    ("en", "the update might ship on Thursday", "The update will ship on Thursday."),
    ("en", "delivery usually takes 4 days", "Your delivery will take 4 days."),
    ("en", "power back est. 9pm, not guaranteed", "Power will be back at 9 pm."),
    ("it", "il rimborso forse arriva lunedì", "Il rimborso arriverà lunedì."),
    ("it", "la consegna di norma richiede 2 giorni lavorativi", "La consegna richiederà 2 giorni lavorativi."),
    ("es", "puede que el pedido salga el martes", "Su pedido saldrá el martes."),
    ("es", "normalmente la devolución tarda 10 días", "La devolución tardará 10 días."),
    ("zh", "快递可能周三到", "快递周三会到。"),
    ("zh", "审核一般5个工作日", "审核将在5个工作日内完成。"),
])
def test_a_guessed_time_said_as_certain_is_a_promise(guard, lang, draft, cand):
    assert FindingKind.NEW_COMMITMENT in kinds(guard, lang, draft, cand)


@pytest.mark.parametrize("lang,draft,cand", [
    ("en", "the update might ship on Thursday", "The update may ship on Thursday, though that isn't confirmed yet."),
    ("en", "delivery usually takes 4 days", "Delivery normally takes about 4 days."),
    ("en", "repair est 3 days", "We estimate the repair will take 3 days."),
    # a time the draft also states as a rule is the draft's, whatever else it guesses
    ("en", "usually 2 weeks to get the invoice. you can dispute within 14 days of it",
     "The invoice usually takes about two weeks. You can dispute it within 14 days of receiving it."),
    # "previsto" is a plan, not a guess
    ("it", "intervento previsto il 12/03", "Il tecnico passerà il 12 marzo."),
    ("it", "il rimborso forse arriva lunedì", "Il rimborso potrebbe arrivare lunedì."),
    ("es", "normalmente la devolución tarda 10 días", "La devolución suele tardar unos 10 días."),
    ("zh", "快递可能周三到", "快递预计周三送达。"),
])
def test_a_guess_kept_in_other_words_passes(guard, lang, draft, cand):
    assert FindingKind.NEW_COMMITMENT not in kinds(guard, lang, draft, cand)


# -- a restriction said as a condition of its strength (service/condition_check.py) --
@pytest.mark.parametrize("lang,draft,cand", [
    ("en", "exchanges only with the original box", "Exchanges are possible as long as you have the original box."),
    ("it", "accesso alla piscina solo con la cuffia", "Può accedere alla piscina a condizione che indossi la cuffia."),
    ("es", "el descuento vale solo con la tarjeta de socio",
     "El descuento es válido siempre que presente la tarjeta de socio."),
])
def test_a_restriction_restated_as_an_exclusive_condition_passes(guard, lang, draft, cand):
    assert FindingKind.DROPPED_FACT not in kinds(guard, lang, draft, cand)


@pytest.mark.parametrize("lang,draft,cand", [
    # a word of the restriction lost, another way opened, or the condition softened
    ("en", "exchanges only with the original box and receipt",
     "Exchanges are possible as long as you have the original box."),
    ("it", "accesso alla piscina solo con la cuffia",
     "Può accedere alla piscina a condizione che indossi la cuffia o un cappello."),
    ("es", "el descuento vale solo con la tarjeta de socio",
     "El descuento es válido, idealmente siempre que presente la tarjeta de socio."),
])
def test_a_restriction_restated_loosely_is_dropped(guard, lang, draft, cand):
    assert FindingKind.DROPPED_FACT in kinds(guard, lang, draft, cand)
