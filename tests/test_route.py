"""Routing: sharing-decision questions and the asker's role (the engine maps rol -> plan)."""

from __future__ import annotations

import pytest

from deelwijzer.route import asks_about_rules, detect_rol, is_sharing_question, split_self_description


@pytest.mark.parametrize(
    "question",
    [
        "Mag ik zonder toestemming een vermoeden van kindermishandeling melden bij Veilig Thuis?",
        "Moet ik de gegevens verstrekken aan de gecertificeerde instelling?",
        "Mag het OM een reclasseringsrapport aan de gemeente geven?",
        "Als medewerker openbare orde wil ik de politie informeren over een dreigende confrontatie. Mag dat?",
        "Kan ik dit doorgeven aan de wijkagent?",
        "Ben ik verplicht om dit te melden?",
    ],
)
def test_sharing_questions(question):
    assert is_sharing_question(question)


@pytest.mark.parametrize(
    "question",
    [
        "Wat is het verschil tussen drang en dwang?",
        "Wat betekent subsidiariteit?",
        "Welke partners zitten in het Veiligheidshuis?",
    ],
)
def test_not_sharing_questions(question):
    assert not is_sharing_question(question)


@pytest.mark.parametrize(
    "question, rol",
    [
        ("Ik ben wijkteammedewerker. Mag ik melden bij Veilig Thuis?", "zorg_hulpverlener"),
        ("Als huisarts wil ik weten of ik mag delen.", "zorg_hulpverlener"),
        ("Ik werk als jeugdhulpverlener bij een GGZ-instelling.", "zorg_hulpverlener"),
        ("Ik ben hulpverlener in dienst van de gemeente. Mag ik dit delen?", "gemeente_hulpverlener"),
        ("Ik ben politieagent. Mag ik dit verstrekken?", "bevoegde_autoriteit"),
        ("Ik ben boa in dienst van de gemeente.", "gemeente_boa"),
        ("Als officier van justitie wil ik een instelling informeren.", "om"),
        ("Mag het OM een reclasseringsrapport aan de gemeente geven?", "om"),
        ("Als medewerker openbare orde wil ik de politie informeren.", "gemeente_openbare_orde"),
        ("Ik ben leraar op een basisschool. Mag ik dit bespreken?", "onderwijs"),
        ("Mag ik deze gegevens delen?", None),
    ],
)
def test_detect_rol(question, rol):
    assert detect_rol(question) == rol


def test_recipient_is_not_mistaken_for_the_asker():
    # "de politie" is where the data go; the asker introduced themselves as school staff.
    assert detect_rol("Ik ben docent, mag ik dit aan de politie melden?") == "onderwijs"


@pytest.mark.parametrize(
    ("question", "intro"),
    [
        ("Ik ben procesregisseur in het Veiligheidshuis. Hoe vraag ik iets op bij de huisarts?",
         "Ik ben procesregisseur in het Veiligheidshuis."),
        ("Wij werken bij Veilig Thuis. Welke termijnen gelden?", "Wij werken bij Veilig Thuis."),
        # No separate question after it, or no self-description at the start: nothing split off.
        ("Ik ben leraar en wil weten of ik mag delen?", ""),
        ("Mag de politie gegevens delen? Ik ben wijkagent.", ""),
    ],
)
def test_split_self_description(question, intro):
    got_intro, rest = split_self_description(question)
    assert got_intro == intro
    assert (rest == question) if not intro else (question.startswith(intro) and rest == question[len(intro):].lstrip())


@pytest.mark.parametrize(
    "question, about_rules",
    [
        ("Welke procedure moeten we volgen?", True),
        ("hoe lang mag Veilig Thuis na een melding info verzamelen zonder toestemming?", True),
        ("Een collega zegt dat we alles mogen delen. Klopt dat?", True),
        ("Op welke AVG-grondslag kan ik persoonsgegevens delen om escalatie te voorkomen?", True),
        ("Mag ik gegevens delen met de politie?", False),
        ("Wat mag ik de corporatie wel vertellen?", False),
        ("Welke informatie komt daarin te staan, en mag ik daarna vrij praten met de andere melders?", False),
        ("Hoeveel mag ik daarbij vertellen? Mag ik ook iets zeggen over zijn diagnose?", False),
        ("De politie vraagt om het adres van een cliënt.", False),
    ],
)
def test_asks_about_rules(question, about_rules):
    assert asks_about_rules(question) is about_rules
