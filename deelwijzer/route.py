"""Routing: is the question a sharing decision, and what is the asker's role (`rol`)?

We only map text to the `rol` fact; which stappenplan follows from `rol` is the rules engine's
routing table (rules YAML), so it is never duplicated here."""

from __future__ import annotations

import re
from dataclasses import dataclass

from deelwijzer.textnorm import fold, split_sentences_nl


# A modal/decision phrase plus a sharing verb = a sharing-decision question (issue 15: every question
# whether someone may or must share, provide, report, tell or pass on data, role stated or not).
_MODAL = re.compile(
    r"\b(mag|mogen|moet|moeten|kan|kunnen|kun|ben ik verplicht|zijn wij verplicht|is het toegestaan|"
    r"toegestaan|verplicht|mag dat|kan dat|is dat toegestaan|mag het|mogelijk|wat nu|wat moet|hoe moet|"
    r"stappenplan\w*|wil ik|wij willen|we willen|ik wil|hoe zit het|is het (wel )?(goed|ok|oke|verstandig))\b"
)
_SHARE = re.compile(
    r"\b(del(en|e)|deel|gedeeld|verstrek\w*|meld(en|t|ing)?|gemeld|doorge\w*|door te geven|doorgeven|doorsturen|"
    r"geven|geef|gegeven|informeren|inlichten|uitwissel\w*|vertellen|vertel|bespreken|tip\w*|ter beschikking|"
    r"aangifte|melding|laten weten|bevestigen|mailen|sturen|opsturen|bellen|noemen|vermelden|"
    r"overdragen|overdracht|inschakelen|waarschuwen|verstrekt|informatie (geven|delen)|stappenplan|"
    r"op de hoogte (brengen|stellen)|contact opnemen|doorspelen|doorzetten|meewerken|verzoek|vordering|kopie|"
    r"meegeven|inseinen|terugkoppelen|rapporteren|signaleren|tonen|laten zien|inlichten|berichten|zeggen|"
    r"overleg\w*|voorleggen|"
    r"(gegevens|informatie|dossier\w*|namen|adres\w*) (\w+ ){0,4}(gebruiken|verwerken|opnemen))\b"
)
# Separable verbs of passing data on (issue 15), in both forms a question uses: "doorgeven" and
# "door te geven" ("Ben ik verplicht de politie in te lichten?"). (particle, verb stems).
_SEPARABLE: tuple[tuple[str, str], ...] = (
    ("in", "licht|lichten"), ("door", "geven|geef|sturen|stuur|zetten|zet|spelen|speel|verwijzen"), ("af", "geven|geef"),
    ("aan", "melden|meld|geven|geef|leveren|lever"), ("toe", "sturen|stuur|zenden|lichten"),
    ("mee", "sturen|stuur|geven|geef|delen|deel|werken|werk"), ("op", "sturen|stuur|geven"),
    ("over", "dragen|draag|handigen|handig|leggen"), ("in", "brengen|breng|schakelen|schakel|zien"), ("uit", "wisselen|wissel"),
    ("ver", "strekken|strek|schaffen"), ("na", "sturen"),
)
_SHARE_SEPARABLE = re.compile(r"\b(" + "|".join(
    rf"{part}(ge)?(?:{stems})|{part} te (?:{stems})" for part, stems in _SEPARABLE) + r")\b")
