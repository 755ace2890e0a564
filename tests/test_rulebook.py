"""Rulebook loading, validation errors, suggestions and precision cases."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from service.datafile import DataFileError
from service.domain import Message, Role, Severity
from service.rulebook import CATALOGUE, DEFAULT_PROMPTS, load_rulebook

BOOK = load_rulebook()


def C(text: str) -> Message:
    return Message(Role.CUSTOMER, text)


def A(text: str) -> Message:
    return Message(Role.AGENT, text)


def ids(text, conv=(), name="", lang="en"):
    return {v.rule_id for v in BOOK.check(text, conv, name, lang)}


def only(rule_id, text, conv=(), name="", lang="en"):
    return [v for v in BOOK.check(text, conv, name, lang) if v.rule_id == rule_id]


def apply(text, violations):
    """What the fallback does: replace each excerpt with its replacement, right to left."""
    for v in sorted(violations, key=lambda v: v.span.start, reverse=True):
        repl = BOOK.replacement(v)
        if repl is not None:
            text = text[: v.span.start] + repl + text[v.span.end:]
    return text


# ---------------------------------------------------------------- the catalogue


def test_all_catalogue_rules_in_order_with_metadata():
    assert tuple(BOOK.rules) == CATALOGUE
    assert BOOK.languages == ("en", "it", "es", "zh")
    for rule in BOOK.rules.values():
        assert rule.title and rule.message
        assert isinstance(rule.severity, Severity)
        assert rule.sources and all(s.split(",")[0].endswith(".txt") for s in rule.sources)
        assert set(rule.languages) == {"en", "it", "es", "zh"}


def test_citation_format_matches_rules_md():
    assert BOOK.rule("positive-framing").sources == (
        "001_6ee733cc4e807eeb.txt, rule 5", "001_6ee733cc4e807eeb.txt, rule 6")
    assert '000_81a6ceee5dcdde7e.txt, "Sii professionale"' in BOOK.rule("no-slang").sources
    assert "002_1a07e3c9953d3981.txt, item 5" in BOOK.rule("no-personal-opinion").sources


def test_rules_are_hashable_by_id():
    assert len({BOOK.rule("no-slang"), BOOK.rule("no-slang"), BOOK.rule("use-name")}) == 2


def test_rule_lookup_raises_keyerror():
    with pytest.raises(KeyError):
        BOOK.rule("no-such-rule")


def test_relevant_rules_in_catalogue_order():
    found = BOOK.check("YOU CAN UPGRADE NOW lol", (), "", "en")
    assert [r.id for r in BOOK.relevant_rules(found)] == ["no-slang", "no-shouting"]


# ---------------------------------------------------------------- loader validation


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("file,old,new,key", [
    ("02-no-shouting.yaml", "detector: shouting", "detector: shouting\ncolour: red", "colour"),
    ("02-no-shouting.yaml", "severity: warning", "severity: loud", "severity"),
    ("07-no-sarcasm.yaml", "id: no-sarcasm", "id: no-irony", "id"),
    ("07-no-sarcasm.yaml", r"    - '\bduh\b'", r"    - '\bduh(\b'", "patterns.en["),
    ("21-no-pressure.yaml", "title: Don't pressure the customer", "title: ''", "title"),
    ("04-no-absolutes.yaml", "    - '\\bas always\\b'", "    - '(?<=a+)b'", "exceptions.en["),
    ("09-show-empathy.yaml", "    empathy: ['\\bsorry\\b',", "    sympathy: ['\\bsorry\\b',", "cues.en.empathy"),
    ("15-no-one-word-replies.yaml", '"no", certo', "no, certo", "terms.it"),
    ("14-keep-it-short.yaml", "detector: length", "detector: lenght", "detector"),
    ("07-no-sarcasm.yaml", "fix: model", "fix: sometimes", "fix"),
    ("07-no-sarcasm.yaml", "fix: model\n", "", "fix"),
    ("01-no-slang.yaml", "excerpt: \"cmq\"", "excerpt: [cmq]", "examples.it.bad[0].excerpt"),
])
def test_loader_names_file_and_key(prompts_copy, file, old, new, key):
    _edit(prompts_copy / "rules" / file, old, new)
    with pytest.raises(DataFileError) as err:
        load_rulebook(prompts_copy)
    assert file in str(err.value) and key in str(err.value)


def test_loader_missing_message(prompts_copy):
    path = prompts_copy / "rules" / "20-no-personal-opinion.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("message:")
    end = text.index("severity:")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(DataFileError, match=r"20-no-personal-opinion\.yaml: message: missing"):
        load_rulebook(prompts_copy)


def test_loader_missing_rule_and_duplicate(prompts_copy):
    (prompts_copy / "rules" / "24-mirror-customer.yaml").unlink()
    with pytest.raises(DataFileError, match="mirror-customer"):
        load_rulebook(prompts_copy)
    shutil.copy(DEFAULT_PROMPTS / "rules" / "24-mirror-customer.yaml", prompts_copy / "rules" / "24-mirror-customer.yaml")
    shutil.copy(DEFAULT_PROMPTS / "rules" / "24-mirror-customer.yaml", prompts_copy / "rules" / "25-copy.yaml")
    with pytest.raises(DataFileError, match="25-copy.yaml: id"):
        load_rulebook(prompts_copy)


def test_bad_glossary_file_named(tmp_path):
    extra = tmp_path / "tenant.yaml"
    extra.write_text("language: en\nterms:\n  SFTP: ''\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"tenant\.yaml: terms\.SFTP"):
        load_rulebook(glossary_paths=[extra])


@pytest.mark.parametrize("file,old,new,key,problem", [
    # an unquoted ON in a word list is a YAML boolean, not the word
    ("02-no-shouting.yaml", "acronyms: [FAQ, FAQS,", "acronyms: [FAQ, ON,", "params.acronyms[1]",
     "expected a string, YAML read a boolean"),
    ("02-no-shouting.yaml", 'en: ["NO", "NOT",', 'en: [NO, "NOT",', "params.emphasis_words.en[0]",
     "expected a string, YAML read a boolean"),
    ("02-no-shouting.yaml", "min_single_word: 5", "min_single_word: five", "params.min_single_word",
     "expected an integer"),
    ("02-no-shouting.yaml", "min_single_word: 5", "min_single_word: yes", "params.min_single_word",
     "expected an integer, YAML read a boolean"),
    ("02-no-shouting.yaml", "min_single_word: 5", "min_singel_word: 5", "params.min_singel_word", "unknown key"),
    ("14-keep-it-short.yaml", "  max_chars: 400\n", "", "params.max_chars", "missing"),
])
def test_rule_params_are_typed(prompts_copy, file, old, new, key, problem):
    _edit(prompts_copy / "rules" / file, old, new)
    with pytest.raises(DataFileError) as err:
        load_rulebook(prompts_copy)
    assert str(err.value).startswith(f"rules/{file}: {key}: {problem}"), str(err.value)


def test_a_data_error_names_the_file_without_this_machines_path(prompts_copy):
    _edit(prompts_copy / "rules" / "07-no-sarcasm.yaml", "fix: model", "fix: sometimes")
    with pytest.raises(DataFileError) as err:
        load_rulebook(prompts_copy)
    assert err.value.file == "rules/07-no-sarcasm.yaml" and err.value.key == "fix"
    assert str(prompts_copy) not in str(err.value)


def test_glossary_word_that_yaml_reads_as_a_boolean_is_named(tmp_path):
    extra = tmp_path / "tenant.yaml"
    extra.write_text("language: en\nterms:\n  SFTP: yes\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"tenant\.yaml: terms\.SFTP: .*YAML read a boolean"):
        load_rulebook(glossary_paths=[extra])


# ---------------------------------------------------------------- glossary per deployment


def test_deployment_glossary_extends_and_overrides(tmp_path):
    extra = tmp_path / "acme.yaml"
    extra.write_text("language: en\nterms:\n  ACME-SYNC: automatic update\n  CDN: our servers\n", encoding="utf-8")
    book = load_rulebook(glossary_paths=[extra])
    found = [v for v in book.check("The ACME-SYNC job failed on the CDN.", (), "", "en") if v.rule_id == "no-jargon"]
    assert [(v.excerpt, v.suggestion) for v in found] == [("ACME-SYNC", "automatic update"), ("CDN", "our servers")]
    assert not only("no-jargon", "The ACME-SYNC job failed.")  # built-in book unchanged


def test_jargon_the_customer_used_is_fine():
    assert not only("no-jargon", "Your API key is in Settings.", [C("Where is my API key?")])
    assert only("no-jargon", "Your API key is in Settings.", [C("Where is my key?")])


def test_unfamiliar_acronyms_are_jargon_not_shouting():
    for text, lang in [("Your line has a low SNR.", "en"), ("Errori CRC sulla porta DSLAM.", "it"),
                       ("线路SNR余量偏高。", "zh")]:
        found = only("no-jargon", text, lang=lang)
        assert found and all(v.excerpt.isupper() for v in found), text
        assert not only("no-shouting", text, lang=lang), text
    # shouted words are not acronyms; codes and common acronyms are neither
    for text in ["Please NEVER share it.", "STOP now.", "It's FREE today.", "Non lo faccia MAI, SUBITO."]:
        assert not only("no-jargon", text), text
    assert only("no-shouting", "Please NEVER share it.")
    assert not only("no-jargon", "Order INV-4471 ships via DHL; the PDF is attached.")
    assert not only("no-jargon", "The SNR is fine now.", [C("My router says SNR 3 dB")])


def test_word_rules_read_chat_abbreviations_written_out():
    found = only("communicate-status", "nn lo so, i tecnici nn hanno detto niente", lang="it")
    assert [v.excerpt for v in found] == ["nn lo so"]
    assert only("no-slang", "La cuenta fue baneada x hacer trampas.", lang="es")
    assert not only("no-slang", "La caja mide 30 x 20 cm.", lang="es")


def test_jargon_case_sensitive_acronyms():
    assert not only("no-jargon", "Le api producono miele.", lang="it")
    assert only("no-jargon", "L'API non risponde.", lang="it")


# ---------------------------------------------------------------- suggestions as drop-in replacements


@pytest.mark.parametrize("text,lang,expected", [
    ("omg idk why that happened, pls w8", "en", "I don't know why that happened, please wait"),
    ("YOU CAN UPGRADE FROM THE SETTINGS PAGE!!!", "en", "You can upgrade from the settings page!"),
    ("Hi ma'am, sure.", "en", "Hi, sure."),
    ("Thank you sir for waiting.", "en", "Thank you for waiting."),
    ("Buenos días señora, ¿cuál es el problema?", "es", "Buenos días, ¿cuál es el problema?"),
    ("女士您好,请讲。", "zh", "您好,请讲。"),
    ("哈哈 不知道呢 886", "zh", "不知道呢 再见"),
    ("xq no pone bien la contraseña? jaja", "es", "por qué no pone bien la contraseña?"),
    ("Lo reviso xq no aparece.", "es", "Lo reviso porque no aparece."),
    ("The fix will definitely be live by Friday.", "en", "The fix will be live by Friday."),
    ("It always works.", "en", "It usually works."),
    ("NO, L'ORDINE È GIÀ PARTITO.", "it", "No, l'ordine è già partito."),
    ("Please check the FAQ ID AND THE PDF NOW.", "en", "Please check the FAQ ID and the PDF now."),
])
def test_suggestions_apply_literally(text, lang, expected):
    found = [v for v in BOOK.check(text, (), "", lang)
             if v.rule_id in ("no-slang", "no-shouting", "neutral-address", "no-absolutes")]
    assert apply(text, found) == expected


def test_neutral_address_suggests_the_name():
    conv = [C("Hi, I need help with my account, my name is Priya.")]
    found = BOOK.check("Hi ma'am, sure.", conv, "", "en")
    assert [(v.rule_id, v.excerpt, v.suggestion) for v in found] == [("neutral-address", "ma'am", "Priya")]
    assert apply("Hi ma'am, sure.", found) == "Hi Priya, sure."
    found = only("neutral-address", "Buongiorno signora Bianchi, verifico.", name="Bianchi", lang="it")
    assert apply("Buongiorno signora Bianchi, verifico.", found) == "Buongiorno Bianchi, verifico."


def test_jargon_suggestion_keeps_facts():
    text = "The S3 presigned URL expired, so the CDN returns a 403; I'll re-trigger the webhook."
    found = only("no-jargon", text)
    out = apply(text, found)
    assert "403" in out and "download link" in out and "CDN" not in out


def test_never_has_no_literal_replacement():
    (v,) = only("no-absolutes", "We never share your data.")
    assert v.excerpt == "never" and BOOK.replacement(v) is None


def test_slang_expansion_keeps_case():
    (v,) = only("no-slang", "Pls hold on.")
    assert v.suggestion == "Please"


# ---------------------------------------------------------------- precision


@pytest.mark.parametrize("text,lang", [
    ("Check the FAQ or the PDF; your ID is on the invoice.", "en"),
    ("Your order X200 ships via UPS, ETA Monday.", "en"),
    ("Never mind, I found it!", "en"),
    ("No problem, I can help with that.", "en"),
    ("We're always happy to help.", "en"),
    ("Come mai non riesce ad accedere?", "it"),
    ("Trova le FAQ e il PDF nell'area clienti.", "it"),
    ("Puede consultar el PDF con su DNI.", "es"),
    ("您的订单886号已经发货,金额233元。", "zh"),
    ("您可以在“我的账户 > 订单”下载PDF发票。", "zh"),
    ("Your account ID is AB-1234; the PDF is attached.", "en"),
    ("Send it to u.smith@example.com or see https://x.example/pls/lol", "en"),
])
def test_no_false_alarms(text, lang):
    assert not ids(text, (), "", lang) & {
        "no-shouting", "no-absolutes", "no-slang", "positive-framing", "no-jargon", "no-unkept-promises"}


def test_customer_slang_may_be_mirrored():
    assert not only("no-slang", "lol, that's a good one! Let me check.", [C("lol my cat did it")])
    assert only("no-slang", "lol, that's a good one! Let me check.", [C("my cat did it")])


def test_neutral_address_when_customer_used_it():
    assert not only("neutral-address", "Of course, madam, right away.", [C("I'm Madam Chen, call me madam")])


def test_dont_ask_twice_per_kind():
    assert only("dont-ask-twice", "Sure, what's your phone number?", [C("My phone number is 555-0142")])
    assert only("dont-ask-twice", "What's your email?", [C("it's jo@example.com")])
    assert only("dont-ask-twice", "Could I have your order number?", [C("Order 10552 is late")])
    assert only("dont-ask-twice", "What's your name?", [C("Hi")], name="Priya")
    assert not only("dont-ask-twice", "What's your email?", [C("My phone is 555-0142")])
    assert not only("dont-ask-twice", "Your email is on file.", [C("it's jo@example.com")])


def test_escalation_honoured_later_is_fine():
    conv = [C("I want a manager."), A("Sure, I'm transferring you to my supervisor now.")]
    assert not only("honor-escalation", "Thanks for waiting.", conv)
    conv = [C("I want a manager."), A("Let me check first.")]
    assert only("honor-escalation", "Here is your tracking link.", conv)


def test_greeting_only_at_the_opening():
    assert only("greet-properly", "What's the issue?", [C("Hi")])
    assert not only("greet-properly", "Hello! What's the issue?", [C("Hi")])
    assert not only("greet-properly", "What's the issue?", [C("Hi"), A("Hi, I'm Sam!")])
    assert not only("greet-properly", "What's the issue?")


def test_use_name_once_known():
    assert only("use-name", "Sure, I can help with that.", name="Priya")
    assert not only("use-name", "Sure Priya, I can help with that.", name="Priya")
    # every reply is read on its own: a name used once before is not used here
    assert only("use-name", "Sure, I can help with that.", [C("Hi"), A("Hi Priya!")], name="Priya")


def test_mirror_customer():
    conv = [C("Dov'è il mio ordine? È in ritardo.")]
    assert only("mirror-customer", "Sure, I'll check your order right away.", conv, lang="it")
    assert not only("mirror-customer", "Certo, controllo subito il suo ordine.", conv, lang="it")
    assert not only("mirror-customer", "Ok!", conv, lang="it")
    # the tenant asked for Italian but the customer writes English, like the draft
    english = [C("Where is my order? It was due yesterday.")]
    assert not only("mirror-customer", "Sure, I'll check your order right away.", english, lang="it")


def test_spans_are_sorted_and_excerpts_match():
    text = "omg IDK!!! u should have read the FAQ, ma'am"
    found = BOOK.check(text, (C("hi"),), "", "en")
    assert [v.span.start for v in found] == sorted(v.span.start for v in found)
    for v in found:
        assert text[v.span.start:v.span.end] == v.excerpt


def test_unsupported_language_checks_nothing_language_specific():
    assert BOOK.check("lol", (), "", "fr") == []


# ---------------------------------------------------------------- a corpus of good replies raises nothing

CLEAN = {
 "en": [
  ("I was charged twice for order 10552!", "I'm sorry about the double charge. I've refunded the extra $24.99 to your card; it usually shows up within 3-5 business days."),
  ("Can I speak to a manager please?", "Of course. I'm transferring you to my supervisor now and I've passed on your order details, so you won't need to repeat anything."),
  ("My email is sam@example.com, I never got the invoice.", "Thanks, Sam. I've resent the invoice to sam@example.com just now; could you check your spam folder too?"),
  ("Which plan includes SSO?", "The Business plan includes SSO. Would you like me to send you a comparison of the plans?"),
  ("The app keeps crashing on my iPhone.", "I'm sorry about that. Could you tell me which iOS version you're on? Then I can check whether it's a known issue."),
  ("Do you ship to Canada?", "Yes, we ship to Canada! Delivery usually takes 5-7 business days."),
  ("ok thanks, that fixed it", "Great, I'm glad it works now! Thanks for your patience, and have a lovely day."),
  ("Where's my parcel? Tracking says delayed.", "I've checked with the courier: your parcel is at the Toronto depot and should be delivered tomorrow. I'll keep an eye on it."),
  ("Is the discount still valid?", "Yes, the 10% discount code is valid until Sunday night."),
  ("I can't log in.", "Let's sort that out. Could you try resetting your password from the login page? I'll stay here in case the email doesn't arrive."),
 ],
 "it": [
  ("Mi avete addebitato due volte l'ordine 10552!", "Mi scusi per il doppio addebito. Ho già rimborsato 24,99 € sulla sua carta: di solito arriva in 3-5 giorni lavorativi."),
  ("Vorrei parlare con un responsabile.", "Certo, la trasferisco subito al mio responsabile e gli passo tutti i dettagli dell'ordine."),
  ("Non riesco ad accedere.", "Risolviamolo insieme. Può provare a reimpostare la password dalla pagina di accesso? Resto qui se l'email non arriva."),
  ("Spedite in Svizzera?", "Sì, spediamo in Svizzera! La consegna richiede di solito 5-7 giorni lavorativi."),
  ("Dov'è il mio pacco?", "Ho controllato con il corriere: il pacco è a Milano e dovrebbe arrivare domani. Lo tengo d'occhio io."),
 ],
 "es": [
  ("¡Me cobraron dos veces el pedido 10552!", "Disculpe el doble cargo. Ya le he devuelto 24,99 € a su tarjeta; normalmente tarda de 3 a 5 días hábiles."),
  ("Quiero hablar con un supervisor.", "Por supuesto, le paso ahora con mi supervisora y le cuento todos los detalles del pedido."),
  ("No puedo entrar a mi cuenta.", "Vamos a solucionarlo. ¿Puede restablecer la contraseña desde la página de inicio de sesión? Sigo aquí por si no le llega el correo."),
  ("¿Envían a México?", "¡Sí, enviamos a México! La entrega suele tardar entre 5 y 7 días hábiles."),
  ("¿Dónde está mi paquete?", "He consultado con la empresa de transporte: su paquete está en Madrid y debería llegar mañana. Yo lo sigo de cerca."),
 ],
 "zh": [
  ("订单10552被扣了两次钱!", "非常抱歉重复扣款。我已经把多扣的24.99元退回您的卡上,通常3到5个工作日到账。"),
  ("我要找你们经理。", "好的,我马上为您转接经理,并把订单情况告诉他,您不用再重复说明。"),
  ("我登录不了。", "我们一起来解决。您可以在登录页面重置密码吗?如果邮件没收到,我一直在这里。"),
  ("能寄到香港吗?", "可以寄到香港!通常5到7个工作日送达。"),
  ("我的包裹在哪里?", "我已经和快递确认过,您的包裹在上海,预计明天送达。我会帮您持续关注。"),
 ],
}

OPENERS = {"en": "Hi", "it": "Ciao", "es": "Hola", "zh": "你好"}


@pytest.mark.parametrize("lang,customer,draft", [(l, c, d) for l, pairs in CLEAN.items() for c, d in pairs])
def test_good_replies_raise_nothing(lang, customer, draft):
    conv = [C(OPENERS[lang]), A("Hi, I'm Sam! How can I help?"), C(customer)]
    assert BOOK.check(draft, conv, "", lang) == []


# ---------------------------------------------------------------- recall on variants of the eval cases

VARIANTS = [
    ("it", "Il link prefirmato S3 è scaduto, la CDN restituisce 403; rilancio il webhook.", "no-jargon"),
    ("es", "Sí, el arreglo estará listo el viernes sin duda y le damos un mes gratis.", "no-unkept-promises"),
    ("zh", "周五前一定修好,还送您一个月会员。", "no-unkept-promises"),
    ("en", "We'll give you a free month for the trouble.", "no-unkept-promises"),
    ("it", "Purtroppo non spediamo in Canada, la nostra politica non lo permette.", "positive-framing"),
    ("es", "Buena suerte con eso, a los demás les funciona.", "no-sarcasm"),
    ("it", "Buona fortuna, per tutti gli altri funziona.", "no-sarcasm"),
    ("zh", "祝你好运吧,别人都能用。", "no-sarcasm"),
    ("es", "El retraso fue porque el almacén no tenía personal y el mensajero se equivocó, no nosotros.",
     "no-excuses-or-blame"),
    ("it", "Il ritardo è stato causato dal magazzino e dal corriere, non noi.", "no-excuses-or-blame"),
    ("zh", "延迟是因为仓库人手不够,快递也出了错,不是我们的问题。", "no-excuses-or-blame"),
    ("zh", "去看帮助中心吧,都在那里。", "no-deflection"),
    ("it", "Vada a leggere il centro assistenza, lì c'è tutto.", "no-deflection"),
    ("es", "Lea el centro de ayuda, ahí está todo.", "no-deflection"),
    ("zh", "说实话我觉得Pro 14不值这个价。", "no-personal-opinion"),
    ("es", "Sinceramente, en mi opinión el Pro 14 es carísimo y una basura.", "no-personal-opinion"),
    ("zh", "对了,我们的夏季大促正在进行,耳机打75折!", "stay-on-topic"),
    ("es", "¡¡NO SE PUEDE CAMBIAR!!", "no-shouting"),
    ("zh", "亲,木有问题哈哈哈", "no-slang"),
]


@pytest.mark.parametrize("lang,text,rule_id", VARIANTS)
def test_variants_are_flagged(lang, text, rule_id):
    assert rule_id in ids(text, [C("?")], "", lang)


@pytest.mark.parametrize("lang,customer,draft,rule_id", [
    ("es", "Páseme con su jefe, por favor.", "Te ayudo yo mismo.", "honor-escalation"),
    ("it", "Voglio parlare con un operatore.", "Posso aiutarla io.", "honor-escalation"),
    ("zh", "我的电话是13812345678", "您的手机号是多少?", "dont-ask-twice"),
    ("en", "Order 55512 is late", "Can I get your order number?", "dont-ask-twice"),
    ("es", "Mi teléfono es 612 345 678", "¿Cuál es su número de teléfono?", "dont-ask-twice"),
])
def test_conversation_variants(lang, customer, draft, rule_id):
    assert rule_id in ids(draft, [C(customer)], "", lang)


# ---------------------------------------------------------------- citations point at the place that says it

from tests.shared_data import seeds_dir

SEEDS = seeds_dir()


@pytest.mark.parametrize("rule_id", CATALOGUE)
def test_citations_exist_in_the_seeds(rule_id):
    import re

    for source in BOOK.rule(rule_id).sources:
        name, _, where = source.partition(", ")
        text = (SEEDS / name).read_text(encoding="utf-8")
        if where.startswith('"'):
            section = where.strip('"')
            # a section heading, or the bullet that says it ("Evita termini tecnici")
            assert re.search(rf"^(?:- )?{re.escape(section)}\b", text, re.M), f"{source}: no such section"
        elif where.startswith("rule "):
            n = where.split()[1]
            assert re.search(rf"^(?:规则{n}|第{n}条)[::]", text, re.M), f"{source}: no such rule"
        else:
            n = where.split()[1]
            assert re.search(rf"^\s*{n}\. ", text, re.M), f"{source}: no such item"


# ---------------------------------------------------------------- issue #15: what agents really write


@pytest.mark.parametrize("text,conv,lang,expected", [
    ("no se puede, es política de la empresa", (), "es", {"positive-framing"}),
    ("不知道，你自己去看FAQ吧", (), "zh", {"communicate-status", "no-deflection"}),
    ("Comunque non so niente del suo ordine, riprovi domani.",
     (C("Dov'è il mio ordine? Aspetto da due settimane!"),), "it",
     {"show-empathy", "communicate-status", "no-deflection"}),
])
def test_issue_15_drafts(text, conv, lang, expected):
    assert expected <= ids(text, conv, lang=lang)


@pytest.mark.parametrize("text,lang", [
    ("I don't know yet, let me check with the warehouse and get back to you.", "en"),
    ("Non lo so ancora: verifico con il magazzino e le faccio sapere.", "it"),
    ("Todavía no lo sé, lo consulto con el almacén y le aviso.", "es"),
    ("我还不知道，我帮您查一下再回复您。", "zh"),
])
def test_i_dont_know_with_a_next_step_is_fine(text, lang):
    assert not only("communicate-status", text, lang=lang)


def test_pressure_negated_is_fine():
    assert not only("no-pressure", "You don't have to decide now, the offer runs all month.")
    assert only("no-pressure", "Decide now or the price goes up.")


@pytest.mark.parametrize("lang,text,slip,fixed", [
    ("es", "Su pedido tendra retraso.", "tendra", "tendrá"),
    ("es", "Lo revisamos el proximo dia.", "proximo", "próximo"),
    ("es", "Ya pasó un ano desde la compra.", "ano", "año"),
    ("it", "Il tecnico verra domani.", "verra", "verrà"),
    ("it", "La città non e cambiata, ma la fedelta si.", "fedelta", "fedeltà"),
])
def test_a_dropped_accent_is_a_spelling_slip(lang, text, slip, fixed):
    found = [v for v in only("correct-spelling", text, lang=lang) if v.excerpt == slip]
    assert found and found[0].suggestion == fixed


@pytest.mark.parametrize("lang,text,conv", [
    ("es", "Si esta tarde no llega, le aviso.", ()),         # "si"/"sí", "esta"/"está": both words
    ("es", "Lanzo la orden ahora.", ()),                     # "lanzo"/"lanzó": two forms of a verb
    ("es", "Hola Jose, ya está.", ()),                       # a name inside a sentence
    ("it", "Parlo con il reparto e la richiamo.", ()),       # "parlo"/"parlò", "e"/"è"
])
def test_a_word_that_may_be_right_is_no_slip(lang, text, conv):
    assert not only("correct-spelling", text, [C(c) for c in conv], lang=lang)


@pytest.mark.parametrize("lang,text,slip", [
    # grammar, not frequency: "si" answering is "sí"/"sì"; a question word opening a
    # question keeps its accent; a sentence starts with a capital when the others do
    ("es", "Si, esta en camino.", "Si"),
    ("it", "Si. Arriva domani.", "Si"),
    ("es", "¿donde lo recojo?", "donde"),
    ("es", "Quien firma la entrega?", "Quien"),
    ("en", "We got it. we'll send the label today.", "we"),
    ("it", "L'ordine è partito. il corriere la chiama prima.", "il"),
])
def test_a_slip_of_grammar_is_found_in_context(lang, text, slip):
    assert slip in [v.excerpt for v in only("correct-spelling", text, lang=lang)]


@pytest.mark.parametrize("lang,text", [
    ("es", "Si lo prefiere, ¿cuándo le viene bien?"),         # "si" opens a condition
    ("es", "¿Le aviso cuando llegue?"),                      # "cuando" inside the question
    ("en", "Open 9 a.m. to 5 p.m. daily, holidays etc. included."),  # abbreviations end no sentence
    ("en", "ok. we'll send it today."),                      # all lower case: chat style, no-slang's
    ("it", "Ok, si può fare."),                              # "si" the pronoun
    ("it", "Tel. assistenza 02 1234 5678, h24."),             # an abbreviation, capitalised
    ("en", "Call us at 3 p.m. and we'll sort it."),          # letters of an abbreviation
])
def test_a_context_that_makes_it_right_is_no_slip(lang, text):
    assert not only("correct-spelling", text, lang=lang)


@pytest.mark.parametrize("lang,text,conv", [
    ("it", "Non è possibile parlare con un supervisore.", "Sono molto arrabbiato, voglio un supervisore."),
    ("en", "It's not possible to speak to a manager.", "I want to speak to your manager."),
])
def test_a_refused_hand_over_is_honor_escalations_finding_alone(lang, text, conv):
    found = {v.rule_id for v in BOOK.check(text, [C(conv)], "", lang)}
    assert "honor-escalation" in found and "positive-framing" not in found


def test_a_capitalised_word_with_an_accent_is_no_acronym():
    """"GIÀ" in a shouted Italian sentence is one word, not the acronym "GI"."""
    assert not only("no-jargon", "NO, L'ORDINE È GIÀ PARTITO.", lang="it")


@pytest.mark.parametrize("text,term", [
    # Chinese writes Latin terms with no space around them, and re reads both as \w:
    # a term list must not need a word boundary there
    ("是CDN节点故障导致页面打不开。", "CDN"),
    ("清下缓存重新SSO登录就行。", "SSO"),
    ("您的token过期了，请重新登录。", "token"),
])
def test_latin_jargon_inside_chinese_text(text, term):
    assert term in [v.excerpt for v in only("no-jargon", text, lang="zh")]


def test_a_latin_term_inside_a_latin_word_is_still_no_term():
    assert not [v for v in only("no-jargon", "Il nostro supertokenizzatore è pronto.", lang="it") if v.excerpt == "token"]


def test_a_negative_lookbehind_in_a_rule_names_a_whole_word(prompts_copy):
    """``(?<!so )`` in a rule file means "not after the word so": "also duh"
    is still sarcasm, as the guard's phrase lists read it (regex_guard.word_lookbehinds)."""
    _edit(prompts_copy / "rules" / "07-no-sarcasm.yaml", r"    - '\bduh\b'", r"    - '(?<!so )\bduh\b'")
    book = load_rulebook(prompts_copy)

    def flagged(text: str) -> bool:
        return any(v.rule_id == "no-sarcasm" for v in book.check(text, [], "", "en"))
    assert flagged("It's in the manual, also duh.")
    assert not flagged("It's in the manual, so duh.")


