"""Facts stated in a question, for the rules engine.

Two sources:
- a deterministic Dutch keyword extractor (always): a small table of patterns, each naming one
  fact and value, applied to accent-folded text; only facts the question states clearly;
- a language model's structured output (when one is configured): JSON from prompts/<v>/facts.md.

Both are filtered through the rule set's fact dictionary; unknown names or invalid values are
dropped (and logged by name only, never with question text).

Precedence (decided here, documented in the README): explicit facts (--facts / UI) > deterministic
extractor > language model. The extractor's hits are auditable patterns; a small model can invent
facts, so it only fills gaps and never overrides what the patterns found.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from deelwijzer.route import RECEIVES, detect_rol, implied_rol, with_articles
from deelwijzer.textnorm import fold

log = logging.getLogger(__name__)

_NEG = r"(geen|zonder|niet|nog geen)"
# A determiner or possessive before a noun ("uit ons strafdossier", "in het lopende onderzoek").
_DET = r"(een|het|de|ons|onze|mijn|dit|dat|deze|die|zijn|haar|hun)"
# A phrase right after a negation ("geen rechercheonderzoek", "niet in het strafdossier") is denied,
# not stated: a positive pattern that matches there does not count (negation scope).
_NEGATED_BEFORE = re.compile(r"\b(geen|niet|zonder|nooit|noch)\s+$")


@dataclass(frozen=True)
class Pattern:
    fact: str
    value: Any
    regex: re.Pattern[str]


def _p(fact: str, value: Any, *regexes: str) -> list[Pattern]:
    return [Pattern(fact, value, re.compile(r)) for r in regexes]


# Order matters only within one fact: the first matching pattern wins (negations first).
_PERSON = (r"(client|clienten|patient|patienten|leerling|leerlingen|jongere|jongeren|jongen|meisje|kind|kinderen|"
           r"verdachte|getuige|huurder|gezin|betrokkene|overlastgever|jeugdlid|persoon|personen|ouders?|hem|haar|bewoner|bewoners|"
           r"buurtbewoner|jongeman|jongens|meisjes|\d{1,2}-jarigen?|minderjarigen?|student|studenten|scholier\w*)")
# Who gives or refuses consent ("mijn patiënt wil niet dat ...", "de moeder weigert ...").
_WHO = (r"(hij|zij|ze|(de|mijn|onze|deze|die|zijn|haar|het) (\w+ )?(client|cliente|patient|patiente|betrokkene|jongere|leerling|"
        r"moeder|vader|ouders?|jongen|meisje|man|vrouw|gezin|familie|bewoner|huurder|kind|verdachte|slachtoffer)"
        r"( van \d{1,2}( jaar)?)?)")
# One pattern each where two facts are read from the same words: written consent states both explicit and
# unambiguous consent; "no hurry" denies both acute necessity and urgent interest.
_WRITTEN_CONSENT = r"\bschriftelijk(e)? (\w+ )?toestemming|\btoestemming (\w+ )?schriftelijk\b"
_NOT_URGENT = (r"\bgeen acute (noodzaak|dreiging)\b", r"\bgeen (haast|spoed)\b",
               r"\b(is|het is) (\w+ )?niet (acuut|dringend|urgent|spoedeisend)\b",
               r"\b(volgende|over een) (maand|week|paar weken)\b", r"\bover (een paar|enkele|twee|drie) weken\b")


PATTERNS: tuple[Pattern, ...] = tuple(
    # consent (a pupil's own consent and the parents' are separate facts in plan onderwijs). Negations
    # first: a wrong "yes" would make a verdict more permissive than the question allows.
    _p("toestemming_leerling", False, r"\b(hij|zij|ze|de leerling) (weet|weten) (er |hier |daar )?(zelf )?(nog )?(van )?niets\b",
       r"\bzonder (medeweten|toestemming) van de leerling\b")
    + _p("toestemming_leerling", True, r"\bleerling (van \d+ )?(geeft|gaf|heeft) (zelf )?(\w+ )?toestemming",
         # the same consent verbs as for anyone else ("Mijn leerling van 14 vindt het goed dat ...")
         r"\bleerling (van \d+ |\(\d+\) )?(zelf )?((vindt|vond) (het|dat) goed|(gaat|ging) (er ?mee |er |mee )?akkoord|(stemt|stemde) (er ?mee |er |mee )?in)\b")
    + _p("toestemming_ouder", False, r"\bouders weten (hier |er |daar )?(van )?niets", r"\bzonder (medeweten|toestemming) van (de |zijn |haar )?ouders\b(?! of)",
         r"\bouders (geven|gaven|hebben) geen toestemming", r"\bouders (weigeren|weigerden)", r"\bouders (willen|wilden) (dat )?(niet|geen)\b",
         r"\bouders (gaan|gingen) niet akkoord", r"\bouders zijn (er )?tegen\b")
    + _p("toestemming_ouder", True, r"\bouders (hebben|geven|gaven) (\w+ )?toestemming", r"\bouders (zijn|gaan|gingen) akkoord",
         r"\bouders (\w+ ){0,6}(vinden|vonden) (het|dat) goed\b",
         r"\bouders (stemmen|stemden) (er )?(mee )?in\b")
    + _p("toestemming", False,
       r"\bzonder (zijn |haar |hun |de |uitdrukkelijke )?(\w+ )?(toestemming|medeweten|instemming)",
       r"\bbuiten (zijn |haar |hun |het )?medeweten", r"\bzonder dat (\w+ ){0,2}(het|dit|dat|ervan|er iets van) (weet|weten)\b",
       r"\bgeen toestemming", r"\btoestemming (is )?(geweigerd|ingetrokken)", r"\b(weigert|weigeren|weigerde|weigerden) (\w+ )?toestemming",
       r"\btoestemming (\w+ ){0,3}(geweigerd|ingetrokken|niet gegeven)", r"\b(trekt|trok) (\w+ ){0,3}toestemming (\w+ )?in\b",
       r"\bniet (om )?toestemming (te )?(vragen|gevraagd)", r"\btoestemming (\w+ ){0,4}niet (vragen|gevraagd|krijgen|gekregen)",
       r"\b" + _WHO + r" (wil|wilt|willen|wilde|wilden|weigert|weigeren|weigerde) ((uitdrukkelijk|echt|absoluut|beslist|expliciet|"
       r"duidelijk|per se|zeker) )?(dat )?(niet|geen)\b",
       r"\b" + _WHO + r" (is|zijn|was|waren) (er )?(tegen|niet akkoord|het niet mee eens)\b",
       r"\b" + _WHO + r" (gaat|gaan|ging|gingen) niet akkoord", r"\b(vindt|vinden|vond) (het|dat) niet goed\b",
       r"\b" + _WHO + r" (weet|weten) (hier |er |daar )?(zelf )?(nog )?(van )?niets\b",
       r"\bals ik (\w+ ){0,2}(om |naar )?toestemming vraag",
       r"\b(de |zijn |haar )?ouders (\w+ ){0,2}niet (vertellen|informeren|inlichten|laten weten)\b")
    + _p("toestemming", True,
         r"\b(heeft|hebben|heb|gaf|gaven|geeft|geven) (\w+ ){0,4}toestemming( gegeven)?\b(?! nodig)(?![^.?!]{0,30}\bnodig\b)",
         r"\b(vindt|vinden|vond) (het|dat) goed\b", r"\bakkoord (gegeven|gaan|gegaan)\b",
         r"\b" + _WHO + r" (is|zijn|gaat|gaan|ging|gingen) (er ?mee |er |mee )?akkoord\b",
         r"\b" + _WHO + r" (stemt|stemmen|stemde|stemden) (er ?mee |er |mee )?in\b",
         r"\bmet (zijn |haar |hun |de )?(schriftelijke |uitdrukkelijke |mondelinge )?toestemming\b",
         r"\btoestemming (is )?(gegeven|verleend)", r"\b(heeft|hebben) (\w+ )?ingestemd met")
    + _p("toestemming_uitdrukkelijk", True, _WRITTEN_CONSENT)
    + _p("toestemming_ondubbelzinnig", True, _WRITTEN_CONSENT)
    + _p("toestemming_vrij", False, r"\b(alleen|pas) nadat ik (zei|zeg|dreigde)", r"\banders (stopt|stoppen) (de|mijn) (hulp|behandeling)",
         r"\bonder druk\b")
    + _p("toestemming_gevraagd_of_onveilig", True, r"\bals ik (\w+ ){0,2}(om |naar )?toestemming vraag,? (vrees|ben ik bang|denk|loopt|gaat|wordt|zal)",
         r"\btoestemming vragen is (niet )?(onveilig|gevaarlijk)")
    # suspicion of child abuse / domestic violence (zorg meldrecht I)
    + _p("vermoeden_kindermishandeling_huiselijk_geweld", True,
         r"\bvermoeden(s)? van (kindermishandeling|huiselijk geweld)",
         r"\b(vermoed|vermoeden|vermoedt|zorgen over|signalen van) .{0,40}(kindermishandeling|huiselijk geweld)",
         r"\b(kindermishandeling|huiselijk geweld) vermoed",
         r"\b(vermoed\w*|signalen van) (\w+ ){0,3}(mishandeling|verwaarlozing|misbruik|huiselijk geweld)",
         # what the asker was told or saw at home, in plain words ("dat haar man haar slaat", "blauwe plekken")
         r"\b(vader|moeder|ouders?|stiefvader|stiefmoeder|man|vrouw|partner|vriend|vriendin|ex|broer|zus)\b (\w+ ){0,2}"
         r"(slaat|sloeg|schopt|schopte|mishandelt|mishandelde|misbruikt|misbruikte|bedreigt|bedreigde)\b",
         r"\bthuis (\w+ ){0,2}(geslagen|mishandeld|misbruikt|verwaarloosd|bedreigd)\b",
         r"\b(wordt|werd|is) (\w+ ){0,2}(mishandeld|misbruikt|verwaarloosd)\b", r"\bblauwe plekken\b")
    # recipient (one per question; the first mention in a recipient position wins)
    + _p("ontvanger", "veilig_thuis", r"\b(bij|aan|met|naar) veilig thuis\b", r"\bveilig thuis (melden|inlichten|vraagt)")
    + _p("ontvanger", "raad_kinderbescherming", r"\b(bij|aan|met|naar) de raad voor de kinderbescherming",
         r"\bde raad voor de kinderbescherming (vraagt|wil)")
    + _p("ontvanger", "verwijsindex", r"\b(in|bij|aan) de verwijsindex")
    + _p("ontvanger", "gecertificeerde_instelling", r"\b(aan|met|bij) (de )?gecertificeerde instelling",
         r"\bde gecertificeerde instelling\b.{0,100}\bvraagt")
    + _p("ontvanger", "koninklijke_marechaussee", r"\b(de )?koninklijke marechaussee (vraagt|wil)", r"\b(aan|met) de (koninklijke )?marechaussee\b")
    + _p("ontvanger", "hulpverleningsinstantie_criminaliteitspreventie", r"\binstelling voor criminaliteitspreventie")
    + _p("ontvanger", "riec", r"\b(aan|met|bij) (het )?riec\b")
    + _p("ontvanger", "halt", r"\b(aan|met|bij) (het )?halt\b")
    + _p("ontvanger", "reclassering", r"\b(aan|met|bij) de reclassering\b")
    + _p("ontvanger", "woningcorporatie", r"\b(aan|met|bij) (de |een )?woningcorporatie", r"\b(de |een )?woningcorporatie (wil|vraagt)")
    + _p("ontvanger", "burgemeester", r"\b(aan|met|bij) de burgemeester\b", r"\bde burgemeester (overweegt|vraagt|informeren)\b",
         r"\bde burgemeester wil (\w+ ){0,3}(weten|hebben|ontvangen|krijgen|informatie|gegevens|de feiten)\b",
         r"\bde burgemeester\b(?! wil| vraagt| overweegt)[^.?!]{0,60}\b(informeren|inlichten)\b")
    + _p("ontvanger", "openbaar_ministerie",
         r"\b(aan|met|bij) (het om|het openbaar ministerie|openbaar ministerie)\b(?! om\b)", r"\b(aan|met|bij) de officier van justitie",
         r"\bik wil het (om|openbaar ministerie) ")
    + _p("ontvanger", "boa", r"\b(een|de) boa (vraagt|wil)\b", r"\b(aan|met) (de|een) boa\b")
    + _p("ontvanger", "politie",
         r"\b(aan|met|bij|naar) de (wijk)?(politie|wijkagent)\b", r"\bde politie (informeren|inlichten|tippen|bellen)",
         r"\bde politie (belt|vraagt|wil|heeft (ons|mij) een bevel|vordert|eist)", r"\baangifte (doen|te doen)( bij de politie)?",
         r"\b(ik|wij|we) doe(n)? aangifte\b", r"\baangifte tegen\b")
    + _p("ontvanger", "school", r"\b(de|een) school (laten weten|informeren|inlichten|vertellen)\b", r"\b(aan|met) de school\b")
    + _p("ontvanger", "andere_afdeling_gemeente",
         r"\b(collega|afdeling) (in|van) het sociaal domein", r"\bandere afdeling (van|binnen) de gemeente",
         r"\bcollega\w* van (team|afdeling) \w+( van de gemeente)?\b", r"\b(team|afdeling) (\w+ ){1,2}van (de|onze) gemeente\b")
    + _p("ontvanger", "zorg_hulpverlener",
         r"\b(aan|met|bij) (het |de |een )?(wijkteam|jeugdhulp\w*|huisarts|hulpverlen\w*|ggz\w*|zorgpartij|zorgpartner|"
         r"andere hulpverlener)", r"\b(een|de) (zorgpartij|zorgpartner)\b")
    + _p("ontvanger", "andere_school", r"\b(aan|met|bij) (de |een )?(andere|nieuwe) school")
    + _p("ontvanger", "collega_school", r"\b(met|aan) (de |mijn |een )?(mentor|zorgcoordinator|collega'?s? (leerkracht|docent))",
         r"\bleerlingbespreking\b")
    + _p("ontvanger", "gemeente", r"\b(aan|met|bij) de gemeente\b", r"\bde gemeente (vraagt|wil)\b")
    + _p("ontvanger", "overig", r"\b(in|met|aan) (het |de )?casusoverleg\b",
         r"\b(delen|bespreken|inbrengen) (\w+ ){0,4}(in|met) (het )?(zorg- en )?veiligheidshuis\b")
    + _p("ontvanger", "overig", r"\b(de |een )?(trainer|coach|werkgever|buurman|buren|verhuurder|sportvereniging|sportschool|eigenaar|uitbater|winkelier)\b"
         r".{0,30}\b(laten weten|informeren|vertellen|waarschuwen)")
    # meldrecht follows from the recipient in plan zorg (melden bij Veilig Thuis = meldrecht I)
    + _p("meldrecht", "veilig_thuis", r"\bmeld\w* (\w+ ){0,6}bij veilig thuis", r"\bveilig thuis (\w+ ){0,3}meld")
    + _p("meldrecht", "verwijsindex", r"\bmeld\w* (\w+ ){0,6}(in|bij) de verwijsindex")
    # offence / aangifte
    + _p("wil_aangifte_doen", True, r"\baangifte (doen|te doen|gedaan)", r"\baangifte bij de politie", r"\b(ik|wij|we) doe(n)? aangifte",
         r"\baangifte tegen\b",
         # reporting ("melden") an observed offence to the police is what the stappenplannen call aangifte; passing it
         # on, calling or involving the police ("doorgeven", "bellen", "inschakelen") need not be one: whether the asker
         # files an aangifte decides the verdict in plans gemeenten and onderwijs, so then it is asked, never guessed
         r"\b(vuurwapen|wapen|mes|strafbaar feit)\b.{0,100}\b(aan|bij) de politie (te )?melden\b")
    + _p("aangifte_alleen_naw", False, r"\baangifte\b.{0,160}\b(diagnose|behandeling|dossier|medische|medicatie)")
    + _p("aangifte_alleen_naw", True, r"\baangifte\b.{0,80}\bnaam (en|of) (\w+ )?adres\b", r"\balleen (zijn |haar )?naam\b.{0,40}aangifte")
    + _p("strafbaar_feit", "binnen_hulpverlening",
         r"\b(mij|me|ons|mijn \w*(assistent|collega|praktijk|medewerker)\w*|onze \w*(praktijk|medewerker|assistent)\w*)\b.{0,60}"
         r"\b(bedreigd|mishandeld|aangevallen|geslagen|geschopt|gestoken)",
         r"\b(schopte|sloeg|bedreigde|beet|duwde|mishandelde|bespuugde|stak|viel|bedreigt|slaat|schopt|mishandelt|duwt|bespuugt) "
         r"(\w+ ){0,2}(mij|me|ons|mijn \w+|onze \w+)\b",
         r"\b(bedreigd|aangevallen|mishandeld|geslagen) door (een |mijn |onze )?(client|patient)")
    + _p("strafbaar_feit", "geconstateerd",
         r"\b(zag|zie|constateerde|ontdekte|vond|vonden|zagen)\b[^.?!]{0,80}\b(vuurwapen|wapen|mes)\b",
         r"\b(had|heeft) (\w+ ){0,2}?(een |zijn |haar )?(vuurwapen|wapen|mes) (\w+ ){0,2}?(bij zich|in zijn tas|in haar tas|op zak)")
    # an offence the asker heard of in the treatment (the role decides how it is named: see _offence)
    + _p("_strafbaar_verteld", True,
         r"\b(neergestoken|neergeschoten|neerschieten|neer te schieten|doodgestoken|beroofd|ingebroken|inbraak|overval\w*|"
         r"overgevallen)\b",
         r"\b(heeft|had|laat) (een |zijn )?(vuur)?wapen\b", r"\b(vuur)?wapen\b[^.?!]{0,30}\b(zien|getoond|liet zien)\b",
         r"\b(mes|wapen|vuurwapen|drugs)\b[^.?!]{0,40}\b(gevonden|aangetroffen|in (zijn|haar|de) (tas|jas\w*|kluisje))\b",
         r"\b(mes|wapen|vuurwapen) (op zak|bij zich)\b", r"\bmet een (mes|wapen|vuurwapen)\b",
         r"\b(gaat|wil|dreigt) (\w+ ){0,3}(steken|neersteken|doodsteken|neerschieten|vermoorden)\b",
         r"\b(vechtpartij|steekpartij|schietpartij)\b")
    # personal data or not
    + _p("is_persoonsgegeven", False,
         r"\bzonder (enige )?herleidbare", r"\b(geanonimiseerd|niet herleidbaar|geaggregeerd)\w*", r"\bcijfers over\b",
         r"\bzonder namen\b", r"\bniet (naar|tot) (iemand|een persoon) te herleiden", r"\b(het )?aantal \w+ per (maand|jaar|wijk|week)\b")
    + _p("is_persoonsgegeven", True,
         r"\b(naam|namen|adres|adressen|adresgegevens|geboortedatum|bsn|persoonsgegevens) (van|der)\b",
         r"\bmet de namen\b", r"\b(gegevens|informatie) (van|over) (een|de|deze|die|zijn|haar) " + _PERSON)
    + _p("bijzonder_persoonsgegeven", True,
         r"\b(gezondheidsgegevens|medische gegevens|medisch dossier|diagnose|religie|etnische afkomst|iq-gegevens)\b",
         r"\b(adhd|autisme|add|dyslexie|medicatie|medicijnen|psychische|psychiatrische|depressie|verslaving|"
         r"iq|geloof|seksuele geaardheid|zwangerschap|zwanger)\b")
    + _p("strafrechtelijk_persoonsgegeven", True, r"\b(strafblad|veroordeling|veroordeeld|strafrechtelijke gegevens)\b")
    # anonymous advice from a colleague (zorg.2.advies)
    + _p("anoniem_overleg", True, r"\banoniem (\w+ ){0,4}(overleggen|bespreken|voorleggen)", r"\banonieme casusbespreking")
    # zorg: serious harm, supervision order (zorg 2B)
    + _p("ernstige_schade_waarschijnlijk", False, r"\bgeen (aanwijzing|aanwijzingen|reden om aan te nemen) dat (hij|zij|ze) (opnieuw|weer)",
         r"\b(er is|is er|ik zie|zie ik) (ook )?geen (sprake van )?(\w+ )?(dreiging|gevaar)\b")
    + _p("ernstige_schade_waarschijnlijk", True, r"\b(gaat|wil|dreigt) (\w+ ){0,4}(neerschieten|neersteken|vermoorden|doodmaken|aanvallen|steken|doodsteken)\b",
         r"\bdreigt (\w+ ){0,3}(te )?(doden|vermoorden|neer te schieten)",
         # a concrete threat to life or limb, however the target is named ("zijn ex-vrouw vanavond dood te steken")
         r"\b(dreigt|dreigde|zegt|zei|gaat|wil|is van plan)\b[^.?!]{0,50}\b(dood te (steken|slaan|maken|schieten)|"
         r"te (doden|vermoorden)|neer te (steken|schieten)|om te brengen|in brand te steken)\b")
    + _p("ots_uitgesproken", True, r"\bondertoezichtstelling\b", r"\bots\b")
    + _p("verzoek_gi_onderbouwd", True, r"\b(met onderbouwing|onderbouwd)\b")
    # politie
    + _p("bevoegd_te_verstrekken", False, r"\bniet (aangewezen|geautoriseerd|bevoegd|gemandateerd)\b",
         r"\bgeen (\(onder\))?(onder)?(mandaat|machtiging|volmacht)\b")
    + _p("bevoegd_te_verstrekken", True, r"\b(gemandateerde?|gemachtigde?|aangewezen en geautoriseerd)\b",
         r"\b(met|heb|heeft|hebben) (een )?(\(onder\))?(onder)?(mandaat|machtiging|volmacht)\b")
    + _p("verwerkt_voor_politietaak", False, r"\bapv\b", r"\bburgemeesterstaak\b", r"\binterne bedrijfsvoering\b")
    + _p("wpg_artikel", 9, r"\bgegevens uit (een|het|ons) (\w+ )?onderzoek\b", r"\bembargo-?onderzoek",
         # the asker's own investigation (another service's investigation says nothing about the asker's data)
         r"\bons rechercheteam\b", r"\bin ons (recherche)?onderzoek\b",
         r"\b(in|uit) (ons|onze|mijn) (\w+ )?rechercheonderzoek\b")
    + _p("wpg_artikel", 10, r"\b(cie|criminele inlichtingen\w*|informant\w*)\b")
    + _p("wpg_artikel", 13, r"\blandelijk (doorzoekbaar|beschikbaar)\b")
    + _p("wpg_artikel", 8, r"\b(onze|mijn) mutaties\b", r"\bovelastmelding|\boverlastmelding\b",
         r"\b(hebben|heb|is|werd|zijn|waren) (\w+ ){0,6}aangehouden\b", r"\baanhouding(en)? (van|voor|na)\b",
         r"\bbij ons bekend\b", r"\bpersonalia\b",
         r"\b(mutatie|mutaties|registratie in bvh|bvh)\b", r"\b(bij|tijdens) een (controle|melding|surveillance|incident)\b",
         # the daily police task (art. 8): ordinary reports and registrations
         r"\b(gewone|dagelijkse|reguliere) (melding\w*|registratie\w*|politietaak)\b",
         r"\b(onze|in de|uit de) (registratie|registraties|meldingen)\b", r"\bbij ons (\w+ ){0,3}(meldde|gemeld)\b")
    + _p("weigeringsgrond", "embargo_onderzoek", r"\bembargo-?onderzoek", r"\bembargo\b")
    + _p("weigeringsgrond", "gevaar_leven_gezondheid", r"\b(leven|gezondheid) van (die |de |een )?\w+ in gevaar",
         r"\bin gevaar brengt? (het leven|de gezondheid)",
         r"\b(melder|getuige|aangever|informant) (\w+ ){0,4}(in gevaar|gevaar loopt|gevaar lopen|bedreigd)")
    + _p("weigeringsgrond", "ernstig_misdrijf", r"\b(terrorisme|mensenhandel|mensensmokkel|omkoping)\b")
    + _p("ontvanger_behoeft_voor_taak", True, r"\b(heeft|hebben) (de gegevens|die gegevens|het|dat|deze informatie) nodig voor (zijn|haar|hun|de) (taak|onderzoek)",
         # the requesting party wants them for its own task or case ("voor zijn eigen handhavingszaak")
         r"\b(wil|wilde|willen|vraagt|vragen|vroeg|heeft|hebben)\b[^.?!]{0,60}\bvoor (zijn|haar|hun) (eigen )?\w*(taak|onderzoek|zaak)\b")
    + _p("toestemming_bevoegde_functionaris", False,
         r"\b(leider van het onderzoek|onderzoeksleider|teamleider|teamchef) (heeft )?(nog )?geen toestemming")
    + _p("toestemming_bevoegde_functionaris", True,
         r"\b(leider van het onderzoek|onderzoeksleider|teamleider|teamchef) (heeft )?(wel )?toestemming (gegeven|verleend)")
    + _p("convenant_gesloten", False, r"\bgeen convenant\b")
    + _p("convenant_gesloten", True, r"\b(we hebben|wij hebben|binnen ons|binnen het|volgens ons|ons) (een )?convenant",
         r"\b(hebben (we|wij)|(we|wij) hebben|er is) (\w+ ){0,4}convenant\b(?! nodig)",
         r"\b(we|wij)\b ((?!geen\b|niet\b)\w+ ){0,3}convenant(en)? (hebben|gesloten|afgesloten)\b", r"\b(in|uit|van) (het|dat|ons) convenant\b",
         r"\bconvenantpartner\w*", r"\bpartner (in|van) (het|een|ons) convenant")
    + _p("instemming_bevoegd_gezag", False, r"\b(burgemeester|officier van justitie|bevoegd gezag) heeft geen (instemming|toestemming)",
         r"\bgeen instemming\b")
    # Justitie
    + _p("in_strafdossier_of_om_systeem", False, r"\bniet in (een|het) strafdossier",
         r"\b(loopt|is) (er )?(\w+ )?(niets |geen (\w+ )?)strafrechtelijk\w*",
         r"\bnergens (van|voor) (wordt )?verdacht", r"\bgeen (strafzaak|strafdossier)\b")
    + _p("in_strafdossier_of_om_systeem", True, r"\b(uit|in) " + _DET + r" (\w+ )?strafdossier\b", r"\b(lopend|actief) strafonderzoek\b",
         r"\bstrafblad\b", r"\bpersoonsdossier\b", r"\bvonnis\b", r"\bpro justitia\b")
    + _p("categorie_wjsg", "persoonsdossier", r"\bpersoonsdossier\b", r"\b(reclasserings|voorlichtings)rapport\b",
         r"\breclasseringsadvies\b")
    + _p("categorie_wjsg", "justitieel", r"\bstrafblad\b", r"\bjustitiele documentatie\b")
    + _p("categorie_wjsg", "tenuitvoerlegging", r"\b(taakstraf|strafbeschikking|tenuitvoerlegging)\w*")
    + _p("categorie_wjsg", "strafvorderlijk", r"\b(lopend|actief) strafonderzoek\b", r"\bstrafvorderlijke? \w+",
         r"\bgegevens uit (een|het|ons) strafdossier\b", r"\b(uit|in) (het|ons) strafdossier\b")
    # politie/gemeenten: no concrete threat, no weighty interest for an incidental provision (not for the OM,
    # whose weighty interest is the purpose itself: see _by_role)
    + _p("zwaarwegend_algemeen_belang", False, r"\bgeen concrete (dreiging|signalen|aanwijzingen)\b")
    + _p("acute_noodzaak", False, *_NOT_URGENT)
    + _p("spoedeisend_belang", False, *_NOT_URGENT)
    + _p("contra_indicatie_belang", "geen", r"\bgeen acuut gevaar of (ander )?zwaarwegend belang")
    + _p("ontvanger_heeft_grondslag", False,
         r"\bgeen (aparte |eigen |specifieke |zelfstandige )?(wettelijke )?(basis|grondslag) (waarop|om|voor|waarmee) (zij|ze|hij|die|de \w+)\b",
         r"\b(heeft|hebben) (zelf )?geen (eigen )?(wettelijke )?grondslag\b")
    + _p("ontvanger_heeft_grondslag", True, r"\b(heeft|hebben) (volgens (ons|mij) )?(wel )?een eigen grondslag")
    + _p("subsidiair", False, r"\b(ook )?rechtstreeks bij (de |het |een )?\w+ (kan|kunnen) opvragen", r"\blangs een andere weg\b")
    # no other way: the recipient cannot get the data elsewhere ("de politie kan hem die niet leveren")
    + _p("subsidiair", True, r"\bgeen (andere|minder ingrijpende) (weg|manier|mogelijkheid|route)\b",
         r"\b(kan|kunnen) (hem|haar|hen|ze|die|dat|deze|dit|het) (\w+ ){0,2}niet (leveren|geven|verstrekken|bezorgen)\b",
         r"\b(zit|zitten|is|zijn) alleen bij (ons|mij)\b")
    # what the file shows happened, even without a conviction (contra-indicatie after a sepot)
    + _p("gedrag_vastgesteld", True, r"\b(blijkt|bleek|staat vast|is vastgesteld)\b (\w+ ){0,4}dat (hij|zij|ze) "
         r"(\w+ ){0,5}(heeft|had) (\w+ ){0,3}(geuit|gepleegd|gedaan|gedreigd|bedreigd|geslagen|gestoken)\b")
    + _p("zaak_afloop", "vrijspraak", r"\bvrijgesproken\b", r"\bvrijspraak\b")
    + _p("zaak_afloop", "beleidssepot", r"\bbeleidsmatig geseponeerd\b", r"\bbeleidssepot\b")
    + _p("zaak_afloop", "technisch_sepot", r"\btechnisch (sepot|geseponeerd)\b")
    + _p("zaak_afloop", "afgedaan", r"\b(veroordeling|veroordeeld)\b")
    + _p("zaak_afloop", "geen_vervolgingsbeslissing", r"\bnog geen (definitieve )?(vervolgings)?beslissing\b",
         r"\bnog niet (besloten|beslist) (of|over) (\w+ ){0,2}(vervolging|vervolgen|vervolgd)\b")
    + _p("zaak_afloop", "vervolging_ingesteld", r"\b(gedagvaard|dagvaarding)\b")
    # gemeenten / onderwijs: AVG principles, legal grounds
    + _p("voldoet_avg_beginselen", False, r"\bniet transparant\b", r"\b(worden|wordt) niet geinformeerd\b",
         r"\bdoel is niet vastgelegd\b", r"\b(via|in|met) (een )?(prive-?)?whatsapp(-?groep)?\b", r"\bonbeveiligd\w*\b",
         r"\bprive-?(mail|telefoon|whatsapp)\b")
    + _p("wettelijke_plicht", False, r"\bgeen andere grondslag\b")
    + _p("taak_algemeen_belang", False, r"\bgeen andere grondslag\b")
    + _p("gerechtvaardigd_belang", False, r"\bgeen andere grondslag\b")
    + _p("taak_algemeen_belang", True, r"\b(in het kader van|voor) (de )?sociale veiligheid\b",
         r"\b(binnen|onder) (onze|mijn|de) (openbare[- ]?orde\w*|publieke taak)\b")
    # onderwijs: sharing inside the school to guide the pupil (rules: intern_doel_begeleiding)
    + _p("intern_doel_begeleiding", True, r"\bleerlingbespreking\b", r"\bintern zorgoverleg\b",
         r"\b(beter )?(kunnen )?begeleiden\b.{0,40}\b(school|leerling)|\bzodat we hem beter kunnen begeleiden")
    # where the data come from, and who the asker works for
    + _p("herkomst_gegevens", "wpg", r"\bpolitie-?(informatie|gegevens) (\w+ ){0,3}(gekregen|ontvangen|kreeg|kregen|ontving)",
         r"\b(van|via) (de politie|het riec) (\w+ ){0,3}(gekregen|ontvangen|kreeg|kregen|ontving|ontvingen)\b",
         r"\bvia het riec (\w+ ){0,2}politie")
    + _p("herkomst_gegevens", "wjsg", r"\bvan het (om|openbaar ministerie) (\w+ ){0,3}(gekregen|ontvangen|kreeg|kregen|ontving)\b")
    + _p("werkt_bij_bevoegde_autoriteit", False, r"\bik werk (bij|voor) (de|een) gemeente\b",
         r"\b(ik|wij|we) (zit|zitten|werk|werken|ben|zijn) (\w+ )?namens de gemeente\b",
         r"\bik (werk|ben) (als )?((?!boa\b|handhav)\w+ ){0,3}(bij|voor) (de|een) gemeente\b")
    # need-to-know or nice-to-know
    + _p("is_noodzakelijk", False, r"\b(misschien|wel) handig\b", r"\bnice[- ]to[- ]know\b", r"\bvoor de zekerheid\b")
    + _p("is_noodzakelijk", True, r"\b(en|dat) is (echt |hard |wel )?(nodig|noodzakelijk)\b", r"\b(echt|hard) nodig\b")
    # purpose
    + _p("verstrekkingsdoel", "handhaven_openbare_orde", r"\b(handhaving|handhaven) van de openbare orde\b",
         r"\b(gebiedsverbod|huisverbod|samenscholingsverbod|noodbevel|woningsluiting)\b",
         r"\b(sluiting|sluiten) van (het|de|een) (cafe|pand|woning|zaak|horeca\w*)\b")
    + _p("verstrekkingsdoel", "voorkomen_opsporen_strafbare_feiten", r"\b(voorkomen|opsporen) van strafbare feiten\b",
         r"\brecidive (\w+ ){0,2}voorkomen\b",
         # a purpose clause: to prevent a (further) offence
         r"\b(herhaling|recidive|escalatie|wraak|een aanslag|nieuwe incidenten|nieuw geweld) (\w+ ){0,2}te voorkomen\b",
         r"\bom te voorkomen dat (hij|zij|ze|de \w+) (opnieuw|weer)\b")
    + _p("verstrekkingsdoel", "alternatieve_afdoening_minderjarige", r"\balternatieve afdoening\b",
         r"\bnaar (het )?halt(-bureau)? (\w+ )?(verwijzen|sturen|verwezen|doorverwezen|gestuurd)\b", r"\bhalt-?(verwijzing|afdoening|straf)\b")
    # help to a victim as the stated purpose ("zodat ze het slachtoffer goed kunnen begeleiden")
    + _p("verstrekkingsdoel", "hulp_aan_slachtoffers",
         r"\bzodat\b[^.?!]{0,40}\bslachtoffer\w* (\w+ ){0,3}(begeleiden|helpen|ondersteunen|bijstaan|opvangen)\b")
    # retention period (politie stap 8): denied first, a positive match after "niet" is no statement
    + _p("bewaartermijn_verstreken", False, r"\bbewaartermijn\b[^.?!]{0,40}\bniet (verstreken|verlopen|voorbij)\b",
         r"\bbinnen de bewaartermijn\b")
    + _p("bewaartermijn_verstreken", True, r"\bbewaartermijn\b[^.?!]{0,40}\b(verstreken|verlopen|voorbij)\b",
         r"\b(verstreken|verlopen) bewaartermijn\b")
)

# Facts whose value depends on the plan the role routes to.
_PLAN_OF_ROL = {"zorg_hulpverlener": "zorg", "gemeente_hulpverlener": "zorg", "bevoegde_autoriteit": "politie",
                "gemeente_boa": "politie", "om": "justitie", "gemeente_openbare_orde": "gemeenten", "onderwijs": "onderwijs"}
_PLAN_NAME = re.compile(r"\b(wpg-?stappenplan|stappenplan (politie|wpg|van de politie|voor de politie))\b|\b(wjsg-?stappenplan|stappenplan justitie)\b")
_AGE = re.compile(r"\b(?:van|is|bent|jongere van|leerling van|kind van|meisje van|jongen van)\s+(\d{1,2})(?:\s+jaar)?\b|"
                  r"\b(\d{1,2})[- ]jarige?\b|\((\d{1,2})\)")


# Parties a question may name as the recipient (own synonyms list), for questions the specific
# patterns above miss. A party counts as the recipient in a recipient position: after aan/met/bij/
# naar/richting, before an informing verb, or as the one who asks for the data.
_PARTIES: tuple[tuple[str, str], ...] = (
    (r"veilig thuis|amhk", "veilig_thuis"),
    (r"(de )?raad voor de kinderbescherming|\brvdk\b", "raad_kinderbescherming"),
    (r"(de )?verwijsindex", "verwijsindex"),
    (r"(de )?(gecertificeerde instelling|jeugdbescherming|jeugdbeschermer|gezinsvoogd)", "gecertificeerde_instelling"),
    (r"(de )?(koninklijke )?marechaussee|\bkmar\b", "koninklijke_marechaussee"),
    (r"(de )?fiod", "fiod"),
    (r"(de )?(nvwa|nvwa-iod)", "nvwa_iod"),
    (r"(de )?(ilt|ilt-iod)", "ilt_iod"),
    (r"(het )?bureau jeugdzorg", "bureau_jeugdzorg"),
    (r"(het )?slachtofferhulp( nederland)?", "slachtofferhulp_nederland"),
    (r"(het )?(college van b(urgemeester )?en w(ethouders)?|college b&w)|(de )?wethouder", "college_b_en_w"),
    (r"(de )?rijksrecherche", "rijksrecherche"),
    (r"(de )?(wijkagent|politie|recherche|rechercheur|agent|politieagent)", "politie"),
    (r"(de |een )?(boa|boa's|handhaver|handhavers)", "boa"),
    (r"(het )?openbaar ministerie|het om\b|(de )?officier van justitie", "openbaar_ministerie"),
    (r"(de )?burgemeester", "burgemeester"),
    (r"(het )?riec", "riec"),
    (r"(het )?halt(-bureau)?", "halt"),
    (r"(de )?reclassering\w*", "reclassering"),
    (r"(de |een )?(woningcorporatie|corporatie|woningbouwvereniging|verhuurder)", "woningcorporatie"),
    (r"(de |een )?(andere|nieuwe) school", "andere_school"),
    (r"(de )?(mentor|zorgcoordinator|intern begeleider|leerlingbespreking)", "collega_school"),
    (r"(de |een )?(school|scholen|schooldirecteur|schoolleiding)", "school"),
    (r"(de |het |een )?(huisarts|wijkteam|buurtteam|ggz\w*|hulpverlener|hulpverlening|jeugdhulp\w*|jeugdzorg\w*|jeugdarts|ggd|"
     r"zorgpartner|zorgpartij|behandelaar|psycholoog|psychiater|maatschappelijk werk\w*|zorgverlener|ziekenhuis|"
     r"verslavingszorg|jongerenwerk\w*|gezinscoach|thuiszorg|zorginstelling)", "zorg_hulpverlener"),
    (r"(de |het |een )?(buurtpreventie\w*|buurtwacht\w*)", "buurtpreventieteam"),
    # partners without a category of their own: a Zorg- en Veiligheidshuis, private parties
    (r"(het )?(zorg- en veiligheidshuis|veiligheidshuis|casusregisseur|procesregisseur)", "overig"),
    (r"(de |een )?(\w+vereniging|ondernemer\w*|winkelier\w*|sportschool\w*|werkgever|beveiliging\w*|particuliere? \w+)", "overig"),
    (r"(de )?leerplicht(ambtenaar)?", "gemeente"),
    (r"(het )?sociaal domein|(een )?andere afdeling", "andere_afdeling_gemeente"),
    (r"(de )?gemeente", "gemeente"),
)
_TO = r"\b(aan|met|bij|naar|richting|(verzoek|vordering|vraag|bevel) van) ((zijn|haar|hun|mijn|onze|ons) )?"
_MODAL_SUBJECT = r"\b(mag|mogen|kan|kunnen|moet|moeten) "
# the party, up to four words ("uit dat convenant", "een overzicht"), then the informing verb
_INFORM = (r" ((?!wil\b|wilt\b|willen\b|mag\b|mogen\b|moet\b|kan\b|kunnen\b|gaat\b|heeft\b)\w+ ){0,5}?(op de hoogte (brengen|stellen)|informeren|inlichten|melden|bellen|tippen|waarschuwen|laten weten|"
           r"vertellen|berichten|inseinen|benaderen|mailen|terugkoppelen|inschakelen|geven|sturen|toesturen|"
           # every person of the informing verbs in a subordinate clause ("dat ik de jeugdarts inlicht")
           r"inschakel|informeer|informeert|waarschuw|waarschuwt|bel|belt|inlicht|inlichtte|meld|meldt|vertel|vertelt|"
           r"mail|mailt|tip|tipt|laat weten|in te lichten|te informeren|te waarschuwen|te bellen|te melden)\b")
# The party as the subject of a request in the same clause ("Een agent aan de telefoon vraagt ...", "De
# burgemeester wil een maatregel nemen en vraagt ons ..."): no clause boundary, subordinate clause or other
# (first-person) subject between.
_SAME_CLAUSE = r"(?:(?!\b(?:dat|die|omdat|want|maar|of|wie|wat|ik|wij|we|u|je|jij)\b)[^.?!,;]){0,50}?"
_REQUEST_VERB = (r"(vraagt|vragen|vroeg|vroegen|belt|belde|wil weten|wilde weten|wil graag|wil hebben|willen weten|verzoekt|"
                 r"wil van (ons|mij)|willen van (ons|mij)|verzocht|vordert|eist|heeft gevraagd|hebben gevraagd|heeft verzocht|"
                 r"stuurt|stuurde|mailt|mailde|(heeft|hebben) (ons|mij) (\w+ ){0,3}(bevel|verzoek|vordering)\w*|"
                 # a party that wants to take a measure needs the data for it ("Burgemeester wil een gebiedsverbod opleggen")
                 r"overweegt|(wil|wilde|willen) (\w+ ){1,5}(opleggen|nemen|treffen))")
_ASKS = r"(-\w+)?" + _SAME_CLAUSE + r"\b" + _REQUEST_VERB + r"\b"
# ... or after it, with the verb first ("Voor een gebiedsverbod wil de burgemeester weten ...")
_ASKS_INVERTED = r"\b(wil|wilde|willen|vraagt|vroeg|vragen|belt|belde|eist|verzoekt|vordert) (de |het |een )?"
# "met zijn begeleider van de jeugdhulp", "aan de directeur van een mbo-school": the organisation
_HEAD_OF = r"((?!hand |behulp |kader |grond |naam |basis |wege )(\w+ ){1,2}van (de |het |een )?([\w]+-)?)?"


# "Ik werk bij Veilig Thuis": the asker's own organisation, not a recipient.
_OWN_ORG = re.compile(r"\b(ik werk|wij werken|we werken|ik ben werkzaam|werkzaam|ik zit) (bij|voor|in) (de |het |een )?"
                      r"(veilig thuis|raad voor de kinderbescherming|reclassering|riec|halt|ggd|wijkteam|woningcorporatie|"
                      r"gecertificeerde instelling|jeugdbescherming)\b")


# "Ik ben boa bij de gemeente", "vraagt ons bij het OM": the asker's own organisation, not a recipient
_SELF_ORG = re.compile(r"\b(ik ben|ik werk|wij zijn|we zijn|ik zit|als)\b(( (?!wil|mag|moet|kan|heb|ga|zie)\w+){0,4})"
                       r" (bij|voor|in dienst van|van) (de |het |een )?\w+|\b(ons|mij|wij|we) bij (de |het )?\w+")


# "... in een jeugdzorginstelling verblijft. Ik wil de instelling waarschuwen": "de instelling" is the
# compound named before it (a head noun that refers back to the last word ending in it).
_ANAPHOR = re.compile(r"\b(de|die|deze|het|dat) (instelling|kliniek|organisatie|praktijk|school|vereniging|team)\b")


def _resolve_anaphora(text: str) -> str:
    def full(m: re.Match[str]) -> str:
        before = re.findall(r"\b(\w+" + m.group(2) + r")\b", text[:m.start()])
        compound = [w for w in before if w != m.group(2)]
        return f"{m.group(1)} {compound[-1]}" if compound else m.group(0)
    return _ANAPHOR.sub(full, text)


def _without_own_org(text: str) -> str:
    return _SELF_ORG.sub(" ", _OWN_ORG.sub(" ", text))


def _negated_at(text: str, start: int) -> bool:
    return bool(_NEGATED_BEFORE.search(text[max(0, start - 12):start]))


def _recipient(text: str, rol: str | None) -> str | None:
    own = {"bevoegde_autoriteit": "politie", "gemeente_boa": "boa", "om": "openbaar_ministerie",
           "onderwijs": "school", "gemeente_openbare_orde": "burgemeester"}.get(rol or "")
    best: tuple[int, str] | None = None
    for party, value in _PARTIES:
        if value == own:
            continue
        for pattern in (_TO + _HEAD_OF + "(" + party + r")\b", r"\b(" + party + ")(-\\w+)?" + _INFORM,
                        r"\b(" + party + ")" + _ASKS, _ASKS_INVERTED + "(" + party + r")\b"):
            # a party right after a negation is not the recipient ("niet aan de school maar aan de jeugdarts")
            m = next((m for m in re.finditer(pattern, text) if not _negated_at(text, m.start())), None)
            if m and (best is None or m.start() < best[0]):
                best = (m.start(), value)
        # "Er belde een wijkagent die ...": the caller after the verb
        m = re.search(r"\b(belt|belde|mailt|mailde|vraagt|vroeg|schrijft|schreef) (\w+ ){0,2}?(" + party + r")\b", text)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), value)
        # "Mag de politie het dossier inzien?": the subject that receives the data
        for m in re.finditer(_MODAL_SUBJECT + "(" + party + r")\b", text):
            if RECEIVES.match(text, m.end()) and (best is None or m.start() < best[0]):
                best = (m.start(), value)
    return best[1] if best else None


# Where a care professional's secret is regulated (rules: soort_hulpverlener), from the job title.
_CARE_KIND: tuple[tuple[str, str], ...] = (
    (r"\b(huisarts|\w*arts|psychiater|\w*psycholoog|verpleegkundige|verloskundige|fysiotherapeut|tandarts|apotheker|"
     r"doktersassistent\w*|praktijkondersteuner|ggz\w*|consult|spreekuur|patient\w*)\b", "medisch"),
    (r"\b(jeugdhulp\w*|jeugdzorg\w*|jeugdbeschermer|jeugdreclassering|gezinsvoogd|orthopedagoog)\b", "jeugdhulp"),
    (r"\b(maatschappelijk werk\w*|wijkteam\w*|jongerenwerk\w*|gezinscoach|sociaal werker|schuldhulp\w*)\b", "overig"),
)


def _care_kind(text: str) -> str | None:
    for pattern, kind in _CARE_KIND:
        if re.search(pattern, text):
            return kind
    return None


# Violence at school or against staff: the handreiking's example of an offence a school "constateert"
# ("geweld tegen een leerkracht"). The victim is named, so this is not something heard about at home.
_VIOLENCE_AT_WORK = re.compile(
    r"\b(een|de|mijn|onze|zijn|haar) (\w+ )?(leraar|lerares|leerkracht|docent|docente|mentor|medeleerling|klasgenoot|"
    r"conciërge|concierge|collega|medewerker|baliemedewerker|handhaver)\b (\w+ ){0,3}"
    r"(geslagen|geschopt|bedreigd|mishandeld|aangevallen|gestoken|bespuugd|geduwd)\b|"
    r"\b(sloeg|schopte|bedreigde|mishandelde|stak|duwde|bespuugde|bedreigt|slaat|schopt) (\w+ ){0,2}(een|de|mijn|onze) "
    r"(\w+ )?(leraar|lerares|leerkracht|docent|docente|mentor|medeleerling|klasgenoot|collega|medewerker)\b")


_OUTSIDE_SCHOOL = re.compile(r"\b(speelt|gebeurt|gebeurde|vindt plaats|is) (\w+ ){0,2}buiten (de |onze |de eigen )?school\b|"
                             r"\b(speelt|gebeurt) (het |dit |dat )?niet (op|in) (de |onze )?school\b|"
                             r"\b(op|in) (de |onze )?school (speelt|gebeurt) (het|dit|dat) niet\b|"
                             r"\bbuiten (de )?school(tijd)?\b")
# An OM asker speaking of the file of a running investigation: strafvorderlijke gegevens
_CASE_FILE = re.compile(r"\b(uit|in) " + _DET + r" (\w+ )?(straf)?dossier\b|\b(in|uit) (het|een) (lopend )?onderzoek naar\b|\blopende (straf)?zaak\b|"
                        # a case still with the OM, or a suspect in a case: a running criminal case
                        r"\b(de|deze|die|een) zaak (ligt|loopt) (nog )?bij (ons|het om)\b|\bverdacht wordt van\b|"
                        r"\bverdachte (\w+ ){0,2}in (een|de|het) (zaak|onderzoek|strafzaak)\b")
_WEAPON = r"(vuur)?wapen\w*|mes|messen|pistool|revolver|geweer|machete|bijl"
# A time in the next hours or days ("vanavond", "dit weekend"): what makes a threat acute.
_NEAR_TIME = re.compile(r"\b(vanavond|vannacht|vandaag|morgen|straks|dit weekend|deze week|nu meteen|zo meteen)\b")
# Someone shows or has a weapon and says, in the same text, that he will do something within hours or days.
_ACUTE_THREAT = re.compile(
    r"\b(" + _WEAPON + r")\b[^?]{0,140}\b(zei|zegt|dreigt|dreigde|riep|appte|schreef|kondigde)\b[^.?!]{0,80}"
    r"\b(vanavond|vannacht|morgen|straks|dit weekend|deze week)\b|"
    r"\b(zei|zegt|dreigt|dreigde|riep|appte|schreef)\b[^.?!]{0,80}\b(vanavond|vannacht|morgen|straks|dit weekend|deze week)\b"
    r"[^?]{0,140}\b(" + _WEAPON + r")\b")
# The asker told the person why and what would follow before the consent (informed consent).
_INFORMED = re.compile(r"\b(besproken|uitgelegd|verteld|geinformeerd|uitleg gegeven)\b[^.?!]{0,120}\b(waarom|doel|gevolgen)\b")
_EXPLAINED = re.compile(r"\b(leggen|legt|legde|legden) (\w+ ){0,3}uit waarom\b|\buitgelegd waarom\b|\bonderbouwd\b|"
                        r"\b(onderbouwt|onderbouwen|onderbouwde|onderbouwden) (\w+ ){0,3}waarom\b|"
                        r"\bmet (een )?onderbouwing\b")


def _by_role(facts: dict[str, Any], text: str) -> None:
    """Facts whose meaning depends on the asker's plan (in place)."""
    rol = facts.get("rol")
    plan = facts.get("plan") or _PLAN_OF_ROL.get(rol or "")
    told = facts.pop("_strafbaar_verteld", False)
    if "ontvanger" not in facts:
        found = _recipient(_without_own_org(_resolve_anaphora(text)), rol)
        if found:
            facts["ontvanger"] = found
    if plan == "zorg":
        if facts.get("strafbaar_feit") == "geconstateerd" or (told and "strafbaar_feit" not in facts):
            facts["strafbaar_feit"] = "buiten_hulpverlening"  # heard of (or shown) in the treatment
    elif plan in ("gemeenten", "onderwijs"):
        if facts.get("strafbaar_feit") == "binnen_hulpverlening":
            facts.pop("strafbaar_feit")
        if told and "strafbaar_feit" not in facts and re.search(
                r"\b(zag|zie|had|heeft|zagen|liet|toonde|vond|vonden|gevonden|aangetroffen|ontdekte)\b", text):
            facts["strafbaar_feit"] = "geconstateerd"
        if "strafbaar_feit" not in facts and _VIOLENCE_AT_WORK.search(text):
            facts["strafbaar_feit"] = "geconstateerd"  # violence against staff or a pupil, seen by the school/gemeente
    elif plan in ("politie", "justitie") and facts.get("strafbaar_feit") in ("geconstateerd", "binnen_hulpverlening"):
        facts.pop("strafbaar_feit")
    if plan == "zorg" and "soort_hulpverlener" not in facts:
        kind = _care_kind(text)
        if kind:
            facts["soort_hulpverlener"] = kind
    if (plan == "zorg" and facts.get("ots_uitgesproken") and facts.get("verzoek_gi_onderbouwd")
            and facts.get("ontvanger") == "gecertificeerde_instelling"):
        facts.setdefault("informatieplicht_ots", True)
    if plan == "gemeenten" and facts.get("ontvanger") == "andere_afdeling_gemeente" and re.search(
            r"\b(jeugdhulp|wmo|schuldhulp\w*|uitkering\w*|participatiewet|bijstand)\b", text):
        facts.setdefault("doel_verenigbaar", False)  # the handreiking's example: collected for public order, not for care
    if plan == "onderwijs" and _OUTSIDE_SCHOOL.search(text):
        facts.setdefault("taak_algemeen_belang", False)  # the school's task is social safety at school
    if plan == "politie" and facts.get("ontvanger") == "burgemeester" and facts.get("verstrekkingsdoel") == "handhaven_openbare_orde":
        facts.setdefault("ontvanger_behoeft_voor_taak", True)  # the mayor's own public-order measure (gebiedsverbod ...)
    if plan == "justitie" and _CASE_FILE.search(text):
        facts.setdefault("in_strafdossier_of_om_systeem", True)
        facts.setdefault("categorie_wjsg", "strafvorderlijk")
    if plan == "justitie" and facts.get("categorie_wjsg") not in (None, "geen"):
        facts.setdefault("in_strafdossier_of_om_systeem", True)  # a Wjsg category names data the OM holds
    if facts.get("ernstige_schade_waarschijnlijk") is not False and _ACUTE_THREAT.search(text):
        # a concrete threat with a time and a weapon: the handreiking's example of acute danger
        facts.setdefault("ernstige_schade_waarschijnlijk", True)
    if plan == "politie" and facts.get("ernstige_schade_waarschijnlijk") and _NEAR_TIME.search(text):
        # a threat to life tonight is the "zekere, levensbedreigende situatie" of an incidental provision
        facts.setdefault("zwaarwegend_algemeen_belang", True)
    if facts.get("toestemming") is True and _INFORMED.search(text):
        facts.setdefault("toestemming_geinformeerd", True)  # told why and what follows, then agreed
    if _EXPLAINED.search(text):  # the requesting party explained why it needs the data
        if facts.get("ontvanger") == "gecertificeerde_instelling":
            facts.setdefault("verzoek_gi_onderbouwd", True)
        elif facts.get("ontvanger") == "raad_kinderbescherming":
            facts.setdefault("noodzakelijk_voor_taak_rvdk", True)
    if plan == "onderwijs" and re.search(r"\b(bevel|vordering) (gegeven|gegeven om|van de politie)|"
                                         r"(heeft|hebben) (ons|mij) (een )?(\w+ )?(bevel|vordering)", text):
        facts.setdefault("wettelijke_plicht", True)  # the handreiking's own example for schools
    if plan == "zorg":
        # In plan zorg these are derived (OTS request, meldrecht): never set them from loose wording.
        for name in ("wettelijke_plicht", "taak_algemeen_belang", "gerechtvaardigd_belang"):
            facts.pop(name, None)
    if plan != "justitie":
        facts.pop("contra_indicatie_belang", None)
    else:
        facts.pop("zwaarwegend_algemeen_belang", None)
    if plan == "justitie" and facts.get("ontvanger") == "openbaar_ministerie":
        facts.pop("ontvanger")  # "Mag het OM ..." names the asker, not the recipient
    if plan == "politie" and facts.get("ontvanger") == "politie" and rol == "bevoegde_autoriteit" and not re.search(
            r"\bde politie (vraagt|wil|belt)", text):
        facts.pop("ontvanger")


