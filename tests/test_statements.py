"""Negative statements (service/statements.py): a rewrite may say a "no"
positively, but must not say that what the draft denied is so."""

from __future__ import annotations

import pytest

from service.domain import FindingKind
from service.guard import Guard
from service.rulebook import load_rulebook

FLIP = FindingKind.FLIPPED_REFUSAL
BOOK = load_rulebook()


@pytest.fixture(scope="module")
def guard() -> Guard:
    return Guard()


def findings(guard: Guard, draft: str, cand: str, lang: str) -> list:
    return guard.verify(draft, cand, (), lang, BOOK.check(draft, (), "", lang))


@pytest.mark.parametrize("lang,draft,cand", [
    # the "no" dropped
    ("en", "Your parcel hasn't shipped yet.", "Good news: your parcel has shipped."),
    ("en", "We weren't able to reproduce the crash on 4.2.", "We were able to reproduce the crash on 4.2."),
    ("it", "Il rimborso non è ancora stato accreditato.", "Il rimborso è stato accreditato."),
    ("es", "El cargo de 30 € no se ha aplicado a su cuenta.", "El cargo de 30 € se ha aplicado a su cuenta."),
    ("zh", "您的包裹还没发货。", "您的包裹已经发货了。"),
    # an order not to do something made a permission
    ("en", "Don't unplug the modem during the update.", "Feel free to unplug the modem during the update."),
    ("zh", "千万别开灯。", "您可以打开灯检查一下。"),
    # "never" made "sometimes"
    ("en", "We never ask for your password by email.", "We only occasionally ask for your password by email."),
    # a question after the statement asks only its own part
    ("en", "we havent received the form for claim 88 yet, can u check with HR?",
     "We have received the form for claim 88, could you check with HR?"),
    # "appena" here is "just", no condition of the "no"
    ("it", "Ho appena controllato: il bonifico non è ancora arrivato.", "Ho appena controllato: il bonifico è arrivato."),
    # the segmenter reads 还没收到 as 没收 + 到; what is denied is 收到
    ("zh", "我们还没收到您的付款。", "我们已经收到您的付款。"),
    ("zh", "我们没有发现线路有故障。", "我们发现线路有故障。"),
    # "isn't available" is one "no" (two lists match it), weakened here
    ("en", "The blue model isn't available in size 9.", "The blue model usually isn't available in size 9."),
    # "you don't need to": the head is the requirement itself
    ("en", "You don't need to bring the receipt.", "You'll need to bring the receipt."),
    # a bare future for a "not yet" promises the outcome
    ("en", "Your claim hasn't been approved yet.", "Your claim will be approved."),
    # "approved but not paid yet": the denied part restated as done
    ("en", "The payout is approved but not paid yet.", "The payout has been approved and paid."),
    # "or" carries the "no" to the next word
    ("en", "Don't unplug the modem or restart it during the update.",
     "Please don't unplug the modem during the update, but feel free to restart it."),
    ("it", "Non spenga il modem o lo riavvii durante l'aggiornamento.",
     "Non spenga il modem durante l'aggiornamento; può riavviarlo tranquillamente."),
    # an order given without a condition, permitted on the rewrite's own condition
    ("en", "Please don't reset the router during the update.",
     "Please keep the router on during the update; reset it if needed."),
    ("es", "No apague el módem durante la actualización.",
     "Durante la actualización, si hace falta, puede apagar el módem."),
    ("zh", "千万别开灯。", "如有需要可以开灯。"),
    # a "no" kept only as a rule
    ("en", "Water damage is not covered by the 1-year warranty.", "Water damage is usually not covered by the 1-year warranty."),
    ("zh", "私教课不退款。", "私教课一般不退款。"),
    # a "no" beside the head in a question elsewhere in the sentence is no question
    ("it", "La pratica non è ancora stata approvata, manca il modulo.",
     "La pratica è stata approvata; ci manca ancora il modulo: può inviarlo?"),
])
def test_a_denied_statement_said_to_be_so_is_flagged(guard, lang, draft, cand):
    flips = [f for f in findings(guard, draft, cand, lang) if f.kind is FLIP]
    assert flips, (draft, cand)
    assert any(x in flips[0].detail for x in ('with no "no" left', "reads as a yes", "only as a rule"))


