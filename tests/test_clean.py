"""Cleaning rules, each on a real excerpt copied from the corpus (or, for rules that depend on
the whole document such as footnote numbering, on the real document itself)."""

from __future__ import annotations

from functools import lru_cache
import pytest
import yaml

from deelwijzer.config import PROJECT_ROOT
from ingest.clean import clean_text
from ingest.loaders import load_file
from ingest.manifest import load_manifest

CORPUS = PROJECT_ROOT / "corpus"
SEED = PROJECT_ROOT / "evals" / "suites" / "seed.yaml"  # the shared seed set, converted


def seed_retrieval_cases() -> list[dict]:
    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    return [c for c in data["cases"] if c.get("kind") == "retrieval" and c.get("doc")]


def ws(s: str) -> str:
    return " ".join(s.split())


@lru_cache(maxsize=None)
def cleaned(doc_id: str) -> str:
    doc = next(d for d in load_manifest(CORPUS) if d.doc_id == doc_id)
    return clean_text(load_file(CORPUS / doc.source_file).text, doc_id)


# --- Justitie (excessief geweld): navigation, links, markup, drop cap ---------------------------

def test_link_run_menu_removed_but_inline_link_text_kept():
    raw = (
        "Voor een volledig overzicht van de weigeringsgronden zie [artikel 2:13 van het besluit politiegegevens](#).\n\n"
        "[Inleiding >](#)**Beroepsgeheim**[Stap 1 >](#)[Stap 2 >](#)[Stap 3 >](#)[Zorg- en\n"
        "hulpverleners](#)[Politie >](#)[Justitie >](#)[Gemeenten >](#)[Onderwijs-\n"
        "instellingen >](#)\n\n"
        "Afgeleid beroepsgeheim\n"
    )
    out = clean_text(raw, "excessief-geweld")
    assert "zie artikel 2:13 van het besluit politiegegevens." in out
    assert "](#)" not in out and "Politie >" not in out and "instellingen" not in out
    assert "Afgeleid beroepsgeheim" in out


def test_stacked_menu_and_footer_nav_removed():
    raw = (
        "Voor zorgverleners geldt het beroepsgeheim in sectorale wetgeving (Jeugdwet, Wet BIG, Wgbo, Wmo 2015).\n\n"
        "Inleiding\n\nBeroepsgeheim >\n\nStap 1 >\n\nStap 2 >\n\nStap 3 >\n\nZorg- en hulpverleners\n\n"
        "Politie >\n\nJustitie >\n\nGemeenten >\n\nOnderwijsinstellingen >\n\n\n\n"
        "Over de handreiking\n\n\n\nStappenplannen\n\n\n\nWettelijk kader\n\n\n\n"
        "Beroepsgeheim\n\nHet beroepsgeheim is de plicht om vertrouwelijke informatie niet te delen met derden.\n"
    )
    out = clean_text(raw, "excessief-geweld")
    lines = [line for line in out.splitlines() if line.strip()]
    assert lines == [
        "Voor zorgverleners geldt het beroepsgeheim in sectorale wetgeving (Jeugdwet, Wet BIG, Wgbo, Wmo 2015).",
        "Beroepsgeheim",
        "Het beroepsgeheim is de plicht om vertrouwelijke informatie niet te delen met derden.",
    ]


def test_tab_separated_menu_rows_removed():
    raw = (
        "Let op: uitgangspunt is toestemming\n\n"
        "Inleiding >\tBeroepsgeheim >\tStap 1 >\tStap 2\tStap 3 >\n"
        "Zorg- en hulpverleners\tPolitie >\tJustitie >\tGemeenten >\tOnderwijsinstellingen >\n\n"
        "Vraag altijd eerst toestemming aan de betrokkene.\n"
    )
    out = clean_text(raw, "excessief-geweld")
    assert ">" not in out
    assert "Let op: uitgangspunt is toestemming" in out and "Vraag altijd eerst toestemming" in out


def test_bold_markup_and_drop_cap():
    raw = (
        "Is het antwoord op beide vragen **JA**, vervolg het stappenplan.\n\n"
        "inds 25 mei 2018 geldt de AVG. In deze Europese verordening staan de regels beschreven.\n"
    )
    out = clean_text(raw, "excessief-geweld")
    assert "Is het antwoord op beide vragen JA, vervolg het stappenplan." in out
    assert "Sinds 25 mei 2018 geldt de AVG." in out and "**" not in out


