"""Issue 15, failure classes of outside-written sharing questions (own invented examples, not from any
eval set): sharing questions in every wording are routed to the engine, consent is read with its
polarity (a wrong "yes" would be more permissive than the question allows), and what the situation
implies becomes a shown assumption rather than a question."""

from __future__ import annotations

import pytest

from deelwijzer.facts import describe_assumptions, extract
from deelwijzer.route import detect_rol, implied_rol


@pytest.mark.parametrize("question, expected", [
    ("Heb ik toestemming van de ouders nodig om dit te delen met de jeugdarts?", None),
    ("Moet ik eerst toestemming vragen aan de cliënt voordat ik de huisarts inlicht?", None),
    ("Mag ik dit delen als de cliënt toestemming geeft?", None),
    ("Is toestemming nodig om te melden bij Veilig Thuis?", None),
    ("Mijn patiënt wil niet dat ik iets doorgeef. Mag ik de politie inlichten?", False),
    ("De moeder weigert toestemming. Mag ik de school informeren?", False),
    ("Hij heeft zijn toestemming ingetrokken. Mag ik het toch delen?", False),
    ("De cliënt gaat niet akkoord. Mag ik de huisarts inlichten?", False),
    ("De jongere vindt het niet goed. Mag ik het wijkteam inlichten?", False),
    ("Mag ik buiten medeweten van de cliënt de huisarts bellen?", False),
    ("Zonder dat zij het weet, mag ik de huisarts bellen?", False),
    ("De cliënt heeft mondeling toestemming gegeven. Mag ik het wijkteam informeren?", True),
    ("De cliënt gaat akkoord. Mag ik de huisarts inlichten?", True),
    ("De jongere vindt het goed dat ik het wijkteam inlicht. Mag ik dat?", True),
])
def test_consent_polarity(question, expected):
    stated = extract(question).stated
    assert stated.get("toestemming", stated.get("toestemming_ouder")) is expected


@pytest.mark.parametrize("question, fact, value", [
    ("Ouders stemmen in met het delen. Mag ik het met de jeugdarts delen?", "toestemming_ouder", True),
    ("De ouders weten hier niets van. Mag ik Veilig Thuis bellen?", "toestemming_ouder", False),
])
def test_parents_consent_is_its_own_fact(question, fact, value):
    assert extract(question).stated[fact] is value


def test_role_named_as_a_multiword_subject():
    assert detect_rol("Mag de officier van justitie de burgemeester informeren?") == "om"
    # police data shared by someone else: the police is not the asker
    assert detect_rol("Mag de gemeente politie-informatie doorgeven aan de woningcorporatie?") is None


def test_roles_implied_by_the_situation():
    assert implied_rol("Een 14-jarige leerling vertelde me iets. Mag ik dat melden?") == "onderwijs"
    assert implied_rol("Mag ik de school informeren over de behandeling van haar zoon?") == "zorg_hulpverlener"


@pytest.mark.parametrize("question", [
    "Tijdens mijn spreekuur vertelde een vrouw dat haar man haar slaat. Mag ik Veilig Thuis inlichten?",
    "Een leerling vertelde dat hij thuis wordt geslagen. Mag ik Veilig Thuis bellen?",
    "Ik zie blauwe plekken bij een peuter. Mag ik dat doorgeven aan Veilig Thuis?",
])
def test_suspicion_of_domestic_violence_in_plain_words(question):
    assert extract(question).stated["vermoeden_kindermishandeling_huiselijk_geweld"] is True


def test_meldpunt_recipient_implies_its_meldrecht_as_an_assumption():
    got = extract("Ik ben huisarts. Mag ik Veilig Thuis inlichten over een gezin?")
    assert got.stated["ontvanger"] == "veilig_thuis" and got.assumed["meldrecht"] == "veilig_thuis"
    assert "meldrecht bij Veilig Thuis" in describe_assumptions(got.assumed)


def test_recipient_with_an_adverb_and_a_request_from_an_official():
    assert extract("Ik ben huisarts. Mag ik de school toch informeren?").stated["ontvanger"] == "school"
    got = extract("De wethouder wil van ons de namen van gezinnen. Wij zijn het wijkteam. Mogen wij die geven?")
    assert got.stated["ontvanger"] == "college_b_en_w" and got.assumed["wil_aangifte_doen"] is False