# Other ways professionals put it: contact someone about a person, answer the police, testify.
_SHARE_OTHER = re.compile(
    r"\b(benaderen|te woord staan|antwoord geven|(een )?verklaring afleggen|getuigen|zorgmelding|signaal afgeven|"
    r"inzage (geven|verlenen|bieden)|laten inzien|op de hoogte te (brengen|stellen)|aangeven bij|"
    r"(vragen|verzoek) (van|door) (de|het|een) \w+ beantwoorden|"
    r"(mag|mogen|kan|kunnen) (ik|wij|we) ((hem|haar|hen|die|deze|de \w+) )?(antwoorden|terugmailen)|"
    # verb forms of "bespreken", "informeren", "vertellen" the list above leaves out
    r"bespreek|bespreekt|besproken|informeer|informeert|vertelt|verteld|deelt)\b"
)
_REQUEST = re.compile(  # "wil niet dat zijn gegevens ..." objects to sharing, it asks for nothing
    r"\b(vraagt|vragen|vroeg|wil|willen|verzoekt|vordert|eist)\b(?! niet\b)[^.?!]{0,60}\b(gegevens|informatie|dossier\w*|adres\w*|"
    r"naam|namen|inzage|inzien|weten|hebben|krijgen|ontvangen|beelden|camerabeelden|verslag|rapport\w*)\b"
)
_NOT_DECISION = re.compile(r"^(wat is|wat zijn|wat betekent|wat houdt|welke rol|hoe werkt|wie is)\b")
# Questions about access, storage or requesting data are not a decision to pass data on to a third
# party (inzagerecht, bewaren, opvragen bij een ander): the stappenplannen do not decide those.
_NOT_SHARING = re.compile(r"\b(cloud\w*|cookies?)\b")
# the data subject's (or heirs') own right of access is not passing data on to a third party
_ACCESS = re.compile(r"\b(inzage\w*|inzien)\b")
_ACCESS_BY_SUBJECT = re.compile(r"\b(kinderen|nabestaanden|erfgenamen|zelf|eigen dossier|weduwe|weduwnaar|familie|"
                                r"(client|patient|betrokkene)\w* (\w+ ){0,3}(kan|kunnen|mag|mogen) (\w+ ){0,2}inzien)\b")
_NOT_SHARING_VERB = re.compile(r"\b(opslaan|bewaren|verwijderen|opvragen)\b")  # as the question's own verb


# "Mag de politie het dossier van mijn cliënt inzien?": a party receiving data the asker holds as a
# professional is the asker's decision to share, seen from the recipient's side.
RECEIVES = re.compile(r"[^.?!]{0,80}?\b(weten|inzien|in te zien|krijgen|hebben|ontvangen|opvragen|op te vragen|ophalen|"
                       r"inzage (krijgen|hebben)|gebruiken|meekijken)\b")
_HELD_BY_ASKER = re.compile(r"\b((mijn|onze) (client\w*|patient\w*|leerling\w*|school|praktijk|dossier\w*|wijkteam|instelling|"
                            r"organisatie|afdeling|team|gezin\w*|klas)|van (mij|ons)|bij (mij|ons))\b")
_PARTY_SUBJECT = re.compile(r"\b(mag|mogen|kan|kunnen|moet|moeten) (de|het|een)? ?(politie|wijkagent|recherche|rechercheur|"
                            r"officier van justitie|om|openbaar ministerie|gemeente|burgemeester|wethouder|veilig thuis|"
                            r"raad voor de kinderbescherming|gecertificeerde instelling|jeugdbeschermer|school|huisarts|"
                            r"woningcorporatie|boa|reclassering|leerplichtambtenaar|inspectie|werkgever)\b")


def _party_receives_held_data(text: str) -> bool:
    m = _PARTY_SUBJECT.search(text)
    return bool(m and RECEIVES.match(text, m.end()) and _HELD_BY_ASKER.search(text))


def is_sharing_question(question: str) -> bool:
    text = fold(question, single_spaces=True)
    if _party_receives_held_data(text):
        return True
    if _NOT_DECISION.search(text.strip()) and not re.search(r"\bmag (ik|wij|we|het|de|een)\b", text):
        return False
    if _NOT_SHARING.search(text):
        return False
    if _ACCESS.search(text) and _ACCESS_BY_SUBJECT.search(text):
        return False
    sentences = split_sentences_nl(text.strip(), breaks="every_stop")
    if sentences and _NOT_SHARING_VERB.search(sentences[-1]):
        return False
    if _MODAL.search(text) and (_SHARE.search(text) or _SHARE_SEPARABLE.search(text) or _SHARE_OTHER.search(text)):
        return True
    # someone asks the asker for data ("De politie wil het adres van ... hebben. Mag dat?")
    return bool(_MODAL.search(text) and _REQUEST.search(text))