def test_justitie_whole_document_has_no_menu_debris():
    out = cleaned("excessief-geweld")
    assert "](#)" not in out and "**" not in out
    assert not [line for line in out.splitlines() if line.rstrip().endswith(" >")]
    assert "Sinds 25 mei 2018 geldt de AVG" in out


# --- Veiligheidshuizen: footers, page numbers, footnotes, compound hyphens ----------------------

def test_page_footer_and_footnote_removed_and_sentence_rejoined():
    out = cleaned("veiligheidshuizen")
    assert "Niets uit deze tekst" not in out
    # "(High Impact ⏎⏎4 Landelijk kader ... ⏎⏎10 ⏎ ... Niets uit deze tekst ... ⏎ Crimes), zoals"
    assert "(High Impact Crimes), zoals woninginbraken" in ws(out)
    # "... aansprakelijk. Dat ⏎⏎14 Kamerstukken II ... ⏎15 Autoriteit ... ⏎ betekent dat"
    assert "hoofdelijk aansprakelijk. Dat betekent dat iedere convenantspartijen" in ws(out)
    assert "14 Kamerstukken II, 1997/98" not in out


def test_footnote_lines_do_not_survive_as_body():
    out = cleaned("veiligheidshuizen")
    assert "Kamerstukken II, 1997/98, 25 892, nr. 3, p. 58." not in out
    assert "Het Cbp stelt zich op het standpunt dat in de Jeugdwet" not in out  # footnote 81, 6 lines long


def test_glued_footnote_markers_removed():
    out = cleaned("veiligheidshuizen")
    assert "4.2.1 Bestuurlijke of gemeentelijke regie\n" in out and "regie48" not in out
    assert "casusregisseurs die het overleg voorzitten." in ws(out) and "voorzitten.5" not in out


def test_body_lines_starting_with_a_number_are_kept():
    # Wrapped sentence lines that start with a number are not footnotes.
    out = ws(cleaned("veiligheidshuizen"))
    assert "artikel 125 a lid 3 Ambtenarenwet en artikel 2:5 Algemene wet bestuursrecht" in out


def test_compound_hyphen_at_line_end_kept_in_veiligheidshuizen():
    raw = ("door de samenwerkingspartners is gekozen voor een gezamenlijke Wbp-\n"
           "verantwoordelijkheid, dan is de politie dus niet alleen ‘verantwoordelijke’ voor de \n")
    out = clean_text(raw, "veiligheidshuizen")
    assert "gezamenlijke Wbp-verantwoordelijkheid, dan is de politie" in out
    assert "‘verantwoordelijke’" in out  # curly quotes stay


def test_blank_line_inside_sentence_is_joined():
    raw = ("• mensen die te maken hebben met meerdere problemen (multiproblem) die op \n\n"
           "meer dan één leefgebied spelen en (naar verwachting) leiden tot crimineel en/of \n")
    out = clean_text(raw, "veiligheidshuizen")
    assert "(multiproblem) die op meer dan één leefgebied spelen" in out


# --- Toekomstscenario: running footer ----------------------------------------------------------

def test_running_footer_removed():
    raw = ("De vuistregels zijn bedoeld om professionals te ondersteunen.\n"
           "Handvat Samen aan de slag met het Toekomstscenario kind- en gezinsbescherming: Handreiking Zorgvuldig "
           "omgaan met persoonsgegevens versie 1.0 april 2023  - 15 - \n"
           "Samen keuzes maken over werkwijze en taken proeftuinteam\n")
    out = clean_text(raw, "toekomstscenario")
    assert "versie 1.0 april 2023" not in out
    assert "Samen keuzes maken over werkwijze en taken proeftuinteam" in out


def test_appendix_footnotes_with_restarted_numbering_removed():
    out = cleaned("toekomstscenario")
    # "... De vuistregels ⏎⏎4 Reclassering Nederland ... ⏎5 ... ⏎6 ... ⏎  zijn gericht op een goede"
    assert "De vuistregels zijn gericht op een goede samenwerking" in ws(out)
    assert "Stichting Verslavingsreclassering GGZ" not in out
    assert "• Ieders taken en rollen binnen het overleg zijn duidelijk." in out  # body after footnote 8 kept


def test_toekomstscenario_footer_gone_from_document():
    assert "- 15 -" not in cleaned("toekomstscenario")


# --- Aa en Hunze: private-use bullet -----------------------------------------------------------

