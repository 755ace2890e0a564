"""A figure keeps its bound and its precision (service/figures.py): a floor
said as a ceiling, or an estimate said exactly, is caught; the same bound or
estimate in other words, and a complement said positively, pass. A strong
requirement said as advice is a weakened warning (service/warnings.py)."""

from __future__ import annotations

import pytest

from service.guard import Guard
from service.rulebook import load_rulebook

BOOK = load_rulebook()


@pytest.fixture(scope="module")
def guard() -> Guard:
    return Guard()


def details(guard: Guard, lang: str, draft: str, cand: str) -> list[str]:
    return [f"{f.kind.value}: {f.detail}" for f in guard.verify(draft, cand, (), lang, BOOK.check(draft, (), "", lang))]


@pytest.mark.parametrize("lang,draft,cand", [
    ("en", "free shipping on orders of at least $50", "Shipping is free on orders of up to $50."),
    ("en", "the plan allows max 5 users", "The plan is for 5 users or more."),
    ("it", "il bonus vale per ricariche di almeno 20€", "Il bonus vale per ricariche fino a 20 euro."),
    ("es", "el descuento es para compras de hasta 100€", "El descuento es para compras de al menos 100 euros."),
    ("zh", "满200元可以用这张券", "这张券最多可以用于200元的订单。"),
    ("zh", "每单最多退3件", "每单至少退3件。"),
])
def test_a_floor_said_as_a_ceiling_is_caught(guard, lang, draft, cand):
    assert any("floor" in d and "ceiling" in d for d in details(guard, lang, draft, cand))


@pytest.mark.parametrize("lang,draft,cand", [
    ("en", "min 3 nights for the discount", "The discount needs a stay of 3 nights or more."),
    ("en", "cancel free up to 48h before check-in", "You can cancel free of charge at least 48 hours before check-in."),
    ("it", "puoi portare fino a 2 bagagli", "Puoi portare al massimo 2 bagagli."),
    ("es", "no hay descuento por debajo de 3 noches", "El descuento es para estancias de 3 noches o más."),
    ("es", "cancelación gratis hasta 24h antes", "Puede cancelar gratis con al menos 24 horas de antelación."),
    ("zh", "提前48小时以上取消免费", "最晚在48小时前取消，不收费用。"),
])
def test_the_same_bound_in_other_words_passes(guard, lang, draft, cand):
    assert not any("floor" in d or "ceiling" in d for d in details(guard, lang, draft, cand))


@pytest.mark.parametrize("lang,draft,cand", [
    ("en", "repair takes about 10 days", "The repair will take 10 days."),
    ("it", "la pratica si chiude in circa 15 gg", "La pratica si chiuderà in 15 giorni."),
    ("es", "el envío cuesta unos 12€", "El envío cuesta 12 euros."),
    ("zh", "维修需要大约7天", "维修需要7天。"),
    ("zh", "退款3天左右到账", "退款3天到账。"),
])
def test_an_estimate_said_exactly_is_caught(guard, lang, draft, cand):
    assert any("only as an estimate" in d for d in details(guard, lang, draft, cand))


@pytest.mark.parametrize("lang,draft,cand", [
    ("en", "repair takes about 10 days", "The repair will take around ten days."),
    ("en", "concert runs approx 2h30", "The concert has an approximate length of two and a half hours."),
    ("it", "la pratica si chiude in circa 15 gg", "La pratica dovrebbe chiudersi in una quindicina di giorni, 15 giorni circa."),
    ("es", "duración aprox 2h30", "Tiene una duración aproximada de 2 horas y media."),
    ("zh", "维修需要大约7天", "维修大概需要7天。"),
])
def test_an_estimate_kept_in_other_words_passes(guard, lang, draft, cand):
    assert not any("only as an estimate" in d for d in details(guard, lang, draft, cand))


@pytest.mark.parametrize("lang,draft,cand", [
    ("en", "ID is mandatory at pickup", "We recommend bringing your ID at pickup."),
    ("it", "x il ritiro è obbligatorio il documento", "Per il ritiro le consigliamo di portare il documento."),
    ("es", "para entrar es imprescindible el pasaporte", "Para entrar, lo ideal es llevar el pasaporte."),
    ("zh", "办理时必须携带身份证原件", "办理时建议您携带身份证原件。"),
])
def test_a_requirement_said_as_advice_is_a_weakened_warning(guard, lang, draft, cand):
    assert any(d.startswith("DROPPED_FACT") and "only as advice" in d for d in details(guard, lang, draft, cand))


@pytest.mark.parametrize("lang,draft,cand", [
    ("en", "ID is mandatory at pickup", "Please bring your ID at pickup: it's required."),
    ("it", "x il ritiro è obbligatorio il documento", "Per il ritiro è necessario portare il documento."),
    ("es", "para entrar es imprescindible el pasaporte", "Para entrar, necesitas llevar el pasaporte."),
    ("zh", "办理时必须携带身份证原件", "办理时请务必携带身份证原件。"),
])
def test_a_requirement_kept_binding_passes(guard, lang, draft, cand):
    assert not any("only as advice" in d for d in details(guard, lang, draft, cand))