# (pattern over folded text, rol). Order matters: the most specific first.
_ROLE_TERMS: tuple[tuple[str, str], ...] = (
    (r"boa\b.{0,40}\bgemeente|gemeente\w*.{0,40}\bboa\b|gemeentelijke boa|handhaver|handhaving", "gemeente_boa"),
    (r"\bboa('s)?\b|buitengewoon opsporingsambtenaar", "bevoegde_autoriteit"),
    (r"politie(?!-?(informatie|gegevens|rapport|dossier|registratie))\w*|wijkagent|agent\b|hoofdagent|brigadier|rechercheur|marechaussee|fiod|opsporingsdienst|rijksrecherche",
     "bevoegde_autoriteit"),
    (r"officier van justitie|\bofficier\b(?! van dienst)|openbaar ministerie|\bom-\w+|\bom (medewerker|jurist)|medewerker (van het|bij het) om\b|\bhet om\b|parket\w*|^om\b", "om"),
    (r"(medewerker|ambtenaar|adviseur)\w* (openbare orde|veiligheid|ov)\b|openbare[- ]?orde|burgemeester|"
     r"team veiligheid|afdeling veiligheid|\boov\b|oov-\w+|veiligheidsregisseur", "gemeente_openbare_orde"),
    (r"(hulpverlener|wijkteam\w*|jeugdconsulent|consulent|sociaal domein)\w*.{0,40}\bgemeente|"
     r"gemeente\w*.{0,30}\b(wijkteam|hulpverlen|sociaal domein|jeugdconsulent)", "gemeente_hulpverlener"),
    (r"wijkteam\w*|hulpverlener|zorgverlener|zorgprofessional|huisarts|\barts\b|psychiater|psycholoog|"
     r"ggz\w*|jeugdhulp\w*|jeugdzorg\w*|jeugdbeschermer|jeugdreclassering|maatschappelijk werk\w*|"
     r"gezinscoach|jongerenwerk\w*|verpleegkundige|verloskundige|fysiotherapeut|behandelaar|"
     r"doktersassistent|praktijkondersteuner|veilig thuis[- ]?medewerker|^\s*(bij|voor) veilig thuis|jeugdarts|kinderarts|tandarts|apotheker|"
     r"gz-psycholoog|orthopedagoog|gezinsvoogd|casemanager|sociaal werker|\w*begeleider\b|crisisdienst|"
     r"verslavingszorg|\bggd\b|thuiszorg|wijkverpleegkundige", "zorg_hulpverlener"),
    (r"leraar|leerkracht|docent|mentor|zorgco[oö]rdinator|intern begeleider|schoolleider|"
     r"conrector|\brector\b|schooldirecteur|afdelingsleider|"
     r"onderwijs\w*|\bschool\b|basisschool|middelbare school|\bmbo\b|leerling", "onderwijs"),
)
_HERE = re.compile(r"^\s*(?P<rest>[\w -]{2,40}?) hier\b")
_SELF = re.compile(
    r"\b(ik ben|ik werk|ik zit|wij zijn|we zijn|als|werkzaam|in dienst|namens|vanuit|(ons|mij|wij|we) bij)\b(?P<rest>.{0,80})"
)
# the subject of "Mag de officier van justitie ...": a noun, optionally with "van/voor X" or one more word
_SUBJECT = re.compile(r"\b(mag|mogen|moet|moeten|kan|kunnen)\s+(?P<rest>(het|de|een|onze|mijn)?\s*\w+(\s(van|voor)\s\w+|\s[\w-]+)?)")


@dataclass(frozen=True)
class Route:
    is_decision: bool
    rol: str | None


def _role_in(window: str) -> str | None:
    """The role named earliest in the window (ties: the more specific pattern)."""
    best: tuple[int, int, str] | None = None
    window = window.strip()  # "als OM verplicht ...": the window starts after "als", its "^om" must match
    for order, (pattern, rol) in enumerate(_ROLE_TERMS):
        m = re.search(pattern, window)
        if m and (best is None or (m.start(), order) < best[:2]):
            best = (m.start(), order, rol)
    if best and best[2] in _MORE_SPECIFIC:
        specific = _MORE_SPECIFIC[best[2]]
        if any(r == specific and re.search(p, window) for p, r in _ROLE_TERMS):
            return specific  # "gezinscoach in het wijkteam, in dienst van de gemeente": the gemeente's hulpverlener
    return best[2] if best else None


# A generic role and its more specific kind named elsewhere in the same self-description.
_MORE_SPECIFIC = {"zorg_hulpverlener": "gemeente_hulpverlener", "bevoegde_autoriteit": "gemeente_boa"}