def test_a_pattern_its_conditions_refuse_hides_no_other_pattern(prompts_copy):
    """A rule's patterns run as one alternation, whose first branch at a
    position wins. "right in front of you" reports only when the customer
    says they can't find something; with a second pattern "in front of you"
    added without that condition, the refused branch must
    not swallow the text the second one would report."""
    path = prompts_copy / "rules" / "07-no-sarcasm.yaml"
    book = load_rulebook(prompts_copy)
    assert not [v for v in book.check("Honestly it's right in front of you.", [], "", "en") if v.rule_id == "no-sarcasm"]
    _edit(path, "    - '\\b(?:it''s|it is) written right there\\b'\n",
          "    - '\\b(?:it''s|it is) written right there\\b'\n    - '\\bin front of you\\b'\n")
    book = load_rulebook(prompts_copy)
    found = [v for v in book.check("Honestly it's right in front of you.", [], "", "en") if v.rule_id == "no-sarcasm"]
    assert [v.excerpt for v in found] == ["in front of you"]


@pytest.mark.parametrize("lang,customer,draft,flagged", [
    ("en", "Hello, is anyone there?", "What do you need?", True),
    ("en", "hi :)", "What do you need?", True),
    ("zh", "你好，在吗？", "说吧。", True),
    ("es", "Hola, ¿hay alguien?", "Dime.", True),
    ("it", "Ciao, buongiorno", "Dimmi.", True),
    # a hello that comes with the question is no proof of an opening (the labelled cases)
    ("en", "Hi, I was charged twice for order 10552.", "What do you need?", False),
    ("zh", "你好,这个口红还有货吗?", "有的,今天下单明天发。", False),
    # many hellos that end in a question: read in linear time, and no opening
    ("en", "hi! " * 500 + "where is my order?", "What do you need?", False),
])
def test_greeting_asked_only_under_a_message_of_hellos(lang, customer, draft, flagged):
    found = BOOK.check(draft, [Message(Role.CUSTOMER, customer)], "", lang)
    assert ("greet-properly" in {v.rule_id for v in found}) == flagged


