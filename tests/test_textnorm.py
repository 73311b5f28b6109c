"""Dutch normalisation: folding, stemming, stopwords, legal references, entities, compounds."""

from __future__ import annotations

import pytest

from deelwijzer.textnorm import Decompounder, analyze, fold, legal_terms, stem


def test_fold_strips_accents_and_case():
    assert fold("Cliënt ÉÉN ‘Zorg’") == "client een 'zorg'"


def test_stemming_unifies_inflections():
    assert stem("clienten") == stem("client")
    assert stem("meldingen") == stem("melding")
    assert stem("partners") == stem("partner")


def test_stopwords_dropped_negations_kept():
    terms = analyze("Mag ik de gegevens niet delen met de politie?")
    assert "de" not in terms and "ik" not in terms
    assert stem("niet") in terms and stem("politie") in terms


@pytest.mark.parametrize(
    "text, term",
    [
        ("art. 16 Wpg", "art:16:wpg"),
        ("artikel 16 van de Wpg", "art:16:wpg"),
        ("artikel 16 lid 1 onder a Wpg", "art:16:wpg"),
        ("artikel 16 van de Wet politiegegevens", "art:16:wpg"),
        ("7:457 BW", "7:457:bw"),
        ("artikel 7:457 van het Burgerlijk Wetboek", "7:457:bw"),
        ("artikel 5.2.6 Wmo 2015", "art:5.2.6:wmo"),
        ("art. 7.3.11 lid 4 Jeugdwet", "art:7.3.11:jeugdwet"),
        ("artikel 2:5 Awb", "2:5:awb"),
        ("artikel 8 sub e Wbp", "art:8:wbp"),
        ("artikel 8 Wpb", "art:8:wbp"),  # corpus typo
        ("artikel 39f Wsjg", "art:39f:wjsg"),  # corpus typo
    ],
)
def test_legal_reference_terms(text, term):
    assert term in analyze(text)


def test_article_lists_expand_to_each_article():
    terms = legal_terms(fold("de artikelen 16, 21, 22 en 23 Wpb."))
    assert {"art:16:wbp", "art:21:wbp", "art:22:wbp", "art:23:wbp"} <= set(terms)


def test_dotted_numbers_stay_whole():
    terms = analyze("artikel 5.2.6")
    assert "5.2.6" in terms and "art:5.2.6" in terms
    assert "6" not in terms


def test_book_reference_not_counted_twice():
    assert analyze("artikel 7:457 BW").count("7:457:bw") == 1


@pytest.mark.parametrize(
    "text, term",
    [
        ("Veilig Thuis", "org:veiligthuis"),
        ("het AMHK", "org:veiligthuis"),
        ("het AHMK", "org:veiligthuis"),
        ("de Raad voor de Kinderbescherming", "org:rvdk"),
        ("de RvdK", "org:rvdk"),
        ("het OM", "org:om"),
        ("het Openbaar Ministerie", "org:om"),
        ("de GGD", "org:ggd"),
        ("het RIEC", "org:riec"),
        ("een boa", "org:boa"),
        ("buitengewoon opsporingsambtenaren", "org:boa"),
        ("de Wsjg", "law:wjsg"),
        ("de Wet justitiële en strafvorderlijke gegevens", "law:wjsg"),
    ],
)
def test_organisation_and_law_synonyms(text, term):
    assert term in analyze(text)


def test_lowercase_om_is_not_the_public_prosecutor():
    assert "org:om" not in analyze("om te kunnen delen")


def test_decompounder_splits_against_vocabulary():
    d = Decompounder(["gegevens", "uitwisseling", "beroep", "geheim"])
    assert d.split("gegevensuitwisseling") == ("gegevens", "uitwisseling")
    assert d.split("beroepsgeheim") == ("beroep", "geheim")
    assert d.split("onbekendewoord") == ()
    terms = analyze("gegevensuitwisseling", d)
    assert stem("uitwisseling") in terms and stem("gegevens") in terms


def test_accented_emphasis_word_is_no_stopword():
    """ "dát informatie" (the fact that) must not fold into the stopword "dat" and vanish (issue 14)."""
    from deelwijzer.textnorm import analyze

    assert "dat" in analyze("alleen ‘dát informatie’ wordt uitgewisseld")
    assert "dat" not in analyze("alleen dat informatie wordt uitgewisseld")
    assert "wel" in analyze("u mag dat wél delen")