def detect_rol(question: str) -> str | None:
    """The asker's role, from a self-description ("Ik ben wijkteammedewerker", "Als leraar ...")
    or, failing that, the subject of the question ("Mag het OM ..."). None when not stated."""
    text = fold(question, single_spaces=True)
    windows = [_clause(m.group("rest")) for m in _SELF.finditer(text)]
    m = _HERE.match(text)  # "Wijkagent hier.": a spoken self-introduction
    if m:
        windows.insert(0, m.group("rest"))
    # "Mag de politie het dossier inzien?": a subject that receives the data is the recipient, not the asker
    windows += [_clause(m.group("rest")) for m in _SUBJECT.finditer(text) if not RECEIVES.match(text, m.end())]
    for window in windows:
        rol = _role_in(window)
        if rol:
            return rol
    return None


# Situations that imply the asker's role without naming it (issue 15: "tijdens het consult", "mijn
# patiënt" -> zorg; "een leerling van mij" -> onderwijs). These become *assumptions*: shown with the
# answer and in the panel, changeable with one click. (pattern over folded text, rol); first hit wins.
_IMPLIED_ROLE: tuple[tuple[str, str], ...] = (
    # police data of one's own: mutations, "our systems", Wpg wording
    (r"\b(onze|mijn) (mutaties|politiesystemen|systemen|registratie\w*|proces(sen)?-verbaal)\b|"
     r"\bin onze systemen\b|embargo-?onderzoek|\bter beschikking (te )?stellen\b|\bpolitiegegevens (verstrekken|delen)",
     "bevoegde_autoriteit"),
    # care: the consulting room, one's own client or patient, the professional secret
    (r"\b(consult|spreekuur|behandelsessie|in een sessie|tijdens (de|een) sessie|in therapie|"
     r"(bij (mij|ons)|mijn|onze) (in )?behandeling|in behandeling (bij (mij|ons))|"
     r"(mijn|onze) (client|clienten|patient|patienten|praktijk|assistente|behandelrelatie)|"
     r"(een|de) (client|patient) (van (mij|ons)|heeft mij|vertelde mij|vertelt mij|zei tegen mij)|"
     r"(mijn|ons) beroepsgeheim)\b", "zorg_hulpverlener"),
    (r"\b(gecertificeerde instelling|ondertoezichtstelling)\b.{0,120}\bvraagt (mij|ons)\b", "zorg_hulpverlener"),
    # school: one's own pupil, class or pupil meeting
    (r"\b((een|de) leerling (van (mij|ons)|uit (mijn|onze) klas)|(mijn|onze) (leerling|leerlingen|klas|school|"
     r"basisschool|middelbare school|leerlingenzorg)|in (mijn|onze) klas|leerlingbespreking|bij ons op school|op onze school)\b",
     "onderwijs"),
    (r"\b(ons|mijn) (wijkteam|buurtteam|sociaal team|jeugdteam)\b", "zorg_hulpverlener"),
    # one's own caseload, a family one guides, a home visit, what is told in the treatment
    (r"\b(mijn|onze) (caseload|cliente|clienten|gezinnen|pupil)\b|\b(dat|die) (ik|wij|we) (begeleid|begeleiden|behandel|behandelen)\b|"
     r"\b(tijdens|bij) (een|het) huisbezoek\b|\b(in|tijdens) de (behandeling|therapie|hulpverlening)\b", "zorg_hulpverlener"),
    (r"\b(ons|mijn) (politieteam|basisteam|politiebureau|rechercheteam|recherche)\b", "bevoegde_autoriteit"),
    # the setting names the work: a lesson or the schoolyard, a patrol or an arrest, a court hearing
    (r"\b(tijdens|in|na|voor) (de|het|een|mijn) (les|lessen|mentorles|mentoruur|gymles|pauze|schoolreis|ouderavond|"
     r"rapportvergadering)\b|\bop het schoolplein\b", "onderwijs"),
    (r"\b(tijdens|bij|na) (de|een|mijn|onze) (surveillance|noodhulprit|fouillering|staandehouding|insluiting)\b", "bevoegde_autoriteit"),
    (r"\b(op|tijdens|na|ter) (de )?(terechtzitting|zitting)\b", "om"),
    (r"\b(onze|mijn) (openbare[- ]?orde\w*|taak openbare orde)\b", "gemeente_openbare_orde"),
    (r"\b(ons|het) parket\b", "om"),
    # what only the OM does, in the first person ("of we vervolgen", "wij seponeren")
    (r"\b(we|wij) (\w+ )?(vervolgen|seponeren|dagvaarden|gaan vervolgen)\b|\b(vervolgen|seponeren|dagvaarden) (we|wij)\b", "om"),
    # public order: data collected for the mayor's public-order task
    (r"\bvoor de openbare orde (heb|hebben) (\w+ )?verzameld|\bgebiedsverbod\b", "gemeente_openbare_orde"),
    # a suspect's data passed on by the asker (not the OM): the police
    (r"\bverdachte\b.{0,120}\b(aan|bij|met) (het )?halt\b|\b(aangehouden|verhoord|verhoor|in verzekering)\b",
     "bevoegde_autoriteit"),
    (r"\b(een|de|deze|die) ((\d{1,2}-jarige|jonge|oudere|minderjarige|nieuwe) )?leerling(e)?\b", "onderwijs"),
    (r"\b(een|de) (client|patient)\b.{0,140}\b(mij|me|ons|ik)\b", "zorg_hulpverlener"),
    # the asker treats the person: "over de behandeling van haar zoon", "hij is bij mij onder behandeling"
    (r"\b(de|zijn|haar|deze) behandeling (van|bij)\b|\bonder behandeling\b", "zorg_hulpverlener"),
)
# A role is never the recipient's own kind ("Mag ik de school laten weten ..." is not asked by a school).
_RECIPIENT_OF_ROLE = {
    "onderwijs": r"\b(de|een|aan|naar) school\b(?! (is|heeft))",
    # the mayor who asks for data is not the asker's own side
    "gemeente_openbare_orde": r"\bburgemeester\b[^.?!,]{0,60}\b(wil|wilde) (\w+ ){0,6}?(weten|hebben|ontvangen|krijgen|inzien)\b|"
                              r"\bburgemeester\b[^.?!,]{0,40}\b(vraagt|vroeg|verzoekt) (ons|mij|om|of|naar)\b|"
                              r"\b(wil|wilde) de burgemeester (\w+ ){0,6}?(weten|hebben|ontvangen|krijgen)\b|\b(vraagt|vroeg) de burgemeester\b|"
                              # the mayor as a third party who wants a measure, and the asker is to deliver
                              r"\bburgemeester\b[^.?!,]{0,40}\b(wil|wilde|overweegt) (\w+ ){0,5}?(opleggen|nemen|treffen|sluiten)\b"
                              r"[^?]{0,160}\b(aanleveren|leveren|geven|doorgeven|verstrekken|sturen)\b",
}
# "onze jongerenwerk-groep", "ons ggz-team": the asker's own organisation names the role
_OWN_UNIT = re.compile(r"\b(mijn|onze|ons) ([\w-]*(groep|team|praktijk|afdeling|organisatie|instelling|dienst|bureau|kliniek))\b")