def test_concrete_threat_is_serious_harm():
    got = extract("Een patiënt dreigt zijn ex-vrouw vanavond dood te steken. Mag ik de politie bellen?")
    assert got.stated["ernstige_schade_waarschijnlijk"] is True


def test_violence_against_staff_is_an_observed_offence_for_a_school():
    got = extract("Een leerling heeft een leraar geslagen. Mogen wij aangifte doen?")
    assert got.assumed["rol"] == "onderwijs" and got.stated["strafbaar_feit"] == "geconstateerd"


def test_school_year_gives_an_age_assumption_only_below_twelve():
    assert extract("Mag ik over een leerling in groep 7 de jeugdarts informeren?").assumed["leeftijd_betrokkene"] == 10
    assert "leeftijd_betrokkene" not in extract("Mag ik over een leerling in groep 8 de jeugdarts informeren?").assumed
    # a stated age always wins over the implied one
    got = extract("Mag ik over een leerling van 11 in groep 5 de jeugdarts informeren?")
    assert got.stated["leeftijd_betrokkene"] == 11 and "leeftijd_betrokkene" not in got.assumed


def test_police_data_shared_by_a_school_come_from_the_police():
    got = extract("Ik ben leerkracht. Mag ik politie-informatie over een leerling delen met de mentor?")
    assert got.assumed["herkomst_gegevens"] == "wpg"


def test_generic_job_titles_do_not_make_a_school():
    assert detect_rol("Ik ben teamleider handhaving bij de gemeente. Mag ik dit delen?") == "gemeente_boa"


@pytest.mark.parametrize("question", [
    "Een jongere uit mijn caseload heeft een wapen. Mag ik de politie bellen?",
    "De Raad voor de Kinderbescherming vraagt informatie over een gezin dat ik begeleid. Moet ik die geven?",
    "Een moeder vertelt tijdens een huisbezoek dat haar partner haar bedreigt. Mag ik dat aan Veilig Thuis melden?",
    "Een 15-jarige vertelt in de behandeling dat hij een winkel heeft overvallen. Mag ik aangifte doen?",
])
def test_care_work_implies_the_care_role(question):
    assert implied_rol(question) == "zorg_hulpverlener"


def test_a_pupils_refusal_with_the_age_between():
    got = extract("Mijn leerling van 17 wil niet dat ik zijn ouders vertel dat hij drugs gebruikt. Mag ik het toch?")
    assert got.stated["toestemming"] is False and got.stated["leeftijd_betrokkene"] == 17


@pytest.mark.parametrize("question, ontvanger", [
    ("Mag de politie het dossier van mijn cliënt inzien?", "politie"),
    ("Mag de officier van justitie het medisch dossier van mijn patiënt hebben?", "openbaar_ministerie"),
    ("Mag Veilig Thuis informatie over een leerling van mij krijgen?", "veilig_thuis"),
])
def test_a_party_receiving_data_the_asker_holds_is_the_recipient(question, ontvanger):
    from deelwijzer.route import is_sharing_question

    assert is_sharing_question(question)
    got = extract(question)
    assert got.stated["ontvanger"] == ontvanger and got.stated.get("rol") is None


def test_own_organisation_in_a_self_description_is_not_the_recipient():
    got = extract("Ik ben handhaver bij de gemeente. De politie vraagt mijn aantekeningen op. Moet ik die geven?")
    assert got.stated["ontvanger"] == "politie" and got.stated["rol"] == "gemeente_boa"
    got = extract("Een wethouder vraagt ons bij het OM om een uittreksel. Mogen wij dat verstrekken?")
    assert got.stated["rol"] == "om" and got.stated.get("ontvanger") != "openbaar_ministerie"


def test_om_as_a_preposition_is_not_the_openbaar_ministerie():
    got = extract("Moet ik de moeder om toestemming vragen voordat ik de wijkagent inschakel?")
    assert got.stated["ontvanger"] == "politie"


def test_police_data_from_police_work_are_assumed_processed_for_the_police_task():
    got = extract("Ik ben agent. We hebben een jongen twee keer aangehouden. Mag ik zijn school inlichten?")
    assert got.assumed["verwerkt_voor_politietaak"] is True and got.stated["wpg_artikel"] == 8


