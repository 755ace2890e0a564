"""The rule-based fallback rewrite: fixes what rules can fix, never a fact."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from service.datafile import DataFileError
from service.domain import Message, Role, Severity, Span, Violation
from service.fallback import DEFAULT_FALLBACK_DIR, FallbackRewriter
from service.guard import Guard
from service.rulebook import load_rulebook

from tests.shared_data import eval_cases_path

CASES = [json.loads(line) for line in eval_cases_path().read_text(encoding="utf-8").splitlines() if line.strip()]

# What the rulebook reports for the eval drafts: (rule id, excerpt, suggestion).
HAND_MADE = {
    "dev-en-01": [("no-slang", "omg", ""), ("no-slang", "idk", "I don't know"), ("no-slang", "pls", "please"),
                  ("no-slang", "w8", "wait")],
    "dev-en-02": [("no-shouting", "YOU CAN UPGRADE FROM THE SETTINGS PAGE!!!", "You can upgrade from the settings page!")],
    "dev-en-03": [("no-jargon", "S3 presigned URL", "download link"), ("no-jargon", "CDN", "server"),
                  ("no-jargon", "403", "error"), ("no-jargon", "webhook", "update")],
    "dev-en-04": [("no-absolutes", "definitely", ""), ("no-unkept-promises", "free month", "")],
    "dev-en-09": [("dont-ask-twice", "Sure, what's your phone number?", "")],
    "dev-it-05": [("dont-ask-twice", "Qual è il suo indirizzo email?", "")],
    "dev-zh-04": [("dont-ask-twice", "请告诉我您的邮箱地址。", "")],
    "dev-en-05": [("positive-framing", "our company policy doesn't allow it", "")],
    "dev-en-08": [("neutral-address", "ma'am", "")],
    "dev-en-15": [("no-absolutes", "all", "")],
    "dev-it-01": [("no-slang", "cmq", "comunque"), ("no-slang", "nn", "non"), ("no-slang", "xké", "perché"),
                  ("no-slang", "tt", "tutto")],
    "dev-it-02": [("no-shouting", "NO, L'ORDINE È GIÀ PARTITO.", "No, l'ordine è già partito.")],
    "dev-it-03": [("no-absolutes", "sempre", ""), ("no-absolutes", "garantito al 100%", ""),
                  ("no-absolutes", "24 ore", "una settimana")],
    "dev-es-01": [("no-slang", "xq", "por qué"), ("no-slang", "jaja", "")],
    "dev-es-02": [("no-absolutes", "3 semanas", "unas semanas")],
    "dev-es-04": [("neutral-address", "señora", "")],
    "dev-zh-01": [("no-slang", "哈哈", ""), ("no-slang", "886", "再见")],
    "dev-zh-06": [("neutral-address", "女士", "")],
}


def violation(draft: str, rule: str, excerpt: str, suggestion: str) -> Violation:
    i = draft.index(excerpt)
    return Violation(rule, Severity.WARNING, "", Span(i, i + len(excerpt)), excerpt, suggestion)


def conversation(case: dict) -> list[Message]:
    return [Message(Role(m["role"]), m["text"]) for m in case["context"]]


@pytest.fixture(scope="module")
def fb() -> FallbackRewriter:
    return FallbackRewriter()


@pytest.fixture(scope="module")
def guard() -> Guard:
    return Guard()


@pytest.mark.skipif(not CASES, reason="shared eval cases not present")
@pytest.mark.parametrize("case", CASES, ids=lambda c: c["id"])
@pytest.mark.parametrize("agent,brand", [("", ""), ("Alex", "Acme")])
def test_every_eval_case_passes_the_guard_and_keeps_its_facts(
        fb: FallbackRewriter, guard: Guard, case: dict, agent: str, brand: str) -> None:
    draft = case["draft"]
    vs = [violation(draft, *v) for v in HAND_MADE.get(case["id"], [])]
    out = fb.rewrite(draft, vs, conversation(case), agent_name=agent, brand_name=brand, language=case["lang"])
    assert guard.verify(draft, out, conversation(case), case["lang"], vs) == []
    for k in case["keep"]:
        if k in draft:
            assert k in out


def run(fb: FallbackRewriter, draft: str, fixes: list[tuple[str, str, str]], conv: list[tuple[str, str]] = (),
        lang: str = "en", **kw: str) -> str:
    msgs = [Message(Role(r), t) for r, t in conv]
    return fb.rewrite(draft, [violation(draft, *f) for f in fixes], msgs, language=lang, **kw)


AGENT_SAID = [("customer", "Hello"), ("agent", "Hi, how can I help?"), ("customer", "My parcel is late.")]


def test_slang_is_expanded_or_removed_and_the_text_tidied(fb: FallbackRewriter) -> None:
    out = run(fb, "omg idk why that happened , pls w8", [("no-slang", "omg", ""), ("no-slang", "idk", "I don't know"),
                                                       ("no-slang", "pls", "please"), ("no-slang", "w8", "wait")],
              AGENT_SAID)
    # "idk why" is also said as where things stand (communicate-status), see below
    assert out == "I'm not sure yet why that happened, please wait."


@pytest.mark.parametrize("lang,draft,customer,expected", [
    ("en", "I don't know. Check the FAQ.", "How do I reset it?",
     "I don't have that information yet. The answer is in the FAQ. Would you like me to go through it with you here?"),
    ("es", "no sé por qué pasó eso", "Me cobraron dos veces", "Todavía no tengo claro por qué pasó eso."),
    ("zh", "不知道，你自己去看FAQ吧", "怎么修改收货地址？", "目前我这边还没有相关信息，FAQ里有相关说明，需要我在这里一步步带您看吗？"),
    ("zh", "不知道为什么会这样，等等吧", "为什么扣了两次钱？", "目前我这边还不确定为什么会这样，等等吧。"),
    ("it", "Comunque non so niente del suo ordine, riprovi domani.", "Dov'è il mio ordine 4471?",
     "Al momento non ho ancora informazioni sul suo ordine, le consiglio di ricontrollare domani."),
])
def test_i_dont_know_is_said_as_where_things_stand(fb: FallbackRewriter, lang, draft, customer, expected) -> None:
    """The same lack of knowledge without the curt turn, in every language,
    and never a promise to find out."""
    book = load_rulebook()
    conv = [Message(Role.CUSTOMER, customer)]
    out, honest = fb.rewrite_checked(draft, book.check(draft, conv, "", lang), conv, language=lang)
    assert (out, honest) == (expected, True)
    # the rephrased "I don't know" is no longer a status problem; a bare "等等吧"
    # the draft itself had still is one (the fallback can't say what is happening)
    assert [v.excerpt for v in book.check(out, conv, "", lang)
            if v.rule_id == "communicate-status" and v.excerpt not in draft] == []


def test_shouting_becomes_sentence_case(fb: FallbackRewriter) -> None:
    draft = "YOU CAN UPGRADE FROM THE SETTINGS PAGE!!!"
    assert run(fb, draft, [("no-shouting", draft, "You can upgrade from the settings page!")], AGENT_SAID) == \
        "You can upgrade from the settings page!"


def test_repeated_punctuation_is_trimmed_even_without_a_violation(fb: FallbackRewriter) -> None:
    assert run(fb, "Done!!! Anything else??", [], AGENT_SAID) == "Done! Anything else?"


def test_greeting_on_first_message_with_agent_brand_and_customer_name(fb: FallbackRewriter) -> None:
    out = run(fb, "Hi ma'am, sure.", [("neutral-address", "ma'am", ""), ("greet-properly", "Hi ma'am, sure.", "")],
              [("customer", "Hi, I need help with my account, my name is Priya.")],
              agent_name="Alex", brand_name="Acme")
    assert out == "Hi Priya, I'm Alex from Acme. Sure."


@pytest.mark.parametrize("lang,draft,expected_start", [
    ("it", "Verifico subito.", "Salve Giulia, sono Luca di Acme."),
    ("es", "Lo reviso ahora.", "Hola Giulia, soy Luca de Acme."),
    ("zh", "我帮您查一下。", "您好，Giulia！我是Acme的客服Luca。"),
])
def test_greeting_in_each_language(fb: FallbackRewriter, lang: str, draft: str, expected_start: str) -> None:
    out = run(fb, draft, [("greet-properly", draft, "")], [("customer", "…")], lang, customer_name="Giulia",
              agent_name="Luca", brand_name="Acme")
    assert out.startswith(expected_start) and out.endswith(draft)


def test_no_greeting_mid_conversation_without_the_rulebook_saying_it_is_the_opening(fb: FallbackRewriter) -> None:
    """Issue 16: "Hi, thanks for reaching out." was prepended whenever the
    caller sent no agent turn, e.g. an excerpt where the customer has already
    laid out the issue. The greeting now follows the rulebook's greet-properly
    finding (``greet_when`` in prompts/fallback/_policy.yaml)."""
    assert run(fb, "Let me check.", [], [("customer", "My parcel 5521 is late.")]) == "Let me check."


def test_no_greeting_once_the_agent_has_spoken(fb: FallbackRewriter) -> None:
    assert run(fb, "Let me check.", [], AGENT_SAID, agent_name="Alex") == "Let me check."


@pytest.mark.parametrize("lang,thanks,closing", [
    ("en", "Thanks, that worked!", "Is there anything else I can help you with, Sam?"),
    ("it", "Grazie, tutto risolto.", "C'è altro in cui posso aiutarla, Sam?"),
    ("es", "Gracias, todo listo.", "¿Hay algo más en lo que pueda ayudarle, Sam?"),
    ("zh", "谢谢，已经可以用了。", "Sam，还有其他需要帮忙的吗？"),
])
def test_closing_question_when_the_customer_thanked(fb: FallbackRewriter, lang: str, thanks: str,
                                                    closing: str) -> None:
    out = run(fb, "Glad to hear it.", [], [("agent", "Try again now."), ("customer", thanks)], lang,
              customer_name="Sam")
    assert out.endswith(closing)


def test_no_second_closing_question(fb: FallbackRewriter) -> None:
    draft = "Great! Is there anything else I can help you with?"
    assert run(fb, draft, [], [("agent", "Done."), ("customer", "Thanks!")]) == draft


def test_empathy_lead_when_the_customer_is_upset_and_the_draft_has_no_apology(fb: FallbackRewriter) -> None:
    conv = [("agent", "Hi!"), ("customer", "You sent the wrong size again!")]
    assert run(fb, "I'll check the order.", [], conv) == "I'm sorry about the trouble. I'll check the order."
    assert run(fb, "Sorry, I'll check the order.", [], conv) == "Sorry, I'll check the order."


def test_rules_it_cannot_fix_are_left_alone(fb: FallbackRewriter) -> None:
    draft = "Unfortunately we can't ship to Canada, shipping there is not possible for us."
    out = run(fb, draft, [("positive-framing", "Unfortunately we can't", "we hope to soon"),
                          ("no-sarcasm", "Unfortunately", "")], AGENT_SAID)
    assert out == draft


def test_a_sentence_of_only_sarcasm_or_blame_goes_but_one_with_a_fact_stays(fb: FallbackRewriter) -> None:
    draft = "Obviously you didn't read the manual. As I already said, it's not our fault. Order 5521 ships Monday."
    out = run(fb, draft, [("no-sarcasm", "Obviously", ""), ("no-excuses-or-blame", "you didn't read", ""),
                          ("no-sarcasm", "As I already said", ""), ("no-excuses-or-blame", "it's not our fault", "")],
              AGENT_SAID)
    assert out == "Order 5521 ships Monday."
    alone = "Good luck with that. As I already said, it's not our fault."
    assert run(fb, alone, [("no-sarcasm", "Good luck with that", ""), ("no-sarcasm", "As I already said", "")],
               AGENT_SAID) == alone   # never an empty reply
    kept = "Obviously order 5521 ships Monday."
    assert run(fb, kept, [("no-sarcasm", "Obviously", "")], AGENT_SAID) == kept


@pytest.mark.parametrize("lang,draft,expected", [
    ("en", "I guarantee it will ship tomorrow.", "It is scheduled to ship tomorrow."),
    ("en", "Unfortunately we can't ship to Canada, our company policy doesn't allow it.",
     "Unfortunately we can't ship to Canada."),
    ("it", "Comunque non so niente del suo ordine, riprovi domani.",
     "Al momento non ho ancora informazioni sul suo ordine, le consiglio di ricontrollare domani."),
    ("it", "Non è possibile cambiare la data.", "Cambiare la data non rientra in ciò che possiamo fare."),
    ("es", "No se puede cambiar la fecha.", "Cambiar la fecha no es algo que podamos hacer."),
    ("zh", "不行。", "这个目前无法办理。"),
    ("en", "That error will never happen after the update.", "That error will not happen after the update."),
    ("es", "La decisión es definitiva y nunca se va a revertir.", "La decisión es definitiva y no se va a revertir."),
    ("es", "No lo volveremos a ofrecer nunca.", "No lo volveremos a ofrecer."),
    ("zh", "处理结果是最终的，永远不会解封。", "处理结果是最终的，不会解封。"),
    ("en", "Go read the help center, it's all there.",
     "The answer is in the help center. Would you like me to go through it with you here?"),
    ("it", "Deve chiamare l'ufficio resi al numero 800 555 010.", "Può chiamare l'ufficio resi al numero 800 555 010."),
    ("es", "Tiene que llamar al 900 555 010.", "Puede llamar al 900 555 010."),
    ("zh", "请您自己去看一下官网的常见问题，里面都写了。", "官网的常见问题里有相关说明，需要我在这里一步步带您看吗？"),
    # the same classes in their other common shapes
    ("en", "We'll never do it again.", "We won't do it again."),
    ("en", "The decision is final and will absolutely never be reversed.",
     "The decision is final and will not be reversed."),
    ("en", "Please read the FAQ on our website yourself, it's all written there.",
     "The answer is in the FAQ on our website. Would you like me to go through it with you here?"),
    ("en", "Please check our help center.",
     "The answer is in the help center. Would you like me to go through it with you here?"),
    ("en", "That's not our department, you need to call the admin office on 800 555 010.",
     "For this, you can call the admin office on 800 555 010."),
    ("it", "Consulti la sezione FAQ sul nostro sito, è tutto spiegato lì.",
     "La risposta è nella sezione FAQ sul nostro sito: vuole che la vediamo insieme qui?"),
    ("es", "Consulte la sección de preguntas frecuentes de nuestra web, ahí está todo explicado.",
     "La respuesta está en la sección de preguntas frecuentes de nuestra web. ¿Quiere que lo revisemos juntos aquí?"),
    ("zh", "这不是我们部门负责的，您需要拨打免费电话800 555 010联系行政办公室。",
     "这个问题您可以拨打免费电话800 555 010联系行政办公室。"),
])
def test_guarantees_and_curt_refusals_are_rephrased_keeping_the_fact_and_the_limit(
        fb: FallbackRewriter, guard: Guard, lang: str, draft: str, expected: str) -> None:
    out = run(fb, draft, [], AGENT_SAID, lang)
    assert out == expected
    assert guard.verify(draft, out, [], lang) == []


@pytest.mark.parametrize("lang,question,draft,expected", [
    ("en", "Can I pay my bill with PayPal?", "No.", "No, I'm afraid not."),
    ("en", "Is the blue one in stock?", "Yes", "Yes, that's right."),
    ("it", "La riparazione è in ritardo?", "Sì.", "Sì, esatto."),
    ("es", "¿Hacen envíos a Canarias?", "No", "No, lamentablemente no."),
    ("zh", "我的手机维修是不是延期了？", "嗯。", "是的，没错。"),
])
def test_a_one_word_reply_to_a_question_becomes_a_full_sentence(
        fb: FallbackRewriter, guard: Guard, lang: str, question: str, draft: str, expected: str) -> None:
    conv = [("agent", "Hi, how can I help?"), ("customer", question)]
    fix = [("no-one-word-replies", draft, "")]
    assert run(fb, draft, fix, conv, lang) == expected
    assert guard.verify(draft, expected, [Message(Role(r), t) for r, t in conv], lang) == []


def test_a_bare_yes_or_no_stays_when_the_customer_asked_nothing(fb: FallbackRewriter) -> None:
    conv = [("agent", "Hi, how can I help?"), ("customer", "I sent the photo.")]
    assert run(fb, "No.", [("no-one-word-replies", "No.", "")], conv) == "No."
    assert run(fb, "ok", [("no-one-word-replies", "ok", "")], conv) == "Okay, understood. Thank you."


@pytest.mark.parametrize("lang,draft,pieces", [
    ("en", "To cancel you open the app and go to Settings and then Membership where the cancel option is, "
           "but if you cancel before the end of your 12-month term there may be a fee depending on your contract, "
           "so let me know what you would like to do and I can help with either option.", 3),
    ("zh", "取消会员需要打开APP，进入设置，再点会员管理，在那里可以看到取消的选项，不过在取消之前您需要了解，"
           "如果您在12个月的合约期结束前取消，根据您签的合同可能会产生提前解约费，所以您看您想怎么处理。", 3),
])
def test_a_too_long_sentence_is_cut_at_clause_breaks(fb: FallbackRewriter, guard: Guard, lang: str, draft: str,
                                                     pieces: int) -> None:
    out = run(fb, draft, [("keep-it-short", draft, "")], AGENT_SAID, lang)
    assert guard.verify(draft, out, [], lang) == []
    ends = "。" if lang == "zh" else ". "
    assert out.count(ends) + 1 == pieces
    assert "12" in out


def test_a_rephrasing_the_guard_rejects_is_not_used(fb: FallbackRewriter) -> None:
    # "Refunds after 30 days isn't something we can do" reads as a refund promise to the guard.
    draft = "Our policy doesn't allow refunds after 30 days."
    assert run(fb, draft, [], AGENT_SAID) == draft


def test_empathy_lead_when_the_rulebook_asks_for_it(fb: FallbackRewriter) -> None:
    draft = "I'll check the order."
    assert run(fb, draft, [("show-empathy", draft, "")], AGENT_SAID) == "I'm sorry about the trouble. " + draft


def test_a_suggestion_that_would_change_a_fact_is_skipped(fb: FallbackRewriter) -> None:
    draft = "The CDN returns a 403 error within 24 hours."
    out = run(fb, draft, [("no-jargon", "CDN", "server"), ("no-jargon", "403 error", "error"),
                          ("no-absolutes", "24 hours", "a week")], AGENT_SAID)
    assert out == "The server returns a 403 error within 24 hours."


def test_shouting_fix_that_keeps_facts_is_applied(fb: FallbackRewriter) -> None:
    draft = "ORDER 10552 SHIPS ON FRIDAY!!!"
    out = run(fb, draft, [("no-shouting", draft, "Order 10552 ships on friday!")], AGENT_SAID)
    assert out == "Order 10552 ships on friday!"


def test_a_violation_whose_span_does_not_match_its_excerpt_is_ignored(fb: FallbackRewriter) -> None:
    bad = Violation("no-slang", Severity.WARNING, "", Span(0, 3), "pls", "please")
    assert fb.rewrite("thx for waiting", [bad], [Message(Role.AGENT, "hi")]) == "Thx for waiting."


def test_overlapping_suggestions_apply_only_the_first(fb: FallbackRewriter) -> None:
    draft = "u r SO WRONG"
    out = run(fb, draft, [("no-slang", "u r", "you are"), ("no-slang", "r", "are"),
                          ("no-shouting", "SO WRONG", "so wrong")], AGENT_SAID)
    assert out == "You are so wrong."


@pytest.mark.parametrize("lang,draft,fixes,expected", [
    ("it", "ok cmq nn ti preoccupare", [("no-slang", "cmq", "comunque"), ("no-slang", "nn", "non")],
     "Ok comunque non ti preoccupare."),
    ("es", "xq no pone bien la contraseña? jaja", [("no-slang", "xq", "por qué"), ("no-slang", "jaja", "")],
     "Por qué no pone bien la contraseña?"),
    ("es", "Buenos días señora, ¿cuál es el problema?", [("neutral-address", "señora", "")],
     "Buenos días, ¿cuál es el problema?"),
    ("zh", "哈哈 不知道呢 886", [("no-slang", "哈哈", ""), ("no-slang", "886", "再见")], "不知道呢，再见。"),
    ("zh", "您的订单１２３４５已发货！！！", [], "您的订单１２３４５已发货！"),
])
def test_fixes_in_each_language(fb: FallbackRewriter, lang: str, draft: str, fixes: list, expected: str) -> None:
    assert run(fb, draft, fixes, AGENT_SAID, lang) == expected


def test_deterministic(fb: FallbackRewriter) -> None:
    args = ("omg pls w8", [violation("omg pls w8", "no-slang", "pls", "please")], [Message(Role.CUSTOMER, "hi")])
    assert len({fb.rewrite(*args, agent_name="A") for _ in range(5)}) == 1


def test_bad_fallback_data_fails_naming_file_and_key(tmp_path: Path) -> None:
    d = tmp_path / "fallback"
    shutil.copytree(DEFAULT_FALLBACK_DIR, d)
    f = d / "es.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("closing_question:", "closing_questionx:"), encoding="utf-8")
    with pytest.raises(DataFileError, match=r"^fallback/es\.yaml: closing_questionx: unknown key \(allowed: .*closing_question"):
        FallbackRewriter(d)


@pytest.mark.parametrize("file,old,new,problem", [
    # an unquoted yes in a word list is a YAML boolean, not the word
    ("en.yaml", "{words: [ok, okay,", "{words: [yes, okay,", "one_word[2].words[0]: expected a string, YAML read a boolean"),
    ("en.yaml", "empathy: \"I'm sorry about the trouble.\"", "empathy: [\"I'm sorry.\"]", "empathy: expected a string"),
    ("en.yaml", "sentence_end: \".\"\n", "", "sentence_end: missing"),
    ("en.yaml", "  plain: \"Hi{name}, thanks for reaching out.\"\n", "", "greeting.plain: missing"),
    ("en.yaml", "question_cues: ['\\?']", "question_cues: ['(']", "question_cues: invalid regex"),
    ("_policy.yaml", "greet_when: [greet-properly]", "greet_when: [greet-properly, no]",
     "greet_when[1]: expected a string, YAML read a boolean"),
    ("_policy.yaml", "greet_when: [greet-properly]", "greet_when: [greet-nicely]",
     "greet_when: not rule ids of the catalogue: greet-nicely"),
    ("_policy.yaml", "greet_when: [greet-properly]\n", "", "greet_when: missing"),
])
def test_fallback_data_errors_name_file_and_key(tmp_path: Path, file: str, old: str, new: str, problem: str) -> None:
    d = tmp_path / "fallback"
    shutil.copytree(DEFAULT_FALLBACK_DIR, d)
    f = d / file
    text = f.read_text(encoding="utf-8")
    assert old in text
    f.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        FallbackRewriter(d)
    assert str(err.value).startswith(f"fallback/{file}: {problem}"), str(err.value)


def test_an_empty_suggestion_deletes_only_what_is_safe_to_delete(fb: FallbackRewriter) -> None:
    draft = "xq no pone bien la contraseña? jaja"
    out = run(fb, draft, [("no-slang", "xq", ""), ("no-slang", "jaja", ""), ("no-jargon", "contraseña", "")],
              AGENT_SAID, "es")
    assert out == "Xq no pone bien la contraseña?"


def test_the_rulebook_can_say_which_empty_suggestions_are_deletions() -> None:
    decided = {"xq": None, "jaja": "", "contraseña": ""}
    fb = FallbackRewriter(replacement=lambda v: decided[v.excerpt])
    draft = "xq no pone bien la contraseña? jaja"
    out = run(fb, draft, [("no-slang", "xq", ""), ("no-slang", "jaja", ""), ("no-jargon", "contraseña", "")],
              AGENT_SAID, "es")
    assert out == "Xq no pone bien la?"


def test_a_suggestion_that_cuts_a_word_is_skipped(fb: FallbackRewriter) -> None:
    draft = "Unfortunately it is up to u."
    out = fb.rewrite(draft, [Violation("no-slang", Severity.WARNING, "", Span(0, 1), "U", "You"),
                             Violation("no-slang", Severity.WARNING, "", Span(26, 27), "u", "you")],
                     [Message(Role.AGENT, "hi")])
    assert out == "Unfortunately it is up to you."


@pytest.mark.parametrize("lang,draft,excerpt,expected", [
    ("es", "Buenos días señora, ¿cuál es el problema?", " señora", "Buenos días Sam, ¿cuál es el problema?"),
    ("zh", "女士您好,请讲。", "女士", "Sam您好,请讲。"),
])
def test_gendered_address_becomes_the_name_and_a_draft_that_greets_keeps_its_greeting(
        fb: FallbackRewriter, lang: str, draft: str, excerpt: str, expected: str) -> None:
    out = run(fb, draft, [("neutral-address", excerpt, "")], [("customer", "…")], lang,
              customer_name="Sam", agent_name="Alex")
    assert out == expected


@pytest.mark.parametrize("lang,draft,expected", [
    ("en", "Sure, what's your phone number?", "Thank you, I already have the details you shared."),
    ("it", "Qual è il suo indirizzo email?", "Grazie, ho già i dati che mi ha indicato."),
    ("zh", "请告诉我您的邮箱地址。", "谢谢，您提供的信息我已经收到了。"),
])
def test_a_question_for_something_already_given_becomes_a_thank_you(
        fb: FallbackRewriter, lang: str, draft: str, expected: str) -> None:
    assert run(fb, draft, [("dont-ask-twice", draft, "")], AGENT_SAID, lang) == expected


def test_a_dont_ask_twice_span_holding_a_fact_is_kept(fb: FallbackRewriter) -> None:
    draft = "Is your order 10552 or 10553?"
    assert run(fb, draft, [("dont-ask-twice", draft, "")], AGENT_SAID) == draft


@pytest.mark.parametrize("lang,thanks,draft", [
    ("en", "Thanks Alex, the new charger works perfectly.", "That's great to hear! Anything else I can help with?"),
    ("it", "Grazie Giulia, tutto risolto.", "Grazie a lei! C'è altro in cui posso aiutarla?"),
    ("zh", "谢谢小李,已经可以用了。", "太好了!还有其他需要帮忙的吗?"),
])
def test_no_opening_greeting_when_the_customer_is_thanking(fb: FallbackRewriter, lang: str, thanks: str,
                                                          draft: str) -> None:
    # The caller sent only the end of the conversation: greeting here would read as a restart.
    assert run(fb, draft, [], [("customer", thanks)], lang) == draft


def test_a_maximum_size_conversation_costs_the_fallback_only_what_the_guard_reads(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 18: the fallback extracted the facts of every message, 0.9 s on
    100 messages of 4,000 characters, in every fallback. It now reads the
    draft, and the conversation only as far as the guard does, and only when a
    replacement brings a fact the draft lacks. Counted in characters, not timed."""
    from bench.hostile import max_size_input
    from service.guard_context import CONVERSATION_CHARS_READ

    guard = Guard()
    fb = FallbackRewriter(guard=guard)
    read: list[int] = []
    real_facts = guard.facts
    monkeypatch.setattr(guard, "facts", lambda text, language="en": read.append(len(text)) or real_facts(text, language))
    draft, conv = max_size_input()
    slangy = "omg idk pls w8, the 2 GB plan is $4.99. " + draft[:3900]
    fixes = [("no-slang", "omg", ""), ("no-slang", "idk", "I don't know"), ("no-slang", "pls", "please"),
             ("no-absolutes", "2 GB", "2 GB and 3 TB")]   # the last brings a fact the draft lacks
    out = fb.rewrite(slangy, [violation(slangy, *f) for f in fixes], conv)
    assert out.startswith("I don't know please") and "3 TB" not in out
    assert sum(read) <= len(slangy) + CONVERSATION_CHARS_READ + 200
    read.clear()
    fb.rewrite(slangy, [violation(slangy, *f) for f in fixes[:3]], conv)
    assert sum(read) <= len(slangy) + 200   # no replacement brings a fact: no message is read