# Telegraphic style drops the article of a sentence's first noun ("Leerling (15) had een mes bij zich.",
# "Patiënt heeft me bedreigd.", "Burgemeester wil ..."): the patterns read such a noun with its article.
_BARE_START = re.compile(r"(^|[.!?]\s+)(?=(leerling|leerlinge|client|cliente|patient|patiente|jongere|wijkagent|agent|"
                         r"burgemeester|politie|rechercheur|school|gemeente|officier|moeder|vader|ouders)\b)")


def with_articles(text: str) -> str:
    """Folded text with "de " before a bare noun opening a sentence (see _BARE_START)."""
    return _BARE_START.sub(lambda m: m.group(1) + "de ", text)


def implied_rol(question: str) -> str | None:
    """The asker's role as the situation implies it, when the question does not state it."""
    text = with_articles(fold(question, single_spaces=True))
    if re.search(r"\b(het om|het openbaar ministerie|officier van justitie)\b", text) and re.search(
            r"\bmag (het om|het openbaar ministerie)\b", text):
        return "om"
    for m in _OWN_UNIT.finditer(text):
        rol = _role_in(m.group(2))
        if rol:
            return rol
    for pattern, rol in _IMPLIED_ROLE:
        if re.search(pattern, text):
            blocked = _RECIPIENT_OF_ROLE.get(rol)
            if blocked and re.search(blocked, text):
                continue
            return rol
    return None