def extract_deterministic(question: str, known: dict[str, Any] | None = None) -> dict[str, Any]:
    """Facts the question states clearly, by pattern. Unfiltered: see `filter_facts`. `known` (facts
    the user gave, e.g. the role answered in the panel) only decides how plan-dependent wording is
    named; it is not copied into the result."""
    return extract(question, known).stated


@dataclass(frozen=True)
class Extracted:
    stated: dict[str, Any]  # what the question says
    assumed: dict[str, Any]  # what the situation implies: shown to the user, changeable, never over stated facts


# Words that make a question about an identifiable person (the data are personal data).
_PERSON_WORD = re.compile(r"\b" + _PERSON + r"\b|\b(naam|namen|adres|adresgegevens|dossier|mutaties)\b")
_OFFENCE_WORD = re.compile(
    r"\b(bedreig\w*|geslagen|\w*mishandel\w*|geweld\w*|wapen\w*|vuurwapen|mes|strafbaar|aangifte|diefstal|gestolen|"
    r"inbraak|ingebroken|neergestoken|neerschieten|steekpartij|schietincident|vernieling|drugs|misdrijf|verdachte|delict|"
    r"schotwond\w*|steekwond\w*|overval\w*|overgevallen)\b"
)
# Someone asks the asker for the data (the direction "asked" rather than "I want to tell").
_ASKED = re.compile(
    r"\b(de politie|de wijkagent|een agent|de recherche|een rechercheur|de rechercheur|een boa|de boa|de officier van justitie|"
    r"het om|de gemeente|de wethouder|de leerplichtambtenaar|de burgemeester|de gecertificeerde instelling|de raad voor de kinderbescherming|veilig thuis|de marechaussee|"
    r"de koninklijke marechaussee|een woningcorporatie|de woningcorporatie)\b"
    r"[^.?!]{0,60}\b(vraagt|vragen|vroeg|belt|belde|wil weten|wil graag|wil hebben|wil van (ons|mij)|heeft (ons|mij) een bevel|"
    r"vordert|eist|verzoekt|heeft gevraagd|heeft verzocht)\b"
)
_MELDPUNTEN = {"veilig_thuis", "raad_kinderbescherming", "verwijsindex"}
_JUSTICE_PARTNERS = {"politie", "openbaar_ministerie", "koninklijke_marechaussee", "rijksrecherche", "boa"}