@pytest.mark.parametrize("lang,draft,cand", [
    # the "no" kept in other words, or as still pending
    ("en", "Your refund hasn't been processed yet.", "Your refund is still being processed."),
    ("en", "The transfer isn't complete, the old provider hasn't released the number.",
     "The transfer is still in progress while we wait for the old provider to release the number."),
    ("es", "La pieza no ha llegado todavía.", "Seguimos esperando a que llegue la pieza."),
    ("zh", "包裹还没发货。", "包裹正在打包，还在等待发货。"),
    # blame turned into a request, or a question
    ("en", "You didn't attach the invoice.", "Could you attach the invoice?"),
    ("en", "You didn't attach the invoice.", "Please attach the invoice."),
    # "without X, no Y" said as "Y needs X"
    ("it", "Senza certificato B2 non può iscriversi al corso.", "Per iscriversi al corso serve il certificato B2."),
    # a "no" inside a condition; "otherwise"
    ("en", "If the parcel doesn't arrive by Friday, call us.", "If your parcel hasn't arrived by Friday, please call us."),
    ("zh", "不用重复提交，重复提交会生成重复记录。", "请不要重复提交，否则会产生重复的记录。"),
    # a later clause of the sentence keeps the "no" for the part it was about
    ("es", "Media pensión: desayuno y cena, bebidas no incluidas.",
     "La media pensión incluye el desayuno y la cena, pero no las bebidas."),
    # a "not often" said as "rarely": the draft's clause is a rule already
    ("en", "Outages like this don't happen often here.", "Outages like this rarely happen here."),
    # asked for, or made a condition, right after the word (zh)
    ("zh", "您没有填写门牌号。", "门牌号可以补充填写一下。"),
    # a step named as a benefit, a "not yet" said as under way or about to happen
    ("en", "You didn't include your order number.", "Including your order number will help us find it faster."),
    ("es", "No adjuntó la factura.", "Al adjuntar la factura podremos tramitar su solicitud enseguida."),
    ("en", "Your account hasn't been activated yet.", "Your account activation is underway."),
    ("zh", "您的订单还没发货。", "您的订单即将发货。"),
    # the rewrite restates the draft's own yes, not the denied part
    ("zh", "这个套餐包含国内通话和流量，不包含国际漫游。", "这个套餐包含国内通话和流量，国际漫游需要另外开通。"),
    # a "no" matched by two lists is one "no", not a double negative, and is kept here
    ("en", "The blue model isn't available in size 9.", "The blue model is not available in size 9."),
    # a condition after the "no" does not make it a condition's premise ("不符合要求")
    ("zh", "收入证明不符合要求。", "很遗憾，收入证明不符合要求。"),
    # an order with its own limit, said as what may be done once it is met
    ("en", "Don't use the app until the update is installed.", "You can use the app once the update is installed."),
    # "don't hesitate" is an invitation, no "no" ("or" after it carries nothing)
    ("es", "No dudes en escribirnos o llamarnos si vuelve a salir el error.",
     "Escríbenos o llámanos con total libertad si vuelve a salir el error."),
    # a comfort phrase is no statement
    ("it", "nn si preoccupi, la SIM arriva in 3 giorni.", "Non si preoccupi: la SIM arriverà in 3 giorni."),
])
def test_a_reframe_that_keeps_the_no_passes(guard, lang, draft, cand):
    assert not [f for f in findings(guard, draft, cand, lang) if f.kind is FLIP], (draft, cand)


def test_a_numero_abbreviation_is_no_no(guard):
    """"nº" folds to "no"; it abbreviates "número" and denies nothing."""
    draft = "Indique su nº de póliza en el correo."
    cand = "Indique su número de póliza en el correo, por favor."
    assert not [f for f in findings(guard, draft, cand, "es") if f.kind is FLIP]


@pytest.mark.parametrize("lang,draft,cand", [
    # the denied word said the other way round in other words
    ("en", "Your visa application for the spring term wasn't successful.",
     "Your visa application for the spring term has been approved."),
    ("it", "La caldaia del condominio non funziona ancora.", "La caldaia del condominio è tornata in servizio."),
    ("es", "No dejéis las bicis en el portal del edificio.", "Podéis aparcar las bicis en el portal del edificio."),
    ("zh", "您的包裹没有送到小区门口。", "您的包裹已经放在小区门口了。"),
])
def test_a_denial_said_the_other_way_round_in_other_words_is_flagged(guard, lang, draft, cand):
    flips = [f for f in findings(guard, draft, cand, lang) if f.kind is FLIP]
    assert flips and "in other words" in flips[0].detail


@pytest.mark.parametrize("lang,draft,cand", [
    # the "no" said in other words: a negating prefix, or another clause that still says no
    ("en", "The charger isn't compatible with the X2 dock.", "The charger is incompatible with the X2 dock."),
    ("es", "La tarjeta no está activada para pagos online.", "La tarjeta está desactivada para pagos online."),
    ("en", "Debit cards aren't accepted for the deposit.",
     "We take the deposit on a credit card; debit cards can't be used for the deposit."),
    # a "no" that is a commitment's own wording ("no fee" is "free")
    ("en", "There's no fee for changing the delivery date.", "Changing the delivery date is free."),
    ("zh", "换套餐不收费。", "您可以免费换套餐。"),
    # an opinion states no fact: saying what it was about is no yes
    ("it", "Se fossi in lei, non prenderei la garanzia estesa da 39 €.",
     "La garanzia estesa costa 39 €: può decidere lei se aggiungerla."),
])
def test_a_denial_kept_in_other_words_is_no_flip(guard, lang, draft, cand):
    assert FLIP not in {f.kind for f in findings(guard, draft, cand, lang)}


