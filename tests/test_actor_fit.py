"""Whose section answers whom (deelwijzer.actor_fit, issue 13 round 4)."""

from __future__ import annotations

from answer_fakes import make_passage

from deelwijzer.actor_fit import asker_actor, named_actors, other_actors_section, section_actor
from deelwijzer.compose import compose_extractive


def test_the_asker_comes_from_the_self_description():
    assert asker_actor("Ik ben reclasseringswerker en wil iets vragen aan de GGD.") == "reclassering"
    assert asker_actor("Kunnen wij als OM die documentatie zelf meesturen?") == "om"
    assert asker_actor("Wat staat er in de handreiking over gegevens van de school?") is None


def test_om_is_only_the_openbaar_ministerie_when_written_as_such():
    assert "om" not in named_actors("Mag ik de school bellen om informatie te vragen?")
    assert "om" in named_actors("Mag het OM informatie geven?")


def test_a_section_is_filed_under_the_party_its_heading_names():
    assert section_actor(("Stappenplan Politie", "Stap 4: De ontvangende partij")) == "politie"
    assert section_actor(("5 Overzicht", "5.5 GGD, GGZ en overige gezondheidszorg", "5.5.2 Buitenkantinformatie")) == "zorg"
    assert section_actor(("4.3 Casusoverleg", "4.3.1 Samenstelling")) is None


def test_another_partys_section_only_when_the_question_does_not_name_that_party():
    ggd = ("5 Overzicht", "5.5 GGD, GGZ en overige gezondheidszorg")
    assert other_actors_section("Ik ben reclasseringswerker. Wat mag ik in het casusoverleg vertellen?", ggd)
    assert not other_actors_section("Ik ben reclasseringswerker. Wat mag de GGD mij vertellen?", ggd)
    assert not other_actors_section("Wat mag ik in het casusoverleg vertellen?", ggd)  # no asker stated
    hulp = ("Stappenplan zorg- en hulpverleners", "Stap 2: Doorbreken van het beroepsgeheim")
    assert not other_actors_section("Ik ben psychiater. Mag ik mijn beroepsgeheim doorbreken?", hulp)


def test_the_askers_own_section_leads_over_another_partys_equal_one():
    police = make_passage(1, "De verstrekking van gegevens aan de gemeente moet worden vastgelegd.",
                          heading=("Stappenplan Politie", "Stap 9: Vastlegging"))
    om = make_passage(2, "De verstrekking van gegevens aan de gemeente moet worden vastgelegd.",
                      heading=("Stappenplan Justitie", "Stap 9: Vastlegging"))
    draft = compose_extractive("Kunnen wij als OM gegevens aan de gemeente verstrekken, en moet dat worden vastgelegd?",
                               [police, om])
    assert draft.splitlines()[0].endswith("[2]")


def test_a_youth_worker_is_not_answered_from_the_schools_stappenplan():
    school = ("Stappenplan Onderwijsinstellingen", "Stap 1: Is er een grondslag?")
    assert other_actors_section("Ik ben jeugdconsulent en begeleid een jongen van 16. Moet ik hem informeren?", school)


def test_the_subject_of_the_question_is_the_actor_unless_it_receives():
    assert asker_actor("Mag het OM die informatie aan de gemeente geven?") == "om"
    assert asker_actor("Mag de politie het dossier inzien?") is None  # the police receives; the asker holds it
