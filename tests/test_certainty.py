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



# -- a bound said as the plan (service/certainty.py, ``bounds``) --
@pytest.mark.parametrize("lang,draft,cand", [
    ("en", "earliest we can install is mon 17th", "We will install it on Monday 17th."),
    ("it", "al più presto il tecnico passa giovedì 4", "Il tecnico passerà giovedì 4."),
    ("es", "lo antes q podemos instalar es el lun 17", "Haremos la instalación el lunes 17."),
    ("zh", "最早周五才能发货", "我们周五给您发货。"),
])
def test_an_earliest_day_said_as_the_plan_is_a_promise(guard, lang, draft, cand):
    assert FindingKind.NEW_COMMITMENT in kinds(guard, lang, draft, cand)


@pytest.mark.parametrize("lang,draft,cand", [
    ("en", "earliest we can install is mon 17th", "The earliest we can install is Monday 17th."),
    ("en", "earliest we can install is mon 17th", "We can install from Monday 17th onwards."),
    ("en", "Earliest is tomorrow between 8am and 12pm", "We can reconnect you as early as tomorrow, between 8 AM and 12 PM."),
    ("it", "al più presto il tecnico passa giovedì 4", "La prima data disponibile per il tecnico è giovedì 4."),
    ("es", "lo antes q podemos instalar es el lun 17", "Podemos hacer la instalación a partir del lunes 17."),
    ("zh", "最早周五才能发货", "最早周五可以为您发货。"),
])
def test_a_bound_kept_in_other_words_passes(guard, lang, draft, cand):
    assert FindingKind.NEW_COMMITMENT not in kinds(guard, lang, draft, cand)


# -- a period counted from now is a fact (service/facts, ``relative_periods``) --
@pytest.mark.parametrize("lang,draft,cand", [
    ("en", "the decision comes by end of month", "The decision will come this week."),
    ("it", "la risposta arriva entro fine mese", "La risposta arriverà entro questa settimana."),
    ("es", "te contestamos a final de mes", "Te contestaremos esta semana."),
    ("zh", "审批结果月底前出", "审批结果本周内就会出来。"),
])
def test_a_period_moved_is_caught(guard, lang, draft, cand):
    assert kinds(guard, lang, draft, cand) & {FindingKind.NEW_FACT, FindingKind.DROPPED_FACT}


@pytest.mark.parametrize("lang,draft,cand", [
    ("en", "the decision comes by end of month", "You'll have the decision by the end of this month."),
    ("it", "la risposta arriva entro fine mese", "Riceverà la risposta entro la fine del mese."),
    ("es", "el cambio se aplica el dia 1 del mes q viene", "El cambio se aplicará el día 1 del próximo mes."),
    ("zh", "当月不能降，次月1号生效", "本月无法降档，下个月1号生效。"),
    # a period the draft has none of, said in passing, moves nothing
    ("it", "gli ingressi prova sono lun-ven", "Gli ingressi di prova sono dal lunedì al venerdì: vi aspettiamo in settimana!"),
])
def test_a_period_said_again_passes(guard, lang, draft, cand):
    assert not kinds(guard, lang, draft, cand) & {FindingKind.NEW_FACT, FindingKind.DROPPED_FACT}

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
