"""Does the question name the asker's role in words the stappenplannen do not map?

"Ik ben reclasseringswerker …", "Ik zit in het sociaal team …": the fact dictionary has no such role,
so an assumption drawn from the situation ("mijn cliënt" -> zorg- of hulpverlener) would run a plan
that may not fit the asker (issue 13, round 3: blind grade). Then no role is assumed and the answer
says that the stappenplan needs the role. A self-description that does map (`detect_rol`) is left to
the routing.
"""

from __future__ import annotations

import re

from deelwijzer.route import detect_rol
from deelwijzer.textnorm import fold

# "ik ben <functie>", "ik werk als/bij/in <functie of organisatie>", "ik zit in <team>"
_SELF_ROLE = re.compile(
    r"(?:\b(?:ik ben|wij zijn|we zijn)|^als)\s+(?:een |de |het )?(?P<noun>[a-z][\w&/-]{3,})"
    r"|\b(?:ik werk|wij werken|we werken|ik zit|wij zitten|we zitten|werkzaam)\s+(?:als|bij|in|voor|op)\s+"
    r"(?:een |de |het )?(?P<org>[a-z][\w&/-]{1,}(?: [\w&/-]+){0,3})"
)
# A word after "ik ben" that names a function ("reclasseringswerker", "handhaver", "medewerker",
# "consulent", "coördinator", "regisseur", "teamlid") rather than a state ("bang", "benieuwd").
_FUNCTION_END = re.compile(r"(er|aar|eur|ist|ant|ent|oog|ster|lid|man|vrouw|coach|functionaris|tor)$")
_NOT_A_FUNCTION = frozenset({"zeker", "onzeker", "eerder", "later", "daar", "hier", "verder", "minder",
                             "ouder", "jonger", "nieuwer", "bekender", "ander", "anders", "niet", "zelf",
                             "even", "bijna", "degene", "diegene", "eigenaar", "moeder", "vader", "ouder",
                             "tante", "oom", "buurman", "buurvrouw", "partner"})


def unmapped_self_role(question: str) -> str | None:
    """The role or organisation the asker names for themselves when it maps to no `rol`, else None."""
    text = fold(question, single_spaces=True)
    for m in _SELF_ROLE.finditer(text):
        phrase = m.group("noun") or m.group("org")
        if m.group("noun") and (phrase in _NOT_A_FUNCTION or not _FUNCTION_END.search(phrase)):
            continue
        if detect_rol(m.group(0)) is None:
            return phrase
    return None