@pytest.mark.parametrize("question, fact, value", [
    ("Ik ben medewerker openbare orde. Mag ik informatie die ik van de politie kreeg doorgeven?", "herkomst_gegevens", "wpg"),
    # the party acting is not the recipient
    ("De burgemeester wil de corporatie over een huurder informeren. Ik werk bij openbare orde. Kan dat?", "ontvanger",
     "woningcorporatie"),
    ("Wij hebben met de GGD een convenant. Mag ik als agent de GGD inlichten?", "convenant_gesloten", True),
    ("Hebben we een convenant nodig om de GGD in te lichten?", "convenant_gesloten", None),
    ("Ik ben agent. Er is geen concrete dreiging. Mag ik de school inlichten?", "zwaarwegend_algemeen_belang", False),
    # for the OM the weighty interest is the purpose of the provision, not the acuteness of a threat
    ("Ik ben officier van justitie. Er is geen concrete dreiging. Mag ik de gemeente inlichten?",
     "zwaarwegend_algemeen_belang", None),
    ("Ik ben agent. Mag ik de namen delen in het casusoverleg?", "ontvanger", "overig"),
    ("Als officier van justitie in het Veiligheidshuis wil ik de gemeente vragen te helpen. Mag ik vertellen wat ik weet?",
     "ontvanger", "gemeente"),
    ("De ouders van een leerling van 12 vinden het goed dat ik dit deel. Mag ik de jeugdarts inlichten?",
     "toestemming_ouder", True),
    ("Ik ben leerkracht. Hij weet er zelf nog niets van. Mag ik de jeugdarts inlichten?", "toestemming_leerling", False),
    ("Ik ben medewerker openbare orde. Een collega van afdeling Zorg van de gemeente wil ons dossier voor de Wmo. Mag dat?",
     "doel_verenigbaar", False),
    ("Voor de zekerheid wil ik de hele lijst naar de politie sturen. Mag dat?", "is_noodzakelijk", False),
    ("Ik ben leerkracht. Het conflict speelt buiten school. Mag ik de andere school inlichten?", "taak_algemeen_belang", False),
    ("Ik ben officier van justitie. Het besluit valt over een paar weken. Mag ik de gemeente informeren?",
     "acute_noodzaak", False),
    ("Ik ben jeugdhulpverlener. De gecertificeerde instelling vraagt om informatie en legt uit waarom. Moet ik die geven?",
     "verzoek_gi_onderbouwd", True),
    ("Ik ben psycholoog. Als ik haar om toestemming vraag, loopt ze weg. Mag ik de politie bellen?",
     "toestemming_gevraagd_of_onveilig", True),
    ("Zij wil echt niet dat ik iets doorgeef. Mag ik het wijkteam toch inlichten?", "toestemming", False),
    ("Mag ik als wijkagent een minderjarige naar Halt verwijzen en zijn naam doorgeven?", "verstrekkingsdoel",
     "alternatieve_afdoening_minderjarige"),
])
def test_facts_professionals_state_in_passing(question, fact, value):
    assert extract(question).stated.get(fact) == value


def test_a_mentioned_beroepsgeheim_is_never_assumed_away():
    got = extract("Ik ben mentor. De hulpverlener beroept zich op zijn beroepsgeheim. Mag die niets met mij delen?")
    assert "beroepsgeheim" not in got.assumed


def test_question_facts_contradicting_the_users_answers_give_way(tmp_path):
    from answer_fakes import FakeRetriever, FakeServices

    from deelwijzer.answer import EngineRules, ask
    from deelwijzer.config import Settings

    settings = Settings(data_dir=tmp_path)
    q = "Ik werk als analist bij de gemeente. Mag ik dit aan de politie doorgeven?"
    answer = ask(q, settings, facts={"rol": "gemeente_boa"},
                 services=FakeServices(retriever=FakeRetriever(relevant=False), rules=EngineRules(settings)))
    assert answer.facts["rol"] == "gemeente_boa" and answer.facts.get("werkt_bij_bevoegde_autoriteit") is not False


