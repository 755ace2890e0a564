"""correct-spelling's dictionary lexicon (service/checks/misspellings.py):
slips one edit from a common word are found with the word meant; rare words
that are right, names, the customer's words and another language's words are not."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from service.checks.misspellings import another_ending, load_speller
from service.datafile import DataFileError
from service.domain import Message, Role
from service.rulebook import load_rulebook


@pytest.fixture(scope="module")
def book():
    return load_rulebook()


def spelling(book, text: str, lang: str, conversation: tuple[Message, ...] = ()) -> list[tuple[str, str]]:
    return [(v.excerpt, v.suggestion) for v in book.check(text, conversation, "", lang) if v.rule_id == "correct-spelling"]


@pytest.mark.parametrize("lang,text,slip,meant", [
    ("es", "No se preocupe, le llega el viernes. Ya lo he marcado como urjente.", "urjente", "urgente"),   # unseen
    ("en", "Rabbits that stop eating need to be seen today, pleaes come straight in.", "pleaes", "please"),
    ("it", "Ciao, vedo che hai aquistato il piano annuale ieri.", "aquistato", "acquistato"),
    ("es", "El plazo es de diez dias habiles desde la compra.", "habiles", "hábiles"),   # the accented word first
    ("en", "heyy, your parcel left the depot this morning", "heyy", "hey"),              # a letter held too long
])
def test_a_slip_is_found_with_the_word_meant(book, lang, text, slip, meant):
    assert (slip, meant) in spelling(book, text, lang)


@pytest.mark.parametrize("lang,text", [
    ("it", "Posso prenotarle un appuntamento giovedì, se aspettiate ancora un giorno."),   # clitic, subjunctive
    ("es", "Abriré una reclamación y le escribo mañana."),                                # a future
    ("en", "The chargeback is with the acquirer and the scheduler has been told."),      # rare and right
    ("en", "Please wash the delicates on a cold cycle."),                                # another ending
    ("es", "Hola, soy Urjente Martínez, de la tienda."),                                 # a name inside a sentence
    ("es", "Ciao, questo ordine parte oggi e la fattura arriverà domani."),             # Italian read as Spanish
])
def test_right_words_are_left_alone(book, lang, text):
    assert spelling(book, text, lang) == []


def test_the_customers_own_spelling_is_theirs(book):
    conv = (Message(Role.CUSTOMER, "Mi pedido urjente no ha llegado"),)
    assert ("urjente", "urgente") not in spelling(book, "Su pedido urjente sale hoy.", "es", conv)
    assert ("urjente", "urgente") in spelling(book, "Su pedido urjente sale hoy.", "es")


def test_another_ending_is_inflection_not_a_slip():
    assert another_ending("delicates", "delicate")
    assert another_ending("generaré", "generar")
    assert another_ending("provisiona", "provisional")
    assert another_ending("revisá", "revisa")
    assert not another_ending("heyy", "hey")
    assert not another_ending("pleaes", "please")
    assert not another_ending("urjente", "urgente")


def test_a_bad_lexicon_names_the_file_and_key(tmp_path: Path):
    path = tmp_path / "es.json.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        json.dump({"language": "es", "source": "x", "min_gain": 2.0, "accent_gain": 0.75,
                   "slips": {"urjente": 3}, "near": []}, fh)
    with pytest.raises(DataFileError) as err:
        load_speller(path, "es", 4.0, 4)
    assert "es.json.gz" in str(err.value) and "slips" in str(err.value)
    path.write_bytes(b"not gzip")
    with pytest.raises(DataFileError, match="cannot read"):
        load_speller(path, "es", 4.0, 4)


def test_a_lexicon_for_another_language_is_refused(tmp_path: Path):
    path = tmp_path / "it.json.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        json.dump({"language": "es", "source": "x", "min_gain": 2.0, "accent_gain": 0.75, "slips": {}, "near": []}, fh)
    with pytest.raises(DataFileError, match="language"):
        load_speller(path, "it", 4.0, 4)
