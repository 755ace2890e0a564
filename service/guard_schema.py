"""The shape of the guard's data files, as typed pydantic models.

``prompts/guard/<lang>.yaml`` (a language's lexicon: number words, dates,
currencies, the regex lists the honesty checks read) and
``prompts/guard/_policy.yaml`` (what the rules let a rewrite remove) are read
through ``service.datafile.load_model`` into these models, so a wrong type, a
missing or misspelt key, or an unquoted ``no`` in a word list fails at load
with the file and the key. What a model cannot know (does a regex compile,
does the file's language match its name) ``service.facts`` checks while
compiling, with the same error.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictBool, StrictInt, StrictStr, StringConstraints

from service.content import ContentDoc
from service.datafile import DataDoc, Text

Words = list[Text]
# word or phrase -> a number (a weekday 1-7, a month, a number word's value)
Numbers = dict[Text, StrictInt]
# word or phrase -> its canonical text (a currency code, a duration unit)
Names = dict[Text, Text]


class CompoundNumbersDoc(DataDoc):
    """Number words made of a ten and a unit ("thirty-five", "trentacinque")."""

    tens: Numbers
    units: Numbers
    # what joins them: "-", " y ", "" (directly)
    joiners: list[StrictStr] = Field(default_factory=lambda: [""])
    # units before which a ten drops its last vowel ("ventuno", "trentotto")
    elide_before: Words = Field(default_factory=list)


class RatesDoc(DataDoc):
    """How a rate's unit is said: "per month", "€8/month", "€8 a month", "monthly"."""

    # Each a rate only right after an amount or a count ("€8 a month", "twice per
    # week"; "valid for a month" is a duration, "open daily" a schedule); "/" always is one.
    markers: Words = Field(default_factory=list)           # before a duration unit: "per", "a", "every"
    words: dict[Text, Text] = Field(default_factory=dict)  # "monthly" -> its duration unit word "month"


class CurrencySubunitsDoc(DataDoc):
    """How a currency's hundredths are said: "39 euros y 90 céntimos"."""

    words: Words = Field(default_factory=list)     # "céntimos", "cents"
    joiners: Words = Field(default_factory=list)   # "y", "con", "and"


# A day of the week, Monday = 1.
Weekday = Annotated[StrictInt, Field(ge=1, le=7)]