# ---- issue 15, round 2: general rules (negation scope, who asks whom, determiners, own knowledge) ----

@pytest.mark.parametrize("question, fact, value", [
    # a party that is the subject of a request in the same clause is the recipient, also with words between
    ("Ik ben doktersassistente. Een agent aan de telefoon vraagt of meneer X bij ons patiënt is. Mag ik dat zeggen?",
     "ontvanger", "politie"),
    ("De burgemeester wil een maatregel nemen en vraagt ons om informatie uit het strafdossier. Mag dat?",
     "ontvanger", "burgemeester"),
    # ... with the verb first
    ("Ik werk bij de politie. Voor een gebiedsverbod wil de burgemeester weten of hij eerder betrokken was. Mag dat?",
     "ontvanger", "burgemeester"),
    # the organisation behind a person ("de directeur van een mbo-school") and a compound ("buurtpreventie-app")
    ("Mag ik de directeur van een mbo-school vertellen dat een student verdacht wordt?", "ontvanger", "school"),
    ("Mag ik de buurtpreventie-app laten weten welke jongeren wij verdenken?", "ontvanger", "buurtpreventieteam"),
    # a determiner of any kind before the file
    ("Ik ben officier van justitie. Het gaat om gegevens uit ons strafdossier. Mag ik de behandelaar informeren?",
     "in_strafdossier_of_om_systeem", True),
    ("Mag ik als parketmedewerker strafvorderlijke info over een verdachte naar het wijkteam mailen?",
     "categorie_wjsg", "strafvorderlijk"),
    ("Wijkagent hier. Dat staat in onze registratie (gewone meldingen). Mag ik de school inlichten?", "wpg_artikel", 8),
])
def test_round2_general_rules(question, fact, value):
    assert extract(question).stated.get(fact) == value


def test_a_negated_phrase_is_not_stated():
    """Negation scope: "geen rechercheonderzoek" does not state art. 9 data."""
    facts = extract("Wijkagent hier. Het staat in onze systemen, geen rechercheonderzoek. Mag ik de school inlichten?").stated
    assert facts.get("wpg_artikel") != 9


def test_a_request_by_the_asker_is_not_a_request_by_the_party():
    q = "Als officier van justitie in het Veiligheidshuis wil ik de gemeente vragen te helpen. Mag ik vertellen wat ik weet?"
    assert extract(q).stated.get("ontvanger") == "gemeente"


def test_spoken_self_introduction_names_the_role():
    from deelwijzer.route import detect_rol
    assert detect_rol("Rechercheur hier. Mag ik dit delen met het Zorg- en Veiligheidshuis?") == "bevoegde_autoriteit"


def test_own_unit_and_om_verbs_imply_the_role():
    from deelwijzer.route import implied_rol
    assert implied_rol("Een jongen uit mijn jongerenwerk-groep dreigt iemand te pakken. Moet ik dit melden?") == "zorg_hulpverlener"
    assert implied_rol("De directeur vraagt ernaar; er is nog niet besloten of we vervolgen. Mag ik dat vertellen?") == "om"
    # the mayor who asks for data is not the asker's own side: no gemeente role from "gebiedsverbod"
    assert implied_rol("Voor een gebiedsverbod wil de burgemeester weten of hij eerder betrokken was. Mag dat?") is None


def test_gemeente_origin_of_data_is_assumed_only_when_the_asker_says_it_is_own():
    own = extract("Als medewerker openbare orde heb ik een dossier bijgehouden over een jongere. Mag dat naar het sociaal domein?")
    assert own.assumed.get("herkomst_gegevens") == "eigen"
    unclear = extract("Als medewerker openbare orde wil ik de politie de namen van twaalf jongeren sturen. Mag dat?")
    assert "herkomst_gegevens" not in unclear.assumed and "herkomst_gegevens" not in unclear.stated


def test_apposition_and_object_do_not_change_the_role():
    from deelwijzer.route import detect_rol
    assert detect_rol("Ik werk als jeugdconsulent in het sociaal wijkteam, in dienst van de gemeente. Mag ik dit delen?") \
        == "gemeente_hulpverlener"
    # "de politie bellen" names the recipient, not the asker
    assert detect_rol("Mag ik als teamleider de politie bellen zonder toestemming van zijn ouders?") != "bevoegde_autoriteit"