# The asker's own knowledge: a first person who saw, heard or kept it, or "our" file/register/list.
_OWN_KNOWLEDGE = re.compile(
    r"\b(ik|wij|we)\b (\w+ ){0,5}?(zag|zagen|zie|zien|gezien|hoorde|hoorden|gehoord|merkte|merkten|gemerkt|"
    r"constateerde\w*|geconstateerd|bijgehouden|verzameld|vastgelegd|geregistreerd|aangetroffen|ontdekt\w*)\b|"
    r"\b(zag|zagen|zie|zien|hoorde|hoorden|merkte|merkten|constateerde|constateerden) (ik|wij|we)\b|"
    r"\b(heb|hebben) (ik|wij|we) (\w+ ){0,3}?(dossier|signalen|gegevens|informatie|overzicht|lijst|namen)\b|"
    r"\b(ik|wij|we) (heb|hebben) (\w+ ){0,3}?(dossier|signalen|gegevens|informatie|overzicht|lijst|namen)\b|"
    r"\b(mijn|onze|ons) (\w+ ){0,2}?(dossier|register|registratie|administratie|meldingen|notities|groepsaanpak|"
    r"overzicht|lijst|systeem|bestand)\b|"
    r"\blie(t|ten) (\w+ ){0,6}?zien\b")