def test_when_the_guard_rejects_every_try_the_draft_comes_back_flagged_after_a_bounded_number_of_tries(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Should never happen; if it does, the draft is returned unchanged and
    marked unverified (the pipeline then reports ``;fallback_rejected``), after
    at most 3 + 8 guard calls however many edits the draft has (a 4,000-
    character draft of slang had 451 violations, each try a 20 ms guard call)."""
    from service.domain import Finding, FindingKind

    guard = Guard()
    fb = FallbackRewriter(guard=guard)
    calls: list[int] = []

    def always_dishonest(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return [Finding(FindingKind.NEW_FACT, "scripted", None)]

    monkeypatch.setattr(guard, "verify", always_dishonest)
    draft = "omg pls w8 " * 40
    fixes = []
    pos = 0
    for _ in range(40):
        for word, repl in (("omg", ""), ("pls", "please"), ("w8", "wait")):
            i = draft.index(word, pos)
            fixes.append(Violation("no-slang", Severity.WARNING, "", Span(i, i + len(word)), word, repl))
            pos = i + len(word)
    assert fb.rewrite_checked(draft, fixes) == (draft, False)
    assert len(calls) <= 3 + 8


@pytest.mark.parametrize("lang,customer,draft,expected", [
    # a bare title of address takes the name (with the title the customer gave)
    ("en", "Hello, this is Mr. Okafor. I need to cancel my visit.", "Thank you, sir. Which day was it?",
     "Thank you, Mr. Okafor. Which day was it?"),
    ("it", "Salve, sono la signora Rossi, devo disdire.", "Grazie, signora. Verifico subito.",
     "Grazie, signora Rossi. Verifico subito."),
    ("zh", "你好，我是王女士，我要取消预约。", "好的女士，请问是几点的预约？", "好的王女士，请问是几点的预约？"),
    # after a leading acknowledgement or greeting
    ("es", "Hola, soy Lucía y mi paquete no llegó.", "Claro, voy a revisar el seguimiento.",
     "Claro, Lucía, voy a revisar el seguimiento."),
    ("en", "Hi, my name is Priya.", "Hi, I've corrected the invoice.", "Hi Priya, I've corrected the invoice."),
    ("zh", "你好，我叫李娜，快递一直没到。", "您好，我帮您查一下。", "李娜您好，我帮您查一下。"),
    # else at the end of the first sentence (before the reply, in Chinese)
    ("en", "Hi, my name is Priya and my invoice is wrong.", "I've corrected the invoice and sent it again.",
     "I've corrected the invoice and sent it again, Priya."),
    ("it", "Salve, mi chiamo Chiara e non riesco ad accedere.", "Le ho inviato un link. Lo trova nella posta.",
     "Le ho inviato un link, Chiara. Lo trova nella posta."),
    ("zh", "你好，我叫李娜，快递一直没到。", "我帮您查一下快递的进度。", "李娜，我帮您查一下快递的进度。"),
])
def test_the_customer_is_named_once_when_the_rulebook_asks_for_it(
        fb: FallbackRewriter, guard: Guard, lang: str, customer: str, draft: str, expected: str) -> None:
    conv = [("agent", "Hi, how can I help?"), ("customer", customer)]
    out = run(fb, draft, [("use-name", draft, "")], conv, lang)
    assert out == expected
    assert guard.verify(draft, out, [Message(Role(r), t) for r, t in conv], lang) == []


def test_no_name_is_placed_unless_the_rulebook_asks_or_when_none_is_known(fb: FallbackRewriter) -> None:
    conv = [("agent", "Hi, how can I help?"), ("customer", "Hi, my name is Priya.")]
    assert run(fb, "I've corrected the invoice.", [], conv) == "I've corrected the invoice."
    draft = "我帮您查一下订单的物流状态。"
    # "我是想问一下" names no one
    assert run(fb, draft, [("use-name", draft, "")], [("customer", "我是想问一下，订单怎么还没发货？")], "zh") == draft


@pytest.mark.parametrize("lang,customer,draft,expected", [
    ("en", "I want to talk to a manager right now.", "There's no need for a manager, I can sort this out for you.",
     "I can sort this out for you. Would you like me to transfer you to a supervisor?"),
    ("en", "Get me a supervisor.", "Let me check your account first.",
     "Let me check your account first. Would you like me to transfer you to a supervisor?"),
    ("it", "Voglio parlare con un responsabile.", "Non serve un responsabile, glielo sistemo io.",
     "Glielo sistemo io. Vuole che la trasferisca a un responsabile?"),
    ("es", "Quiero hablar con un supervisor.", "No hace falta hablar con un supervisor, yo le ayudo con esto.",
     "Yo le ayudo con esto. ¿Le paso con un supervisor?"),
    ("zh", "我要找你们主管。", "不需要找主管，这个我自己就能处理。", "这个我自己就能处理。需要我为您转接主管吗？"),
])
def test_a_hand_over_the_draft_only_talks_down_is_offered(
        fb: FallbackRewriter, guard: Guard, lang: str, customer: str, draft: str, expected: str) -> None:
    out = run(fb, draft, [("honor-escalation", draft, "")], [("customer", customer)], lang)
    assert out == expected
    assert guard.verify(draft, out, [Message(Role.CUSTOMER, customer)], lang) == []


@pytest.mark.parametrize("lang,customer,draft,expected", [
    # a refusal keeps its limit, and what the agent can do follows
    ("en", "Please let me speak to a human supervisor.", "I'm afraid I can't transfer you, supervisors don't take chats.",
     "I'm afraid a transfer isn't available here, supervisors don't take chats. "
     "I'm happy to help you with this myself."),
    ("en", "Get me a supervisor.", "All our supervisors have left for the day.",
     "All our supervisors have left for the day. I'm happy to help you with this myself."),
    ("es", "Quiero hablar con un humano, por favor.", "No es posible, solo atendemos por este chat.",
     "No es posible, solo atendemos por este chat. Con gusto le ayudo aquí."),
    ("zh", "我要跟主管说话。", "主管很忙,没办法转接。", "主管很忙,转接暂时做不到。我很乐意在这里帮您。"),
    # a refusal next to another way of handing the request on is said as the limit
    ("en", "I want to speak to a manager.", "I can't transfer you, but my manager will call you back tomorrow morning.",
     "A transfer isn't available here, but my manager will call you back tomorrow morning."),
    ("it", "Voglio parlare con un responsabile.",
     "Non posso trasferirla, ma il mio responsabile la contatterà domani via email.",
     "Il passaggio diretto non è disponibile, ma il mio responsabile la contatterà domani via email."),
    ("zh", "我要人工客服！", "没有经理在线，经理会回复您的邮件，请留意。", "目前经理不在线，经理会回复您的邮件，请留意。"),
])
def test_a_draft_that_refuses_the_hand_over_is_never_offered_one(
        fb: FallbackRewriter, guard: Guard, lang: str, customer: str, draft: str, expected: str) -> None:
    out = run(fb, draft, [("honor-escalation", draft, "")], [("customer", customer)], lang)
    assert out == expected
    assert guard.verify(draft, out, [Message(Role.CUSTOMER, customer)], lang) == []


def test_an_offer_the_guard_rejects_goes_and_the_draft_keeps_its_own_words(monkeypatch: pytest.MonkeyPatch) -> None:
    guard = Guard()
    fb = FallbackRewriter(guard=guard)
    honest = guard.verify

    def no_offer(draft, candidate, *args, **kwargs):  # type: ignore[no-untyped-def]
        from service.domain import Finding, FindingKind
        if "transfer you" in candidate:
            return [Finding(FindingKind.NEW_FACT, "scripted", None)]
        return honest(draft, candidate, *args, **kwargs)

    monkeypatch.setattr(guard, "verify", no_offer)
    draft = "There's no need for a manager, I can sort this out for you."
    assert run(fb, draft, [("honor-escalation", draft, "")], [("customer", "Get me a manager.")]) == draft


@pytest.mark.parametrize("key,text,match", [
    ("\naddress:\n", "\naddress:\n  - {re: 'x', to: 'no name here'}\n", r"en\.yaml: address\[0\]\.to: an address template"),
    ("  offer:", "  offerx:", r"en\.yaml: escalation\.offerx: unknown key"),
])
def test_bad_address_or_escalation_data_fails_naming_file_and_key(tmp_path: Path, key: str, text: str,
                                                                 match: str) -> None:
    d = tmp_path / "fallback"
    shutil.copytree(DEFAULT_FALLBACK_DIR, d)
    f = d / "en.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace(key, text, 1), encoding="utf-8")
    with pytest.raises(DataFileError, match=match):
        FallbackRewriter(d)


def test_words_that_talk_a_hand_over_down_cost_no_guard_call_each(monkeypatch: pytest.MonkeyPatch) -> None:
    """They go with the offer, under the one check of the whole rewrite: a
    draft that repeats them 30 times took 30 more guard calls (a second on a
    maximum-size draft)."""
    guard = Guard()
    fb = FallbackRewriter(guard=guard)
    honest = guard.verify
    calls: list[int] = []

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return honest(*args, **kwargs)

    monkeypatch.setattr(guard, "verify", counted)
    draft = "There's no need for a manager, I can sort this out. " * 30
    out = run(fb, draft, [("honor-escalation", draft, "")], [("customer", "Get me a manager.")])
    assert "no need" not in out and out.endswith("Would you like me to transfer you to a supervisor?")
    assert len(calls) <= 3


@pytest.mark.parametrize("lang,draft", [
    ("zh", "我们也不知道为什么会这样。"),
    ("zh", "他不知道为什么没发货。"),
    ("zh", "我们自己看说明书也没找到原因。"),
    ("en", "You had no idea, I know."),
])
def test_i_dont_know_rephrasing_touches_only_the_agents_own_clause(fb: FallbackRewriter, lang, draft) -> None:
    book = load_rulebook()
    conv = [Message(Role.CUSTOMER, "?")]
    out, _ = fb.rewrite_checked(draft, book.check(draft, conv, "", lang), conv, language=lang)
    assert draft.rstrip("。.") in out
