"""Named fakes for the answer layer's unit tests (wiring only). The real engine and index are
exercised in the tests marked `slow` that use the `real_settings` fixture."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from deelwijzer.services import Retrieved
from deelwijzer.step_passage import passage_for_step
from deelwijzer.models import Chunk, Passage, Question, TraceStep, Verdict


@dataclass(frozen=True)
class FakeFactSpec:
    type: str
    values: tuple[str, ...] = ()
    question: str = ""


FAKE_FACTS = {
    "rol": FakeFactSpec("enum", ("zorg_hulpverlener", "gemeente_hulpverlener", "bevoegde_autoriteit", "gemeente_boa",
                                 "om", "gemeente_openbare_orde", "onderwijs", "overig"), "Wat is uw rol?"),
    "toestemming": FakeFactSpec("bool", (), "Heeft de betrokkene toestemming gegeven?"),
    "ontvanger": FakeFactSpec("enum", ("veilig_thuis", "politie", "burgemeester"), "Aan wie wilt u verstrekken?"),
    "meldrecht": FakeFactSpec("enum", ("veilig_thuis", "raad_kinderbescherming", "verwijsindex", "geen")),
    "vermoeden_kindermishandeling_huiselijk_geweld": FakeFactSpec("bool"),
    "strafbaar_feit": FakeFactSpec("enum", ("geen", "binnen_hulpverlening", "buiten_hulpverlening", "geconstateerd"),
                                   "Is er een strafbaar feit gepleegd?"),
}


class FakeFactError(ValueError):
    pass


def fake_validate(facts: dict[str, Any]) -> dict[str, Any]:
    for name, value in facts.items():
        spec = FAKE_FACTS.get(name)
        if spec is None:
            raise FakeFactError(f"onbekend feit {name}")
        if spec.type == "bool" and not isinstance(value, bool):
            raise FakeFactError(name)
        if spec.type == "enum" and value not in spec.values:
            raise FakeFactError(name)
    return dict(facts)


def make_verdict(outcome: str, **kw) -> Verdict:
    base = dict(
        outcome=outcome,
        beslissende_stap="zorg.2",
        basis=("art. 5.2.6 Wmo 2015",),
        trace=(TraceStep(step="zorg.1", title="Stap 1: Aangifte", heading="Stap 1: Aangifte", result="verder"),
               TraceStep(step="zorg.2", title="Stap 2", heading="Stap 2: Doorbreken van het beroepsgeheim",
                         result=outcome)),
        vraag=None,
        voorwaarden=("afweging_vastleggen",) if outcome in ("mag_delen", "verplicht_delen") else (),
        wie=(),
        verwijzing=None,
        rules_version="fake-1",
        plan="zorg",
        heading="Stap 2: Doorbreken van het beroepsgeheim",
    )
    base.update(kw)
    return Verdict(**base)


ASK_STRAFBAAR_FEIT = make_verdict(
    "meer_informatie_nodig",
    basis=(),
    beslissende_stap=None,
    heading=None,
    trace=(TraceStep(step="zorg.1", title="Stap 1: Aangifte", heading="Stap 1: Aangifte"),),
    vraag=Question(fact="strafbaar_feit", text="Is er een strafbaar feit gepleegd?", type="enum",
                   options=("geen", "binnen_hulpverlening", "buiten_hulpverlening")),
)


@dataclass
class FakeRules:
    """Stands in for deelwijzer.rules: a tiny fact dictionary and a fixed verdict."""

    verdict: Verdict = field(default_factory=lambda: make_verdict("mag_niet_delen"))
    evaluated: list[dict[str, Any]] = field(default_factory=list)

    def facts_dictionary(self) -> dict[str, Any]:
        return dict(FAKE_FACTS)

    def validate(self, facts: dict[str, Any]) -> dict[str, Any]:
        return fake_validate(facts)

    def evaluate(self, facts: dict[str, Any], plan: str | None = None) -> Verdict:
        self.evaluated.append(dict(facts))
        return self.verdict


def make_passage(n: int, text: str, legal_era: str = "avg", heading: tuple[str, ...] = ("Stap 2",)) -> Passage:
    chunk = Chunk(
        id=f"fake-doc@1#{n}",
        doc_id="fake-doc",
        title="Fake handvat",
        version="1",
        legal_era=legal_era,  # type: ignore[arg-type]
        source_file="fake.txt",
        heading_path=heading,
        ordinal=n,
        text=text,
        char_start=0,
        char_end=len(text),
        content_hash=f"h{n}",
    )
    return Passage(chunk=chunk, score=1.0 / n, rank=n)


THREE_PASSAGES = [
    make_passage(1, "Bij een vermoeden van kindermishandeling kunt u een melding doen bij Veilig Thuis. "
                    "Het meldrecht geldt ook zonder toestemming van de cliënt."),
    make_passage(2, "Voor iedere zorg- en hulpverlener geldt een beroepsgeheim. Het beroepsgeheim ontstaat door de "
                    "aard van de relatie met de cliënt."),
    make_passage(3, "Persoonsgegevens mogen alleen worden verstrekt als daar een grondslag voor is in de Wbp.",
                 legal_era="wbp"),
]


class FakeRetriever:
    """Returns fixed passages; records the queries it got."""

    def __init__(self, passages=None, relevant: bool = True, score: float | None = None):
        self.passages = list(THREE_PASSAGES if passages is None else passages)
        self.relevant = relevant
        self.score = score  # the refusal model's score, as the real retriever reports it
        self.queries: list[str] = []

    def __call__(self, query: str) -> Retrieved:
        self.queries.append(query)
        return Retrieved(self.passages, self.relevant, "fake", self.score)


@dataclass
class FakeServices:
    """Stands in for deelwijzer.services.Services (the AnswerServices methods): a fake retriever and
    fake rules; the step passage is the real lookup (passage_for_step) over the fake chunks, so the
    answer's verdict citation runs in the wiring tests too."""

    retriever: Callable[[str], Retrieved] = field(default_factory=lambda: FakeRetriever())
    rules: Any = field(default_factory=lambda: FakeRules())
    chunks: list[Chunk] = field(default_factory=lambda: [p.chunk for p in THREE_PASSAGES])
    llm: Any = None
    idf: Callable[[str], float | None] | None = None

    def retrieve(self, query: str) -> Retrieved:
        return self.retriever(query)

    def step_passage(self, heading: str | None, anchor: str = "", plan: str | None = None) -> Chunk | None:
        return passage_for_step(self.chunks, heading, anchor, plan)

    def term_idf(self):
        return self.idf