_POLICE_DATA = re.compile(r"\bpolitie-?(informatie|gegevens|registratie)\b|\b(informatie|gegevens) (van|uit|afkomstig van) de politie\b")
# A pupil's school year implies an age band; only years whose every pupil is under 12 (the onderwijs
# plan's first consent band) are used, at the youngest age of that year, and shown as an assumption.
_GROEP = re.compile(r"\b(in |uit )?groep ([1-7])\b")
_YOUNG_CHILD = {"baby": 0, "peuter": 2, "kleuter": 4}


def _school_age(text: str) -> int | None:
    m = _GROEP.search(text)
    if m and re.search(r"\b(leerling|kind|jongen|meisje|klas|school)", text):
        return int(m.group(2)) + 3
    for word, age in _YOUNG_CHILD.items():
        if re.search(rf"\b{word}s?\b", text):
            return age
    return None


def _states(pat: Pattern, text: str) -> bool:
    """Whether the text states the pattern's value: a match of a positive value right after a negation
    ("geen rechercheonderzoek", "zonder strafdossier") is not a statement of it."""
    negative = pat.value is False or pat.value == "geen"
    for m in pat.regex.finditer(text):
        if negative or not _negated_at(text, m.start()):
            return True
    return False


def extract(question: str, known: dict[str, Any] | None = None) -> Extracted:
    """Stated facts (patterns) and the facts the situation implies (assumptions). Neither holds a
    fact `known` already has; explicit facts always win (see answer.prepare)."""
    known = dict(known or {})
    text = with_articles(fold(question, single_spaces=True))
    stated: dict[str, Any] = {}
    rol = detect_rol(question)
    if rol:
        stated["rol"] = rol
    m = _PLAN_NAME.search(text)
    if m:
        stated["plan"] = "politie" if m.group(1) else "justitie"
    own_org = _without_own_org(text)  # recipients are looked for outside the asker's own organisation
    for pat in PATTERNS:
        if pat.fact in stated:
            continue
        if _states(pat, own_org if pat.fact == "ontvanger" else text):
            stated[pat.fact] = pat.value
    m = _AGE.search(text)
    if m:
        age = int(m.group(1) or m.group(2) or m.group(3))
        if 0 < age < 100:
            stated["leeftijd_betrokkene"] = age

    assumed: dict[str, Any] = {}
    if "rol" not in known and "rol" not in stated and "plan" not in known and "plan" not in stated:
        guess = implied_rol(question)
        if guess:
            assumed["rol"] = guess
    # plan-dependent wording is named with the role the user gave, else the stated or implied one
    ctx = {**assumed, **stated, **{k: v for k, v in known.items() if k in ("rol", "plan")}}
    _by_role(ctx, text)
    stated = {k: v for k, v in ctx.items() if k not in ("rol", "plan") or k in stated}
    stated.pop("_strafbaar_verteld", None)

    facts = {**assumed, **stated, **known}
    plan = facts.get("plan") or _PLAN_OF_ROL.get(facts.get("rol") or "")

    def assume(name: str, value: Any) -> None:
        if name not in facts:
            assumed[name] = value
            facts[name] = value

    asked = bool(_ASKED.search(text))
    if asked and not re.search(r"\baangifte\b", text):
        assume("wil_aangifte_doen", False)  # the police ask you: you are not filing an aangifte
    if _PERSON_WORD.search(text) and not re.search(r"\banoniem|zonder (enige )?herleidbare|\bcijfers\b", text):
        assume("is_persoonsgegeven", True)  # a pupil, a client, a suspect: a personal data subject
    if plan == "zorg":
        if not re.search(r"\banoniem", text):
            assume("anoniem_overleg", False)  # the question is about sharing, not an anonymous consultation
        if not _OFFENCE_WORD.search(text):
            assume("strafbaar_feit", "geen")
        if facts.get("strafbaar_feit") in ("geen", "buiten_hulpverlening") or asked:
            assume("wil_aangifte_doen", False)
        if facts.get("ontvanger") and facts["ontvanger"] not in _MELDPUNTEN:
            assume("meldrecht", "geen")  # a meldrecht exists only towards Veilig Thuis, the Raad, the Verwijsindex
        elif facts.get("ontvanger") in _MELDPUNTEN:
            assume("meldrecht", facts["ontvanger"])  # passing data to a meldpunt is using its meldrecht
    if plan == "politie" and facts.get("is_persoonsgegeven") is not False and not re.search(
            r"\b(apv|burgemeesterstaak|interne bedrijfsvoering|personeel\w*)\b", text):
        assume("verwerkt_voor_politietaak", True)  # what police staff know of a person, they know from police work
    if plan in ("gemeenten", "onderwijs", "zorg") and "herkomst_gegevens" not in facts and _POLICE_DATA.search(text):
        assume("herkomst_gegevens", "wpg")  # the asker is not the police, the data are: received from the police
    age = _school_age(text)
    if age is not None:
        assume("leeftijd_betrokkene", age)
    if "herkomst_gegevens" not in facts and (plan in ("onderwijs", "politie", "justitie") or (
            plan == "gemeenten" and _OWN_KNOWLEDGE.search(text))):
        # Only the gemeenten plan reads the origin (onderwijs defaults it in its rules). A gemeente
        # routinely holds police data for public order (gebiedsverbod), and "eigen" is the permissive
        # answer there, so it is assumed only when the asker says the knowledge is the gemeente's own
        # (seen, heard, kept in its own file); otherwise the origin is asked.
        assume("herkomst_gegevens", "eigen")
    if plan == "justitie" and facts.get("ontvanger") and facts["ontvanger"] not in _JUSTICE_PARTNERS:
        assume("doel_binnen_strafrechtspleging", False)
    if facts.get("rol") == "zorg_hulpverlener" and plan in ("onderwijs", "gemeenten", "politie"):
        # a hulpverlener who follows another plan still has a beroepsgeheim ("Voor iedere zorg- en
        # hulpverlener geldt een beroepsgeheim"): the stricter reading, shown and changeable
        assume("beroepsgeheim", True)
    if plan in ("onderwijs", "politie") and not re.search(
            r"\b(arts|verpleegkundige|schoolmaatschappelijk|maatschappelijk werk\w*|psycholoog|jeugdverpleegkundige|"
            r"beroepsgeheim|\w*hulpverlener)\b", text):
        assume("beroepsgeheim", False)
    return Extracted(stated={k: v for k, v in stated.items() if k not in known},
                     assumed={k: v for k, v in assumed.items() if k not in known and k not in stated})