def _clause(window: str) -> str:
    """Cut a self-description at the end of its clause, so 'als medewerker openbare orde wil ik de
    politie informeren' names the asker, not the recipient."""
    # ", in dienst van de gemeente" continues the self-description (an apposition), it does not end it
    window = re.sub(r", (?=(in dienst (van|bij)|werkzaam (bij|voor)|bij de|bij het|van de|van het) )", " ", window)
    window = re.split(r"[.,;:?!]| (wil|wilt|willen|mag|mogen|moet|moeten|heb|hebben|zie|zag|hoor) ", window)[0]
    # "als teamleider de politie bellen": the object of an informing verb is the recipient, not the asker
    return re.split(r" (de|het|een|mijn|onze|zijn|haar) [\w-]+ (\w+ )?(bellen|informeren|inlichten|melden|vertellen|tippen|"
                    r"waarschuwen|mailen|laten weten|doorgeven|sturen)\b", window)[0]


# A leading sentence in which the asker introduces themselves ("Ik ben procesregisseur in het
# Veiligheidshuis."), followed by the actual question.
_SELF_SENTENCE = re.compile(r"^\s*((?:ik|wij|we) (?:ben|zijn|werk|werken|zit|zitten)\b[^.?!]*\.)\s+(?=\S)", re.I)


def split_self_description(question: str) -> tuple[str, str]:
    """(self-description, rest) when the question opens with one sentence about the asker, else
    ("", question). The role routes to a plan; it says little about *which passage* answers."""
    m = _SELF_SENTENCE.match(question)
    return (m.group(1), question[m.end():]) if m else ("", question)


def route_question(question: str) -> Route:
    return Route(is_decision=is_sharing_question(question), rol=detect_rol(question))


# A question about the rules in general ("Welke procedure moeten we volgen?", "Hoe lang mag Veilig
# Thuis …?", "Klopt dat?") rather than the asker's own decision ("Mag ik dit delen?"). With no verdict
# yet, the stappenplan's next question adds nothing to its answer (issue 13, blind grade).
_KNOWLEDGE_OPEN = re.compile(
    r"^(en )?(welke|op welke|onder welke|binnen welke|aan welke|hoe lang|hoelang|wat is|wat zijn|wat houdt|"
    r"wat betekent|wat hadden|waarom|wie beslist|wie bepaalt|klopt|betekent|geldt|gelden|telt|speelt|"
    r"is het zo|zijn er|bestaat|hoe gaan|hoe komen|hoe zit|hoe werkt|wordt|worden)\b")
_GENERAL_OPEN = re.compile(r"^(en )?(wanneer|hoe|wat|wie)\b")
_OWN_DECISION = re.compile(r"\b(mag|moet|kan|kun|mogen|moeten|kunnen) (ik|wij|we)\b|\b(ben ik|zijn wij|zijn we) verplicht\b")
# "Welke informatie …, en mag ik daarna vrij praten?" also asks about the asker's own act.
_OWN_PERMISSION = re.compile(r"\b(mag|moet|mogen|moeten) (ik|wij|we)\b|\b(ik|wij|we)\b[^?]{0,60}\b(mag|moet|mogen|moeten)\b|"
                             r"\b(ben ik|zijn wij|zijn we) verplicht\b")


def asks_about_rules(question: str) -> bool:
    """True when every question the text asks is about the rules in general, none about the
    asker's own decision to share."""
    text = fold(question).strip()
    asked = [s.strip() for s in re.split(r"(?<=[?])\s+|(?<=[.!])\s+", text) if s.strip().endswith("?")]
    if not asked:
        return False

    def general(sentence: str) -> bool:
        if _KNOWLEDGE_OPEN.match(sentence):
            return not (_OWN_PERMISSION.search(sentence) and (_SHARE.search(sentence) or "praten" in sentence))
        return bool(_GENERAL_OPEN.match(sentence)) and not _OWN_DECISION.search(sentence)

    return all(general(s) for s in asked)