class LexiconDoc(ContentDoc):
    """One language's guard lexicon, ``prompts/guard/<lang>.yaml``."""

    language: Text
    word_boundaries: StrictBool
    decimal_separator: Literal[".", ","]
    date_order: Text = "dmy"
    # how "8:00" reads: on a 24-hour clock (08:00, never 20:00) or either half
    clock_digits: Literal["12h", "24h"] = "24h"
    # a preposition and the forms it takes joined with an article ("a": al,
    # alla, all'): a listed phrase ending in the preposition matches them too
    articulated_prepositions: dict[Text, list[Text]] = Field(default_factory=dict)
    cjk_numerals: StrictBool = False
    compound_numbers: CompoundNumbersDoc | None = None
    number_words: Numbers
    # "second floor" = "2nd floor" = "2° piano": read only where a digit
    # number of the other text is looked for in words, never as facts
    ordinal_words: Numbers = Field(default_factory=dict)
    # The first ordinals ("first", "secondo", "primera"), which elsewhere also
    # mean "before", "a second" or "according to": read only for a number
    # the draft writes with an ordinal suffix ("1st", "2°", "2ª", "1er").
    low_ordinals: Numbers = Field(default_factory=dict)
    ordinal_suffix: Words = Field(default_factory=list)
    weekdays: Numbers
    # a day of the month said as a word before the month ("primo gennaio")
    day_words: dict[Text, Annotated[StrictInt, Field(ge=1, le=31)]] = Field(default_factory=dict)
    relative_days: Numbers = Field(default_factory=dict)
    # measure units a spoken decimal digit follows ("4米2" is 4.2 metres, "1米8" 1.8)
    decimal_after_unit: Words = Field(default_factory=list)
    # a period counted from now, named by what it is: "this week" and "by the
    # end of the week" are both ``week``, "月底" and "this month" ``month``
    relative_periods: dict[Text, Literal["week", "month", "month_next"]] = Field(default_factory=dict)
    # a day counted from the event the text speaks of, not from today: "the
    # night before" -1, "that morning" 0, "il giorno successivo" 1, 当天 0
    event_days: Numbers = Field(default_factory=dict)
    months: dict[Text, Annotated[StrictInt, Field(ge=1, le=12)]]
    currencies: Names
    duration_units: Names
    am_pm: Names = Field(default_factory=dict)
    time_prefixes: Names = Field(default_factory=dict)
    # "night": the evening, where 12 is midnight ("12 at night")
    day_parts: dict[Text, Literal["am", "pm", "evening", "night"]] = Field(default_factory=dict)
    clock_words: dict[Text, Annotated[str, StringConstraints(strict=True, pattern=r"^\d\d:\d\d$")]] = Field(
        default_factory=dict)
    duration_phrases: Numbers = Field(default_factory=dict)
    # Periods named by one word, in months: "quarter", "trimestre", "trimestral",
    # 季度 (3); "semester", 半年 (6). Months are their own scale ("3 months").
    month_phrases: Numbers = Field(default_factory=dict)
    # hours and minutes said as one duration: "3h 30m", "2 ore e 30 minuti", "1小时零5分钟"
    duration_joiners: Words = Field(default_factory=list)      # "and", "e", "y", "零"
    compound_minute_units: Words = Field(default_factory=list)  # minute units only there: the "m" of "3h 30m"
    half_after: Words = Field(default_factory=list)
    # number words that are also articles: "a hundred" is not 1
    articles: Words = Field(default_factory=list)
    # 0.5 said as a word ("half", "metà", 一半)
    fraction_words: dict[Text, Annotated[float, Field(gt=0, lt=1)]] = Field(default_factory=dict)
    # a rate said as a fraction other than hundredths: prefix -> denominator ("千分之": 1000)
    fraction_prefixes: dict[Text, Annotated[StrictInt, Field(gt=1)]] = Field(default_factory=dict)
    currency_subunits: CurrencySubunitsDoc = Field(default_factory=CurrencySubunitsDoc)
    rates: RatesDoc = Field(default_factory=RatesDoc)
    minute_phrases: dict[Text, Annotated[StrictInt, Field(ge=-59, le=59)]] = Field(default_factory=dict)
    minute_joiners: Words = Field(default_factory=list)
    # minutes said before the hour ("half past nine", "a quarter to nine"): minutes, negative before the hour
    minute_phrases_before: dict[Text, Annotated[StrictInt, Field(ge=-59, le=59)]] = Field(default_factory=dict)
    time_hour_markers: Words = Field(default_factory=list)
    date_connectors: Words = Field(default_factory=list)
    # before the second day of a range: "tra il 1° e il 10 settembre"
    day_articles: Words = Field(default_factory=list)
    percent_words: Words
    percent_prefixes: Words = Field(default_factory=list)
    time_cues: Words = Field(default_factory=list)
    # Cues that end in an article ("las", "de las"): after them a number followed by
    # a plural word (one ending in "s") is a count ("las 3 últimas nóminas"),
    # unless that word is one of ``article_time_followers`` ("las 3 menos
    # cuarto", "las 9 horas"). Only plural words can matter here: "las 9 de
    # la noche" is a time because "de" is not plural.
    article_time_cues: Words = Field(default_factory=list)
    article_time_followers: Words = Field(default_factory=list)
    time_suffixes: Words = Field(default_factory=list)
    # "L-V", "M-F": one capital letter -> a weekday 1-7 (the letter is checked when compiled)
    weekday_initials: dict[StrictStr, Weekday] = Field(default_factory=dict)
    # "mar" (martes; el mar, the sea; gen-mar, January to March): a weekday
    # only beside another weekday ("mar y jue", "lun-mar") or a time ("mar 9-12")
    ambiguous_weekdays: dict[StrictStr, Weekday] = Field(default_factory=dict)
    # A run of days said as one word ("weekdays", "entre semana", 周末): its
    # first and last day, as a range of weekdays is kept ("Monday to Friday")
    weekday_spans: dict[StrictStr, Annotated[list[Weekday], Field(min_length=2, max_length=2)]] = Field(
        default_factory=dict)
    channels: Names = Field(default_factory=dict)
    # How a noun's plural is written: a final suffix -> the endings that
    # replace it ("" appends: "branch" -> "branches" via "ch": ["ches"]).
    # Channel phrases are read in the plural too ("at one of our branches").
    plural_endings: dict[StrictStr, list[StrictStr]] = Field(default_factory=dict)
    measure_units: Names = Field(default_factory=dict)
    # quote pairs: two characters, opening and closing
    quotes: list[Annotated[str, StringConstraints(strict=True, min_length=2, max_length=2)]]
    chat_digits: Words = Field(default_factory=list)
    numbered_nouns: Words = Field(default_factory=list)
    name_stopwords: Words = Field(default_factory=list)
    # abbreviated titles written with a full stop ("Mrs.", "Sra."): the name after one is no sentence start
    titles: Words = Field(default_factory=list)
    not_facts: Words = Field(default_factory=list)
    topic_stopwords: Words = Field(default_factory=list)
    # category -> regexes of a commitment ("refund": "we will refund")
    commitments: dict[str, Annotated[Words, Field(min_length=1)]] = Field(min_length=1)
    conditions: dict[str, Words] = Field(default_factory=dict)
    # kind -> regexes of an outcome a text says happens ("fix": repaired,
    # "approval": approved): a rewrite may not reach one the draft never
    # names ("coming to diagnose" -> "coming to repair"; service/outcomes.py)
    outcomes: dict[str, Annotated[Words, Field(min_length=1)]] = Field(default_factory=dict)
    # words that open a sentence with its goal ("To fix this, hold reset"):
    # an outcome there is what the steps are for, not one promised
    purpose_heads: Words = Field(default_factory=list)
    # ways of pointing back to an earlier contact or event ("as we mentioned",
    # 如之前所说): a rewrite may not invent one (service/history.py)
    history_claims: Words = Field(default_factory=list)
    deadline_before: Words
    deadline_after: Words
    deadline_fillers: Words = Field(default_factory=list)
    # regex lists every language must have
    negations: Words
    post_negations: Words
    refusals: Words
    preserving: Words
    affirmations: Words
    hedges: Words
    not_negations: Words
    clause_breaks: Words
    # words that join the parts of a condition ("and", "e", "y", 和)
    conjunctions: Words = Field(default_factory=list)
    # regex lists a language may leave out
    absolute_phrases: Words = Field(default_factory=list)
    not_conditions: Words = Field(default_factory=list)
    # a doubt: a "no" with a knowing verb and if/when ("not sure when", "no sé
    # si", 不知道什么时候): no condition, and a limit the rewrite must keep
    unknowns: Words = Field(default_factory=list)
    identifier_cues: Words = Field(default_factory=list)
    limits: Words = Field(default_factory=list)
    lapsed: Words = Field(default_factory=list)
    causes: Words = Field(default_factory=list)
    consequences: Words = Field(default_factory=list)
    delivery_verbs: Words = Field(default_factory=list)
    # the same in a note's telegraphic style ("pronto mer 14"), read on the draft only
    delivery_words: Words = Field(default_factory=list)
    attempts: Words = Field(default_factory=list)
    causes_before: Words = Field(default_factory=list)
    help_words: Words = Field(default_factory=list)
    speculation: Words = Field(default_factory=list)
    purpose: Words = Field(default_factory=list)
    # What one may ask for, right before a commitment word ("richieste di
    # indennizzo", "solicitudes de reembolso", "claims for compensation"):
    # how to ask promises nothing. Read only by the commitment finder.
    request_heads: Words = Field(default_factory=list)
    # How the agent vouches for a fact ("I can see that", "vedo che", "consta
    # que", 系统显示): a customer's fact said back after one is confirmed, not
    # quoted. Read only by the fact checker.
    vouching: Words = Field(default_factory=list)
    empathy: Words = Field(default_factory=list)
    prohibitions: Words = Field(default_factory=list)
    # Prohibitions in the form of a notice ("No swimming after dark", "No
    # fumar", 禁酒, "non va mai comunicato"): read only by service/warnings.py,
    # so a rewrite can't turn them into advice. Kept out of ``prohibitions``,
    # which also shapes content alignment, because their wording is shared
    # with statements ("no debe nada", "il modem non va restituito").
    notices: Words = Field(default_factory=list)
    personal_promises: Words = Field(default_factory=list)
    # a first-person future ("we'll send", "invieremo", "我们会"): commitments.new_actions
    future_actions: Words = Field(default_factory=list)
    instructions: Words = Field(default_factory=list)
    alternatives: Words = Field(default_factory=list)
    requirements: Words = Field(default_factory=list)
    condition_before: Words = Field(default_factory=list)
    offers: Words = Field(default_factory=list)
    # A condition moved onto another statement (service/condition_check.py, _detached):
    # the markers whose scope a rewrite can move ("if", "se", "si", 如果, 的话;
    # not a requirement such as "must be" or 需要), the frames that make a
    # sentence lean on the one before ("This applies if...", "Esto es así
    # siempre que...", 前提是), and "otherwise", after which a sentence
    # speaks of the other case.
    conditional_markers: Words = Field(default_factory=list)
    back_references: Words = Field(default_factory=list)
    otherwise_markers: Words = Field(default_factory=list)
    # A restated "only if" (service/condition_check.py, _restated_nearby): focus,
    # universal and widening words that make it one case among others
    # ("especially when", "soprattutto se", 尤其是), and the conditions that
    # say what is required, as its restatement must ("as long as", "purché",
    # "siempre que", 前提是; not a bare "if").
    non_exclusive: Words = Field(default_factory=list)
    exclusive_conditions: Words = Field(default_factory=list)
    # Words that make a number an estimate ("about", "circa", "unos", 左右):
    # a limit the draft states exactly, said with one, is a rule turned into
    # a rough guide (service/warnings.py, approximated_limits)
    approximators: Words = Field(default_factory=list)
    approximators_after: Words = Field(default_factory=list)
    # Which way a figure is bounded (service/figures.py): a floor ("at least 3
    # nights", "almeno", 至少, "3晚以上") or a ceiling ("up to 3 nights", "fino a",
    # 最多, 以内). Before the figure, or ``*_after`` it ("3 nights or more").
    lower_bounds: Words = Field(default_factory=list)
    lower_bounds_after: Words = Field(default_factory=list)
    upper_bounds: Words = Field(default_factory=list)
    upper_bounds_after: Words = Field(default_factory=list)
    # A requirement strong enough to be a warning (service/warnings.py):
    # "mandatory", "obbligatorio", "imprescindible", 必须. Said as advice
    # ("we recommend", "lo ideal es"), it no longer binds.
    obligations: Words = Field(default_factory=list)
    # A figure counted back from an event ("48h before arrival", "con 48 horas
    # de antelación", 提前48小时): "up to" it and "at least" it say the same.
    counted_back: Words = Field(default_factory=list)
    # Words that give a time as a guess ("might", "usually", "not guaranteed",
    # "forse", "puede que", 可能): said again without one, the time is a
    # promise the draft never made (service/certainty.py)
    guesses: Words = Field(default_factory=list)
    # Words that give a time as a bound, not the plan ("the earliest is Mon
    # 17", "al più presto", "lo antes", 最早): said again without a bound or
    # one of ``bounds_kept`` ("from", "can", 以后), the bound is a plan the
    # draft never set (service/certainty.py)
    bounds: Words = Field(default_factory=list)
    bounds_kept: Words = Field(default_factory=list)
    # Words after which a relative day is a part of the day: "por la mañana",
    # "esa mañana" is the morning, not tomorrow
    relative_day_not_after: list[Text] = Field(default_factory=list)
    # Words that leave a thing undone or failed without a negation ("still",
    # "pending", "failed", "ancora", "pendiente", 仍): a clause with one keeps
    # a negative statement's "no" (service/statements.py)
    still_negative: Words = Field(default_factory=list)
    # What makes a condition the failure of the step before it ("if still
    # broken", "if u don't hear by then", "si sigue igual", 还不行的话): these
    # words are interchangeable inside a condition (service/fallback_conditions.py),
    # so "if it still doesn't work" keeps "if still broken"; the condition's
    # other words must still be kept. Persistence ("still", "again", 仍然,
    # and a bare 没有) is read in the draft's condition only: "if you still
    # want it" is no failure, nor is any "no".
    fallback_cues: Words = Field(default_factory=list)
    fallback_persistence: Words = Field(default_factory=list)
    # Words right after a number that make it a count of things, not the
    # number of a step ("3张照片", service/guard_text.py, step_numbers).
    counters: Words = Field(default_factory=list)
    # how often ("sometimes", "a volte", "a veces", 偶尔): a clause that says
    # it some of the time affirms what the draft said never happens
    frequency: Words = Field(default_factory=list)
    # the "no" of a preposition ("without", "instead of", "senza", "sin"):
    # it names what a sentence does without ("without an appointment we
    # can't..." -> "by appointment only"), so it denies nothing by itself
    absence: Words = Field(default_factory=list)
    # a polite request before a word ("please", "kindly", "La preghiamo di",
    # "Le pedimos que", 请, 麻烦): the word is asked for, not said to be so
    requests: Words = Field(default_factory=list)
    # a word said as a purpose or a state to come ("to be", "for", "per
    # essere", "para", 待): "in the queue to be assigned" asserts no assignment
    prospective: Words = Field(default_factory=list)
    # the future ("will", "going to", "partirà", "llegará", 将, 会): a "not
    # yet" may be said as what will happen
    future: Words = Field(default_factory=list)
    # right after a word: it is asked for or made a condition ("填写一下",
    # "上传后就可以了")
    after_head: Words = Field(default_factory=list)
    # a "no" said as a rule, not without exception ("usually", "di solito",
    # "por lo general", 一般): service/statements.py
    weakeners: Words = Field(default_factory=list)
    # a verb's gerund or infinitive ("including", "allegando", "adjuntar"):
    # opening a clause, it names a step, not a fact
    gerund: Words = Field(default_factory=list)
    # "or" after a "no" carries it to the next word ("don't unplug or reset
    # it", "non spenga o scolleghi"): service/statements.py
    disjunctions: Words = Field(default_factory=list)
    # prefixes that negate the word they open ("incompatible", "unsuccessful",
    # "desactivado"): a clause that says the denied word with one still says
    # no (service/statements.py)
    negative_prefixes: Words = Field(default_factory=list)
    # prepositions that may give a reason ("blocked for late payment",
    # "bloccata x 3 PIN errati", "retenida por 3DS fallido"): a draft that
    # gives one so may have it said with "because" (service/guard.py)
    cause_prepositions: Words = Field(default_factory=list)
    # a charge let go with a pronoun ("we'll take it off your bill", "non
    # gliela addebitiamo", "te lo quitamos", 这次就不收了): with the draft's
    # amount before it, a waiver the draft does not make (service/commitments.py)
    pronoun_waivers: Words = Field(default_factory=list)
    # words that say a step is done ("has been", "è stato", "ha sido", 已经):
    # before a word of a draft clause that still waits, a "not yet" said done
    # (service/statements.py)
    done_markers: Words = Field(default_factory=list)
    # words that make a thing optional ("optional", "facoltativo", "opcional",
    # 可选): said of what the draft requires, a requirement dropped (service/statements.py)
    optional_words: Words = Field(default_factory=list)
    # words that count what a colon goes on to list ("two options:", "le
    # seguenti:", 以下): such a clause heads the list, its words are the list's
    list_announcers: Words = Field(default_factory=list)
    # words of cost ("costs", "costa", "cuesta", 费用): a bare 0 right after
    # one (or after "=") is an amount of nothing, "free" (service/commitments.py)
    cost_words: Words = Field(default_factory=list)
    # words that say a step is finished ("completed", "completato", 完成):
    # after a done marker, the step is the clause's subject (service/statements.py)
    completion_words: Words = Field(default_factory=list)
    # what turns an order into advice ("try to", "if possible", "se le è
    # possibile", 建议, 轻易): service/warnings.py
    softeners: Words = Field(default_factory=list)
    # the company speaking of itself ("we", "our", "nostro", 我们): an apology
    # that names it may admit a fault, so it is no etiquette frame
    self_reference: Words = Field(default_factory=list)


class GuardPolicyDoc(DataDoc):
    """``prompts/guard/_policy.yaml``: rule ids whose fixes may remove or must not add text."""

    words_may_go: Words = Field(default_factory=list)
    sentences_may_go: Words = Field(default_factory=list)
    facts_may_go: Words = Field(default_factory=list)
    facts_in_span_may_go: Words = Field(default_factory=list)
    must_not_add: Words = Field(default_factory=list)
    conversation_grounds_content: Words = Field(default_factory=list)
    draft_read_with_fixes: Words = Field(default_factory=list)
    opinions: Words = Field(default_factory=list)