# How an assumption reads in the answer: per (fact, value) where the value says it all, else per fact.
_ASSUMPTION_VALUE_LABELS = {
    ("wil_aangifte_doen", False): "u doet geen aangifte", ("is_persoonsgegeven", True): "het gaat om persoonsgegevens",
    ("is_persoonsgegeven", False): "niet: het gaat om persoonsgegevens",
    ("anoniem_overleg", False): "het gaat niet om anoniem collegiaal overleg",
    ("meldrecht", "geen"): "geen meldrecht (de ontvanger is geen meldpunt)",
    ("meldrecht", "veilig_thuis"): "u gebruikt het meldrecht bij Veilig Thuis",
    ("meldrecht", "raad_kinderbescherming"): "u gebruikt het meldrecht bij de Raad voor de Kinderbescherming",
    ("meldrecht", "verwijsindex"): "u gebruikt het meldrecht van de Verwijsindex",
    ("herkomst_gegevens", "eigen"): "de gegevens komen uit uw eigen organisatie",
    ("herkomst_gegevens", "wpg"): "de gegevens komen van de politie",
    ("herkomst_gegevens", "wjsg"): "de gegevens komen van het OM",
    ("doel_binnen_strafrechtspleging", False): "het doel ligt buiten de strafrechtspleging",
    ("beroepsgeheim", False): "geen beroepsgeheim", ("beroepsgeheim", True): "u heeft als hulpverlener een beroepsgeheim",
    ("verwerkt_voor_politietaak", True): "de gegevens zijn verwerkt voor de politietaak",
}
_ASSUMPTION_LABELS = {"rol": "uw rol", "strafbaar_feit": "soort strafbaar feit",
                      "leeftijd_betrokkene": "leeftijd (afgeleid uit de groep of het woord in uw vraag)"}


