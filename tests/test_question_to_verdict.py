"""Issue 15: from a question to a verdict. Routing, facts (stated and assumed), the interview, and
the dialogue evaluation. Real rules engine; retrieval is a fake that says "not in the handvatten"
so the tests also show a sharing question is never refused for weak lexical evidence."""

from __future__ import annotations

import pytest
from answer_fakes import FakeRetriever, FakeServices

from deelwijzer import ui_support as ui
from deelwijzer.answer import EngineRules, ask
from deelwijzer.config import Settings
from deelwijzer.facts import describe_assumptions, extract
from deelwijzer.route import implied_rol, is_sharing_question

EXAMPLE_CONSULT = ("Een cliënt heeft mij tijdens het consult bedreigd en geslagen. Mag ik aangifte doen en daarbij "
                   "zijn naam en adres aan de politie geven?")
EXAMPLE_HUISARTS = ("Ik ben huisarts. De politie vraagt of een patiënt van mij gisteren op het spreekuur was. "
                    "Mag ik dat vertellen?")
EXAMPLE_LEERKRACHT = ("Ik ben leerkracht. Mag ik zonder toestemming van de ouders zorgen over een leerling delen "
                      "met Veilig Thuis?")


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path)


def _ask(question, settings, facts=None):
    return ask(question, settings, facts=facts, services=FakeServices(retriever=FakeRetriever(relevant=False), rules=EngineRules(settings)))


def test_example_consult_reaches_the_verdict_without_asking_the_role(settings):
    answer = _ask(EXAMPLE_CONSULT, settings)
    assert not answer.refused
    assert answer.verdict.outcome == "mag_delen" and answer.verdict.beslissende_stap == "zorg.1"
    assert answer.assumed["rol"] == "zorg_hulpverlener"  # implied by "tijdens het consult", shown as such
    assert "Aangenomen uit uw vraag" in answer.answer


def test_example_huisarts_is_answered_with_one_sensible_question(settings):
    answer = _ask(EXAMPLE_HUISARTS, settings)
    assert not answer.refused and answer.plan == "zorg"
    v = answer.verdict
    assert v.outcome == "meer_informatie_nodig" and v.vraag.fact == "toestemming"
    assert answer.facts["ontvanger"] == "politie"
    assert answer.assumed["wil_aangifte_doen"] is False  # the police ask: no aangifte
    # answering it reaches the zorg plan's grounds, never the role or the aangifte again
    nxt = _ask(EXAMPLE_HUISARTS, settings, facts={"toestemming": False})
    assert nxt.verdict.vraag is None or nxt.verdict.vraag.fact not in {"rol", "strafbaar_feit", "ontvanger"}


def test_weet_ik_niet_through_ask_moves_to_the_next_ground(settings):
    """`--facts {"toestemming": "onbekend"}`: consent stays unknown (never an assumption), and the
    engine asks a later question instead of consent again."""
    answer = _ask(EXAMPLE_HUISARTS, settings, facts={"toestemming": "onbekend"})
    assert "toestemming" not in answer.facts
    assert answer.verdict.outcome == "meer_informatie_nodig" and answer.verdict.vraag.fact != "toestemming"


def test_example_leerkracht_does_not_ask_about_identifiability(settings):
    answer = _ask(EXAMPLE_LEERKRACHT, settings)
    assert not answer.refused and answer.plan == "onderwijs"
    assert answer.facts["ontvanger"] == "veilig_thuis" and answer.facts["toestemming_ouder"] is False
    assert answer.verdict.vraag.fact not in {"is_persoonsgegeven", "rol", "ontvanger"}


def test_sharing_question_without_a_role_asks_the_role_never_null(settings):
    answer = _ask("Mag ik dat aan de woningcorporatie doorgeven?", settings)
    assert not answer.refused
    assert answer.verdict.outcome == "meer_informatie_nodig" and answer.verdict.vraag.fact == "rol"
    assert answer.to_dict()["verdict"]["vraag"]["fact"] == "rol"


@pytest.mark.parametrize("question", [
    "Mag ik de wijkagent op de hoogte brengen van wat ik heb gezien?",
    "Moet ik meewerken aan het verzoek van de recherche?",
    "Mogen wij de namen doorspelen aan de woningcorporatie?",
    "Mag ik hierover contact opnemen met Veilig Thuis?",
    "Hoe zit het met het doorgeven van een adres aan de boa?",
    "Ik ben wijkverpleegkundige. Mag ik de huisarts terugkoppelen wat ik zag?",
    "Welk stappenplan volg ik als ik gegevens over een overlastgever wil delen?",
    # separable verbs ("in te lichten") and other ways of passing data on
    "Mag ik de politie te woord staan over een leerling?",
    "Mag ik de camerabeelden afgeven aan de politie?",
    "Mag ik deze jongere aanmelden bij de Verwijsindex?",
    "Mag ik het rapport toesturen aan de officier van justitie?",
    "Is het toegestaan om de huisarts op de hoogte te stellen?",
    "Mag ik het leerlingdossier meesturen naar de nieuwe school?",
    "Mag ik de casus inbrengen in het Zorg- en Veiligheidshuis?",
    "Mag ik de school benaderen over deze leerling?",
    "Ben ik verplicht de politie in te lichten?",
    "Kan ik het dossier laten inzien door de politie?",
    "Mag ik het verslag van het gesprek aan de rechercheur overhandigen?",
    "Mag ik informatie verschaffen aan de burgemeester?",
    "Mag ik een verklaring afleggen bij de politie over mijn patiënt?",
])
def test_sharing_questions_in_professional_wording(question):
    assert is_sharing_question(question)