def test_a_hulpverlener_in_another_plan_is_assumed_to_have_a_beroepsgeheim():
    e = extract("Ik ben schoolmaatschappelijk werker op een vmbo. Mag ik zorgen over een leerling met de politie delen?",
                {"plan": "onderwijs"})
    assert e.assumed.get("beroepsgeheim") is True


# Round 3 (issue 15): failure classes of dev + dev2, each with own invented wording.
@pytest.mark.parametrize("question, fact, value", [
    # first-person object "me" as well as "mij"
    ("Een cliënt heeft me gisteren geslagen. Mag ik als wijkverpleegkundige aangifte doen?", "strafbaar_feit", "binnen_hulpverlening"),
    # a shown weapon plus a threat with a time in the next hours or days: acute danger
    ("Mijn cliënt toonde een mes en zei dat hij morgen zijn buurman wat aandoet. Mag ik als psycholoog de politie bellen?",
     "ernstige_schade_waarschijnlijk", True),
    # every consent verb for the pupil's own consent
    ("Mijn leerling van 15 gaat ermee akkoord dat ik de jeugdarts inlicht. Mag dat?", "toestemming_leerling", True),
    # told why and what follows, then consent: informed consent
    ("Ik heb mijn cliënt uitgelegd waarom ik de huisarts wil bellen en wat de gevolgen zijn, en hij gaat akkoord. "
     "Mag ik als maatschappelijk werker bellen?", "toestemming_geinformeerd", True),
    # a mandate stated or denied
    ("Ik ben parketsecretaris met een ondermandaat. Mag ik dit aan de reclassering geven?", "bevoegd_te_verstrekken", True),
    ("Als OM-jurist heb ik geen mandaat. Mag ik dit aan de gemeente geven?", "bevoegd_te_verstrekken", False),
    # a summons is a prosecution; "nog niet besloten of we ... vervolgen" with words between
    ("Ik ben officier van justitie. De verdachte is gedagvaard. Mag ik de reclassering informeren?", "zaak_afloop",
     "vervolging_ingesteld"),
    ("Ik ben officier van justitie en we hebben nog niet besloten of we hem vervolgen. Mag ik de gemeente informeren?",
     "zaak_afloop", "geen_vervolgingsbeslissing"),
    # no hurry: neither acute nor urgent
    ("Ik ben officier van justitie. Er is geen haast bij. Mag ik het strafblad naar de gemeente sturen?", "acute_noodzaak", False),
    # nothing criminal runs against the person
    ("Ik ben officier van justitie. Er loopt niets strafrechtelijks tegen het meisje. Mag ik de school inlichten?",
     "in_strafdossier_of_om_systeem", False),
    # a Wjsg category names data the OM holds
    ("Ik ben officier van justitie. Mag ik strafvorderlijke gegevens aan de burgemeester geven?",
     "in_strafdossier_of_om_systeem", True),
    # verb-final word order of "we hebben een convenant"
    ("Ik ben wijkagent. Mag ik het overzicht delen met de woningcorporatie, waarmee wij een convenant hebben?",
     "convenant_gesloten", True),
    # the retention period, stated and denied
    ("Ik ben wijkagent. De bewaartermijn van de registratie is verlopen. Mag ik die aan de burgemeester geven?",
     "bewaartermijn_verstreken", True),
    ("Ik ben wijkagent. De bewaartermijn is nog niet verstreken. Mag ik de registratie aan de burgemeester geven?",
     "bewaartermijn_verstreken", False),
    # the requesting party wants the data for its own case
    ("Ik werk bij de politie. De boa wil het adres voor zijn eigen onderzoek. Moet ik het geven?", "ontvanger_behoeft_voor_taak", True),
    # the recipient has no basis of its own
    ("Ik ben medewerker openbare orde. Er is geen wettelijke grondslag waarop de woningcorporatie dit mag gebruiken. "
     "Mag ik het toch doorsturen?", "ontvanger_heeft_grondslag", False),
    # a purpose clause naming help to the victim
    ("Ik ben officier van justitie. Mag ik de naam doorgeven aan Slachtofferhulp, zodat zij het slachtoffer kunnen "
     "ondersteunen?", "verstrekkingsdoel", "hulp_aan_slachtoffers"),
    # it does not happen at school
    ("Ik ben mentor. Op school speelt het niet. Mag ik de andere school inlichten?", "taak_algemeen_belang", False),
    # a bevel with an adjective
    ("Ik ben leerkracht. De politie heeft ons een schriftelijke vordering gestuurd. Mag ik het adres geven?",
     "wettelijke_plicht", True),
])
def test_round3_failure_classes(question, fact, value):
    assert extract(question).stated.get(fact) == value, extract(question).stated