def describe_assumptions(assumed: dict[str, Any]) -> str:
    """One Dutch line naming the assumptions, for the answer text (the panel shows them editable)."""
    parts = []
    for name, value in assumed.items():
        fixed = _ASSUMPTION_VALUE_LABELS.get((name, value)) if isinstance(value, (str, bool)) else None
        if fixed:
            parts.append(fixed)
            continue
        label = _ASSUMPTION_LABELS.get(name, name.replace("_", " "))
        shown = value.replace("_", " ") if isinstance(value, str) else ("ja" if value is True else "nee" if value is False else value)
        parts.append(f"{label}: {shown}")
    return ("Aangenomen uit uw vraag (niet genoemd; pas aan in het stappenplan als het anders is): "
            + "; ".join(parts) + ".")


# ---------------------------------------------------------------- the fact dictionary


def _spec_type(spec: Any) -> str:
    return str(getattr(spec, "type", None) or (spec.get("type") if isinstance(spec, dict) else "") or "")


def _spec_values(spec: Any) -> tuple[str, ...]:
    for attr in ("values", "options", "enum"):
        v = getattr(spec, attr, None)
        if v is None and isinstance(spec, dict):
            v = spec.get(attr)
        if v and not callable(v):
            return tuple(str(x) for x in v)
    return ()