@pytest.mark.parametrize("question", [
    "Ik ben GGZ-behandelaar. Een cliënt van mij is overleden en zijn kinderen willen inzage in zijn dossier. Mag ik dat geven?",
    "Ik ben leerplichtambtenaar. Kan ik gegevens over in- en uitschrijvingen rechtstreeks opvragen bij DUO?",
    "Mag een verzekeraar mijn medische gegevens opvragen voor een levensverzekering?",
    "Wat is een conflict van plichten?",
])
def test_not_a_decision_to_pass_data_on(question):
    assert not is_sharing_question(question)


def test_explicit_facts_win_over_stated_and_assumed(settings):
    answer = _ask(EXAMPLE_CONSULT, settings, facts={"rol": "onderwijs", "aangifte_alleen_naw": False})
    assert answer.facts["rol"] == "onderwijs" and "rol" not in answer.assumed
    assert answer.facts["aangifte_alleen_naw"] is False


def test_stated_and_assumed_are_kept_apart():
    got = extract(EXAMPLE_CONSULT)
    assert got.stated["strafbaar_feit"] == "binnen_hulpverlening" and got.stated["ontvanger"] == "politie"
    assert got.stated["wil_aangifte_doen"] is True and got.stated["aangifte_alleen_naw"] is True
    assert "rol" not in got.stated and got.assumed["rol"] == "zorg_hulpverlener"
    assert not set(got.stated) & set(got.assumed)


def test_the_role_the_user_gave_decides_how_an_offence_is_named():
    q = "Hij had een vuurwapen bij zich. Mag ik dat aan de politie melden?"
    assert extract(q, {"rol": "onderwijs"}).stated["strafbaar_feit"] == "geconstateerd"
    assert extract(q, {"rol": "zorg_hulpverlener"}).stated["strafbaar_feit"] == "buiten_hulpverlening"


def test_implied_roles():
    assert implied_rol("Tijdens het spreekuur vertelde een patiënt iets. Mag ik dat melden?") == "zorg_hulpverlener"
    assert implied_rol("Een leerling van mij vertelde iets. Mag ik dat delen?") == "onderwijs"
    # the recipient is a school, so the asker is not; a suspect alone is too weak a cue for "police": ask
    assert implied_rol("Mag ik de school laten weten dat een leerling verdachte is?") is None
    assert implied_rol("Mag ik de naam van een 15-jarige verdachte aan Halt geven?") == "bevoegde_autoriteit"
    assert implied_rol("Mag ik dat delen?") is None


def test_assumptions_are_described_in_dutch():
    text = describe_assumptions({"wil_aangifte_doen": False, "rol": "zorg_hulpverlener"})
    assert "u doet geen aangifte" in text and "zorg hulpverlener" in text


def test_every_described_option_has_a_button():
    from deelwijzer.rules import load_rules

    rs = load_rules(Settings().rules_dir)
    for plan in ("zorg", "gemeenten", "onderwijs"):
        q = rs.facts["strafbaar_feit"].as_question(plan)
        lines = ui.help_lines(q.help, q.options)
        labels = {ui.option_label(o) for o in ui.question_options(q)}
        described = {line.split(":")[0] for line in lines}
        assert described <= labels, (plan, described - labels)


def test_assumption_choices_offer_every_other_option():
    choices = ui.assumption_choices("geen", ("geen", "binnen_hulpverlening", "buiten_hulpverlening"))
    assert [new for _, new in choices] == ["binnen_hulpverlening", "buiten_hulpverlening", None]
    assert ui.assumption_choices(True) == [("Nee, dat klopt niet", False)]
    assert ui.assumption_choices(12) == [(ui.ASK_ME, None)]


def test_assumption_change_is_one_click():
    assert ui.assumption_change(True) == ("Nee, dat klopt niet", False)
    assert ui.assumption_change(False)[1] is True
    assert ui.assumption_change("zorg_hulpverlener")[1] is None


def test_summary_question_offered_beside_a_sub_question():
    from deelwijzer.rules import load_rules
    from deelwijzer.rules.session import summary_facts

    rs = load_rules(Settings().rules_dir)
    assert "conflict_van_plichten" in summary_facts(rs, "gewetensnood", "zorg")
    assert summary_facts(rs, "gewetensnood", "zorg", {"conflict_van_plichten": False}) == []


def test_a_role_the_stappenplannen_do_not_map_is_asked_not_assumed(settings):
    """Issue 13, round 3: "reclasseringswerker" maps to no role; the situation ("mijn cliënt") must not
    make the asker a zorg- of hulpverlener: the answer says the stappenplan needs the role."""
    answer = _ask("Ik ben reclasseringswerker. Mag ik over mijn cliënt informatie delen met de politie?", settings)
    assert answer.verdict.outcome == "meer_informatie_nodig" and answer.verdict.vraag.fact == "rol"
    assert "rol" not in answer.facts and not answer.assumed
    assert "is uw rol nodig" in answer.answer and "Aangenomen" not in answer.answer
    mapped = _ask("Ik ben huisarts. Mag ik over mijn cliënt informatie delen met de politie?", settings)
    assert mapped.facts["rol"] == "zorg_hulpverlener"