def test_private_use_bullet_normalised():
    out = clean_text("\uf0b7 Subsidiariteit: wat is de minst ingrijpende maatregel?  \n", "aa-en-hunze")
    assert out.strip() == "• Subsidiariteit: wat is de minst ingrijpende maatregel?"
    assert "\uf0b7" not in cleaned("aa-en-hunze")


# --- Pettenvraagstuk: hyphenation dropped, U+FFFD, URL dumps, glued page numbers ---------------

def test_typographic_hyphen_dropped_but_real_hyphens_kept():
    raw = ("Wijkteams en het \npettenvraagstuk\n\n"
           "Wat zijn de meest voorkomende situaties waarin het petten-\n"
           "vraagstuk zich voordoet?Dat is wanneer de toeleiding naar  \n"
           "de Participatiewet kan een re-integratietraject verbonden zijn \n"
           "binnen het Toekomstscenario kind- en gezinsbescherming.\n")
    out = clean_text(raw, "pettenvraagstuk")
    assert "waarin het pettenvraagstuk zich voordoet? Dat is wanneer" in out
    assert "re-integratietraject" in out
    assert "kind- en gezinsbescherming" in out


def test_broken_words_in_the_pettenvraagstuk_document_are_joined():
    out = cleaned("pettenvraagstuk")
    # "hun eigen verant-⏎woordelijkheden", "geheimhoudings-⏎bepalingen", "het medisch beroeps-⏎geheim"
    assert "hun eigen verantwoordelijkheden" in ws(out)
    assert "geheimhoudingsbepalingen van toepassing" in ws(out)
    assert "re-integratietraject" in out and "Zorg- en Veiligheidshuizen" in ws(out)


def test_hyphen_kept_when_joined_word_is_unknown():
    raw = "Bij de Zorg- \nen Veiligheidshuizen en de multi-\nprobleemaanpak.\n"
    out = clean_text(raw, "pettenvraagstuk")
    assert "Zorg- en Veiligheidshuizen" in out
    assert "multi-probleemaanpak" in out  # "multiprobleemaanpak" occurs nowhere, so the hyphen stays


def test_replacement_character_removed():
    out = clean_text("4.\t\ufffd Privacy in het sociaal domein: wijkteams en  \n", "pettenvraagstuk")
    assert "\ufffd" not in out
    assert out.strip() == "4. Privacy in het sociaal domein: wijkteams en"
    assert "\ufffd" not in cleaned("pettenvraagstuk")


def test_url_only_lines_removed():
    raw = ("18 Zie Artikel 7.1.5.1 Jeugdwet.\n\n"
           "https://wetten.overheid.nl/BWBR0034925/2020-07-01/#Hoofdstuk7_Paragraaf7.1_Sub-paragraaf7.1.5_Artikel7.1.5.1\n"
           "https://wetten.overheid.nl/BWBR0035779/2019-08-01#Hoofdstuk7_Paragraaf7.1\n"
           " Het uitwisselen van informatie tussen professionals  \n")
    out = clean_text(raw, "pettenvraagstuk")
    assert "https://" not in out
    assert "Het uitwisselen van informatie tussen professionals" in out


def test_page_number_glued_to_footnote_removed():
    out = cleaned("pettenvraagstuk")
    assert "5 2 Zie art 7:446 BW." not in out
    assert "3 1 Zie voor de verschillende organisatiewijzen" not in out
    assert "Wet inzake de geneeskundige behandelingsovereenkomst." not in out.splitlines()


def test_duplicated_consecutive_lines_collapsed():
    raw = ("Taak Rol medewerker Gegevensverwerking\n\n"
           "Verstrekking van gegevens aan de toeleider gebeurt alleen met toestemming.\n"
           "Verstrekking van gegevens aan de toeleider gebeurt alleen met toestemming.\n")
    out = clean_text(raw, "pettenvraagstuk")
    assert out.count("Verstrekking van gegevens aan de toeleider") == 1


# --- Guard against over-cleaning: every seed key phrase survives ------------------------------

@pytest.mark.parametrize("case", seed_retrieval_cases(), ids=lambda c: c["id"])
def test_seed_key_phrases_survive_cleaning(case):
    text = ws(cleaned(case["doc"]))
    missing = [k for k in case["key_phrases"] if ws(k) not in text]
    assert not missing, f"{case['doc']}: {missing}"


def test_cleaning_keeps_original_characters():
    out = cleaned("veiligheidshuizen")
    assert "‘" in out and "’" in out and "cliënt" in out