def _spec_question(spec: Any) -> str:
    for attr in ("question", "vraag", "text"):
        v = getattr(spec, attr, None)
        if v is None and isinstance(spec, dict):
            v = spec.get(attr)
        if v:
            return str(v)
    return ""


def filter_facts(
    facts: dict[str, Any],
    fact_specs: dict[str, Any],
    validate: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    source: str = "extractor",
) -> dict[str, Any]:
    """Keep only facts the dictionary knows with a valid value; each fact is checked on its own
    so one bad value never discards the rest. `validate` is the engine's validate_facts."""
    kept: dict[str, Any] = {}
    for name, value in facts.items():
        if name not in fact_specs:
            # the patterns may know facts a newer rule set adds; only a model inventing names is news
            (log.warning if source == "taalmodel" else log.debug)("feit verworpen (%s): onbekende naam %r", source, name)
            continue
        try:
            normalised = validate({name: value}) if validate else {name: value}
        except Exception as exc:  # FactError from the engine; only the name is logged
            log.warning("feit verworpen (%s): ongeldige waarde voor %r (%s)", source, name, type(exc).__name__)
            continue
        kept[name] = normalised.get(name, value)
    return kept


# ---------------------------------------------------------------- language-model facts


def fact_list_for_prompt(fact_specs: dict[str, Any], names: Iterable[str] | None = None) -> str:
    """One line per fact: name, type, allowed values, the Dutch question."""
    lines = []
    for name in names or fact_specs:
        spec = fact_specs[name]
        kind = _spec_type(spec) or "?"
        values = _spec_values(spec)
        allowed = f" ({' | '.join(values)})" if values else ""
        question = _spec_question(spec)
        lines.append(f"- {name}: {kind}{allowed}" + (f" — {question}" if question else ""))
    return "\n".join(lines)