@pytest.mark.parametrize("question, ontvanger", [
    # "de instelling" refers back to the compound named before it
    ("Het slachtoffer woont in een jeugdzorginstelling. Ik ben officier van justitie en wil de instelling waarschuwen. Mag dat?",
     "zorg_hulpverlener"),
    # a party that wants to take a measure is the one the asker delivers to
    ("Ik ben wijkagent. De burgemeester overweegt een sluiting van het pand. Moet ik onze mutaties aanleveren?", "burgemeester"),
])
def test_round3_recipient_classes(question, ontvanger):
    assert extract(question).stated.get("ontvanger") == ontvanger


def test_telegraphic_sentence_start_reads_the_bare_noun():
    # "Leerling (16) had ..." without article implies the school, as "Een leerling ..." does
    assert implied_rol("Leerling (16) had een mes bij zich. Mag ik de politie bellen?") == "onderwijs"
    # "als OM": the window after "als" starts with a space
    assert detect_rol("Zijn wij als OM verplicht dit aan te leveren?") == "om"


def test_calling_the_police_about_a_weapon_is_not_assumed_to_be_an_aangifte():
    """Whether the asker files an aangifte decides the verdict (gemeenten, onderwijs): "melden" states it,
    "bellen" or "inschakelen" do not, so it is asked."""
    asked = extract("Ik ben leerkracht. Een leerling had een mes in zijn jas. Mag ik de politie bellen?")
    assert "wil_aangifte_doen" not in asked.stated and "wil_aangifte_doen" not in asked.assumed
    told = extract("Ik ben leerkracht. Een leerling had een mes in zijn jas. Mag ik dat bij de politie melden?")
    assert told.stated.get("wil_aangifte_doen") is True


def test_a_negated_recipient_is_not_the_recipient():
    stated = extract("Ik wil het niet aan de school doorgeven maar aan de jeugdarts. Mag dat zonder toestemming?").stated
    assert stated["ontvanger"] == "zorg_hulpverlener"


def test_no_danger_at_all_is_stated_with_words_between():
    stated = extract("Er is geen sprake van acuut gevaar. Mag ik als psycholoog toch de politie inlichten?").stated
    assert stated["ernstige_schade_waarschijnlijk"] is False


@pytest.mark.parametrize("question, rol", [
    ("Na de gymles vertelde een meisje dat haar vader haar slaat. Mag ik Veilig Thuis bellen?", "onderwijs"),
    ("Bij een staandehouding gaf een jongen een vals adres. Mag ik dat aan de woningcorporatie doorgeven?",
     "bevoegde_autoriteit"),
    ("Ter zitting bleek dat de verdachte een ander bedreigt. Mag ik de reclassering informeren?", "om"),
])
def test_the_setting_implies_the_role(question, rol):
    assert implied_rol(question) == rol


@pytest.mark.parametrize("question, fact, value", [
    ("Ik ben officier van justitie. De gemeente kan die gegevens nergens anders krijgen; de politie kan ze hun niet "
     "leveren. Mag ik ze geven?", "subsidiair", True),
    ("Ik ben officier van justitie. Mag ik de jeugdarts informeren om herhaling te voorkomen?", "verstrekkingsdoel",
     "voorkomen_opsporen_strafbare_feiten"),
    ("Ik ben officier van justitie. De zaak is geseponeerd, maar uit de verklaringen blijkt dat hij de winkelier heeft "
     "bedreigd. Mag ik de burgemeester informeren?", "gedrag_vastgesteld", True),
])
def test_round3_purpose_subsidiarity_and_established_conduct(question, fact, value):
    assert extract(question).stated.get(fact) == value, extract(question).stated