@pytest.mark.parametrize("lang,draft,excerpt", [
    ("en", "It shows delivered, so check with your neighbours before accusing us.", "before accusing us"),
    ("it", "Risulta consegnato, controlli dai vicini prima di accusarci.", "prima di accusarci"),
    ("es", "Figura como entregado, pregunta a tus vecinos antes de acusarnos.", "antes de acusarnos"),
    ("zh", "显示已签收，先问问邻居，别冤枉我们。", "别冤枉我们"),
])
def test_reproaching_the_customer_for_complaining_is_blame(lang, draft, excerpt):
    found = [v for v in BOOK.check(draft, (), "", lang) if v.rule_id == "no-excuses-or-blame"]
    assert [v.excerpt for v in found] == [excerpt]


@pytest.mark.parametrize("draft", ["我现在就帮您转给值班主管，记录都写进转接备注了。", "好的，我把您的问题转交给我们的负责人处理。"])
def test_a_hand_over_to_a_named_supervisor_honors_escalation(draft):
    conv = (Message(Role.CUSTOMER, "我要找你们主管。"),)
    assert "honor-escalation" not in {v.rule_id for v in BOOK.check(draft, conv, "", "zh")}


@pytest.mark.parametrize("draft,pressure", [
    ("¡Cómpralo ya, quedan pocas!", True),
    # scarcity as the condition of an alert the customer asked for
    ("Te activo un aviso para que te llegue un correo si quedan pocas unidades antes del sábado.", False),
])
def test_scarcity_in_a_condition_is_no_pressure(draft, pressure):
    assert ("no-pressure" in {v.rule_id for v in BOOK.check(draft, (), "", "es")}) == pressure