_JSON_OBJECT = re.compile(r"\{.*\}", re.DOTALL)


def parse_json_facts(text: str) -> dict[str, Any]:
    """The first JSON object in a model reply ({} when there is none or it does not parse)."""
    m = _JSON_OBJECT.search(text or "")
    if not m:
        return {}
    try:
        data = json.loads(m.group(0))
    except json.JSONDecodeError:
        log.warning("feitextractie door taalmodel: geen geldige JSON")
        return {}
    return data if isinstance(data, dict) else {}


# The facts a question typically states, shown to the model. The full dictionary (~100 facts)
# would make the prompt too long for a small local model; the engine asks for the rest.
PROMPT_FACTS: tuple[str, ...] = tuple(dict.fromkeys(
    ["rol", "ontvanger", "toestemming", "strafbaar_feit", "wil_aangifte_doen", "is_persoonsgegeven",
     "bijzonder_persoonsgegeven", "strafrechtelijk_persoonsgegeven", "leeftijd_betrokkene", "verstrekkingsdoel",
     "wettelijke_plicht", "is_noodzakelijk", "is_proportioneel", "subsidiair"]
    + [p.fact for p in PATTERNS]
))


def extract_with_llm(question: str, llm, settings, fact_specs: dict[str, Any]) -> dict[str, Any]:
    """Raw facts from the model's JSON reply (unfiltered)."""
    from langchain_core.messages import HumanMessage, SystemMessage

    from deelwijzer.prompts import load_prompt

    template = load_prompt(settings, "facts")
    names = [n for n in PROMPT_FACTS if n in fact_specs]
    system, user = template.render(fact_list=fact_list_for_prompt(fact_specs, names), question=question)
    reply = llm.invoke([SystemMessage(content=system), HumanMessage(content=user)])
    return parse_json_facts(getattr(reply, "content", str(reply)))


def merge_facts(*layers: dict[str, Any]) -> dict[str, Any]:
    """Later layers win: merge_facts(llm, deterministic, explicit)."""
    merged: dict[str, Any] = {}
    for layer in layers:
        merged.update(layer)
    return merged
