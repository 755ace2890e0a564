"""An outcome the draft never names (a fix, an approval, a payment, a
replacement) may not come of the rewrite (service/outcomes.py); the draft's
own outcome, said in another form, a question, a condition, a refusal or a
goal of the customer's steps passes."""

from __future__ import annotations

import pytest

from service.domain import FindingKind
from service.guard import Guard
from tests.test_certainty import kinds   # the same reading of a pair


@pytest.fixture(scope="module")
def guard() -> Guard:
    return Guard()


@pytest.mark.parametrize("lang,draft,cand", [
    ("en", "tech visit booked fri 8-12 to diagnose the fault", "A technician will visit on Friday between 8:00 and 12:00 to repair the fault."),
    ("en", "we'll reply to ur complaint within 5 working days", "Thank you for your complaint. It will be resolved within 5 working days."),
    ("en", "I've passed ur request to the office manager", "The office manager has approved your request."),
    ("it", "il tecnico viene venerdì a verificare la linea", "Il tecnico verrà venerdì a riparare la linea."),
    ("it", "ho inoltrato la richiesta all'ufficio scuola", "L'ufficio scuola ha approvato la richiesta."),
    ("es", "el técnico pasa el vie a revisar la avería", "El técnico pasará el viernes a reparar la avería."),
    ("es", "hemos recibido las fotos, el seguro te responde en 10 dias", "Hemos recibido las fotos; el seguro te lo abonará en 10 días."),
    ("zh", "师傅周五上门检测一下线路", "您好，师傅周五会上门把线路修好。"),
    ("zh", "申请已经提交给主管了", "主管已经批准了您的申请。"),
])
def test_an_outcome_the_draft_never_names_is_a_promise(guard, lang, draft, cand):
    assert FindingKind.NEW_COMMITMENT in kinds(guard, lang, draft, cand)


@pytest.mark.parametrize("lang,draft,cand", [
    # the draft's own outcome in another form or word of its kind
    ("en", "engineer will fix the boiler on fri", "Our engineer will repair the boiler on Friday."),
    ("it", "se annulli ti rimborsano solo le tasse", "Se annulla, le verranno rimborsate solo le tasse."),
    ("es", "tu autorizacion se resuelve en 72h laborables", "Tu autorización se resolverá en un plazo de 72 horas laborables."),
    ("zh", "审核5-7个工作日,通过后打到绑定的银行卡", "审核通过后,会打到您绑定的银行卡,需要5到7个工作日。"),
    # a question, a condition, a refusal, a goal of the customer's own steps
    ("en", "try restarting the router", "Could you try restarting the router? If that doesn't fix it, let me know."),
    ("en", "we cant do anything on site", "We're not able to repair it on site."),
    ("es", "Hay q reiniciar el router manteniendo pulsado el boton 10 segundos",
     "Para solucionarlo, mantenga pulsado el botón del router durante 10 segundos."),
    ("zh", "快递已经发出,顺丰", "您的包裹已通过顺丰快递发出。"),
])
def test_an_outcome_the_draft_allows_passes(guard, lang, draft, cand):
    assert FindingKind.NEW_COMMITMENT not in kinds(guard, lang, draft, cand)


# -- a time a note already gives a delivery (service/commitments.py, ``delivery_words``) --
@pytest.mark.parametrize("lang,draft,cand", [
    ("en", "order 7712 is printing now, ready to collect from 3pm", "Your order 7712 is being printed now and will be ready to collect from 3 pm."),
    ("it", "lo rilaviamo gratis, pronto mer 14", "Rilaveremo il piumone gratuitamente e sarà pronto mercoledì 14."),
])
def test_a_notes_delivery_time_said_with_a_verb_passes(guard, lang, draft, cand):
    assert FindingKind.NEW_COMMITMENT not in kinds(guard, lang, draft, cand)


def test_a_notes_delivery_time_makes_no_other_time(guard):
    draft = "order 7712 is printing now, ready to collect from 3pm"
    assert FindingKind.NEW_COMMITMENT in kinds(guard, "en", draft, "Your order 7712 will be delivered tomorrow.")


# -- invented history (service/history.py) --
@pytest.mark.parametrize("lang,draft,cand", [
    ("en", "Need ur P60 by 20 Jan to file.", "As we reminded you last month, we need your P60 by 20 January to file your return."),
    ("it", "Lezione di sab spostata alle 16, il campo è allagato.", "Come già successo a febbraio, il campo è allagato: la lezione di sabato è spostata alle 16."),
    ("es", "Necesitamos la factura antes del 20/05.", "Como le comentamos la semana pasada, necesitamos la factura antes del 20/05."),
    ("zh", "周五派师傅上门换滤芯", "正如我们之前提醒过您的，周五会派师傅上门更换滤芯。"),
])
def test_an_invented_earlier_contact_is_new_content(guard, lang, draft, cand):
    assert FindingKind.NEW_CONTENT in kinds(guard, lang, draft, cand)


def test_an_earlier_contact_the_conversation_holds_passes(guard):
    from service.domain import Message, Role
    conv = [Message(Role.AGENT, "You'll need your P60 to file."), Message(Role.CUSTOMER, "When do you need it?")]
    found = guard.verify("Need ur P60 by 20 Jan.", "As I mentioned, we need your P60 by 20 January.", conv, "en")
    assert FindingKind.NEW_CONTENT not in {f.kind for f in found}


# -- a hope is a guess (service/certainty.py, ``guesses``) --
def test_a_hope_said_as_certain_is_a_promise(guard):
    assert FindingKind.NEW_COMMITMENT in kinds(
        guard, "en", "landlord's insurer hopes to settle by friday", "Your claim will be settled by Friday.")