@pytest.mark.parametrize("lang,draft,cand,flipped", [
    # "none" said as "some": an exception made possible
    ("en", "None of the 3 parcels were delivered to your door.", "Some of the 3 parcels weren't delivered to your door.", True),
    ("it", "Nessuno dei nostri panini è senza glutine.", "Alcuni dei nostri panini sono senza glutine.", True),
    ("es", "Ninguno de los cursos incluye certificado.", "Algunos de los cursos no incluyen certificado.", True),
    # ...not when the draft says "some" itself
    ("en", "Some of the 3 parcels weren't delivered to your door.", "Some of the 3 parcels were not delivered to your door.", False),
])
def test_none_said_as_some_is_flagged(guard, lang, draft, cand, flipped):
    assert (FLIP in {f.kind for f in findings(guard, draft, cand, lang)}) == flipped


@pytest.mark.parametrize("lang,draft,cand,flipped", [
    # a step still to come said done
    ("en", "Your refund will be issued once the item passes inspection.", "Good news: your refund has been issued.", True),
    ("it", "Il rimborso sarà emesso appena arriva il reso in magazzino.", "Il rimborso è stato emesso ieri.", True),
    ("es", "El reembolso se emitirá cuando llegue la devolución al almacén.", "El reembolso ya se ha emitido.", True),
    ("zh", "您的退款审核中，审核通过后原路退回。", "您的退款已经审核通过，会原路退回。", True),
    # what the agent is about to do, or will do, said done
    ("it", "Sto per fare l'ordine del pezzo, arriva in 5 giorni.", "Il pezzo è stato ordinato e arriva in 5 giorni.", True),
    ("en", "I'll send you the return label by email.", "The return label has been sent to you by email.", True),
    ("es", "Te enviaremos la etiqueta por email.", "La etiqueta ya se ha enviado por email.", True),
    ("it", "Le invieremo l'etichetta per email.", "L'etichetta le è già stata inviata per email.", True),
    ("zh", "我们会把退货标签发到您的邮箱。", "退货标签已经发到您的邮箱了。", True),
    # the step named before "completed"
    ("it", "Il reso deve ancora essere controllato, poi parte il rimborso.",
     "Il controllo del reso è stato completato e il rimborso è partito.", True),
    ("en", "The inspection is still pending; the refund follows it.",
     "The inspection has been completed, and your refund follows.", True),
    ("es", "La revisión todavía está pendiente; después se emite el reembolso.",
     "La revisión ya se ha completado y después se emite el reembolso.", True),
    ("it", "Il reso è arrivato e il controllo è stato completato.",
     "Il reso è arrivato e il controllo è stato completato ieri.", False),
    # ...not when the rewrite still promises it
    ("en", "I'll send you the return label by email.", "I'll send the return label to your email.", False),
    ("es", "Te enviaremos la etiqueta por email.", "Te enviaremos la etiqueta por correo electrónico.", False),
    # ...not when the rewrite still waits, or the draft says it done itself
    ("en", "Your refund will be issued once the item passes inspection.",
     "Once the item passes inspection, your refund will be issued.", False),
    ("zh", "已联系司机，如果9点司机联系不上请直接回复。", "司机已经联系上了，如果9点还联系不上司机，请直接回复。", False),
])
def test_a_step_still_to_come_said_done_is_flagged(guard, lang, draft, cand, flipped):
    assert (FLIP in {f.kind for f in findings(guard, draft, cand, lang)}) == flipped


@pytest.mark.parametrize("lang,draft,cand,flipped", [
    # a requirement called optional
    ("en", "For the refund we need a photo of the item.", "To request the refund, a photo of the item is optional.", True),
    ("it", "Per il rimborso serve la foto del prodotto.", "Per il rimborso la foto del prodotto è facoltativa.", True),
    ("es", "Para el reembolso necesitamos foto del producto.", "Para el reembolso, la foto del producto es opcional.", True),
    ("zh", "退款需要上传商品照片。", "退款时商品照片是可选的。", True),
    # ...not what the draft itself leaves optional or says is not needed
    ("en", "You don't need a photo of the item for the refund.", "For the refund, a photo of the item is optional.", False),
    ("en", "For the refund we need the receipt; a photo is optional.",
     "For the refund we need the receipt, and a photo is optional.", False),
])
def test_a_requirement_called_optional_is_flagged(guard, lang, draft, cand, flipped):
    assert (FLIP in {f.kind for f in findings(guard, draft, cand, lang)}) == flipped
