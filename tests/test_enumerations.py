"""An item added to the draft's list is invented content (service/enumerations.py).

Written fresh for the mechanism, not taken from any corpus half."""

from __future__ import annotations

import pytest

from service.domain import FindingKind, Message, Role
from service.guard import Guard
from service.rulebook import load_rulebook

BOOK = load_rulebook()


@pytest.fixture(scope="module")
def guard() -> Guard:
    return Guard()


def findings(guard: Guard, draft: str, cand: str, lang: str, conv: tuple = ()) -> list:
    return guard.verify(draft, cand, conv, lang, BOOK.check(draft, conv, "", lang))


@pytest.mark.parametrize("lang,draft,cand", [
    ("en", "Kit hire is €30: wetsuit, boots, gloves. Lesson starts 10:00.",
     "Kit hire is €30 and includes the wetsuit, boots, gloves and a waterproof dry bag. The lesson starts at 10:00."),
    ("it", "Il pacchetto da 90 € comprende trucco, acconciatura e prova. Appuntamento alle 9.",
     "Il pacchetto da 90 € comprende trucco, acconciatura, prova e ricostruzione unghie gel. L'appuntamento è alle 9."),
    ("es", "La revisión de 60 € incluye cambio de aceite, filtro y niveles. Se tarda 2 horas.",
     "La revisión de 60 € incluye el cambio de aceite, el filtro, los niveles y una limpieza completa del motor. Se tarda 2 horas."),
    ("zh", "年卡398元,包含停车、淋浴和储物柜。", "年卡398元,包含停车、淋浴、储物柜和私教体验课。"),
])
def test_an_item_the_draft_never_listed_is_new_content(guard, lang, draft, cand):
    found = [f for f in findings(guard, draft, cand, lang) if f.kind is FindingKind.NEW_CONTENT]
    assert found and "list" in found[0].detail


@pytest.mark.parametrize("lang,draft,cand,conv", [
    # the same items, reworded and reordered
    ("en", "Kit hire is €30: wetsuit, boots, gloves. Lesson starts 10:00.",
     "Kit hire costs €30 and covers gloves, boots and a wetsuit. Your lesson starts at 10:00.", ()),
    # an item the customer named is theirs
    ("en", "Yes, all fine. Lesson starts 10:00.",
     "Yes, the wetsuit, the boots and your own underwater camera are all fine to bring. Your lesson starts at 10:00.",
     (Message(Role.CUSTOMER, "Can I bring my wetsuit, boots and my own underwater camera?"),)),
    # a piece that says something is a clause, judged elsewhere: a "no"
    ("it", "Il codice vale sul primo ordine, min 50 €, nn sui saldi.",
     "Il codice vale sul primo ordine, con una spesa minima di 50 €, e non vale sui saldi.", ()),
])
def test_the_drafts_own_items_pass(guard, lang, draft, cand, conv):
    assert not [f for f in findings(guard, draft, cand, lang, conv) if "list" in f.detail]


@pytest.mark.parametrize("lang,draft,cand", [
    ("it", "Il tecnico passa venerdì alle 9 a controllare la caldaia.",
     "Il tecnico passerà venerdì alle 9 a controllare la caldaia e a sostituire il bruciatore difettoso."),
    ("es", "El jardinero viene el martes a cortar el césped.",
     "El jardinero vendrá el martes a cortar el césped y a podar todos los setos del patio."),
])
def test_an_action_joined_to_the_drafts_own_is_new_content(guard, lang, draft, cand):
    found = [f for f in findings(guard, draft, cand, lang) if f.kind is FindingKind.NEW_CONTENT]
    assert found and "will be done" in found[0].detail


@pytest.mark.parametrize("lang,draft,cand,conv", [
    # the draft's own second action, reworded
    ("es", "El jardinero viene el martes a cortar el césped y podar los setos.",
     "El jardinero vendrá el martes a cortar el césped y a podar los setos.", ()),
    # what the customer asked for, said back
    ("it", "Il tecnico passa venerdì alle 9.",
     "Il tecnico passerà venerdì alle 9 a controllare la caldaia e il bruciatore.",
     (Message(Role.CUSTOMER, "Potete controllare la caldaia e il bruciatore?"),)),
    # a question is no claim
    ("it", "Il tecnico passa venerdì alle 9 a controllare la caldaia.",
     "Il tecnico passerà venerdì alle 9 a controllare la caldaia: vuole che controlli anche il bruciatore difettoso?", ()),
])
def test_a_conjunct_the_draft_or_customer_grounds_passes(guard, lang, draft, cand, conv):
    assert not [f for f in findings(guard, draft, cand, lang, conv) if "will be done" in f.detail]


@pytest.mark.parametrize("lang,draft,cand,widened", [
    ("en", "for the warranty you need the receipt and the warranty card",
     "For the warranty, the receipt or the warranty card is enough.", True),
    ("it", "per il reso servono scontrino e scatola originale",
     "Per il reso basta lo scontrino oppure la scatola originale.", True),
    ("es", "para el cambio necesitas el ticket y la etiqueta", "Para el cambio necesitas el ticket o la etiqueta.", True),
    ("zh", "保修需提供购买发票和保修卡", "申请保修时，提供购买发票或者保修卡其中一样就可以。", True),
    # both still required, in other words
    ("es", "para el cambio necesitas el ticket y la etiqueta", "Para el cambio necesitas el ticket y también la etiqueta.", False),
    ("zh", "保修需提供购买发票和保修卡", "申请保修时，需要提供购买发票和保修卡。", False),
    # options the draft offers, not requirements
    ("en", "we accept card and PayPal", "You can pay by card or PayPal.", False),
])
def test_both_required_said_as_either_is_caught(guard, lang, draft, cand, widened):
    found = [f for f in findings(guard, draft, cand, lang) if "offers a choice" in f.detail]
    assert bool(found) is widened


def test_a_choice_the_draft_already_gives_is_kept(guard):
    """The draft itself joins some of its words by "o": said back unchanged, nothing widened."""
    draft = "Sí, cubre robo hasta 600€, solo si hubo violencia o intimidación y presenta denuncia en 48h."
    assert not [f for f in findings(guard, draft, draft, "es") if "offers a choice" in f.detail]
