"""8 concurrent `ask` calls while a re-ingest replaces a document: every call answers, and each
answer's passages and citations come from one index generation (all old or all new), never a mix.

Real pieces throughout: the real embedder, Chroma, BM25, rules engine and ingest pipeline, on a
small temporary corpus (embeddings of unchanged text come from the shared cache)."""

from __future__ import annotations

import threading
import time

import pytest

from tests.conftest import make_settings

pytestmark = pytest.mark.slow

QUESTION = "Ik ben wijkteammedewerker. Mag ik gegevens van een cliënt delen met de politie?"
THREADS = 8

DOC_A = """# Gegevens delen met de politie

## Beroepsgeheim van de wijkteammedewerker

Een wijkteammedewerker met een beroepsgeheim deelt gegevens van een cliënt met de politie alleen
met toestemming van de cliënt of als een wettelijke plicht of een conflict van plichten dat vraagt.
{variant}

## Vastleggen

Leg de afweging altijd vast in het dossier: welke gegevens, aan wie, waarom en op welke grondslag.
"""

DOC_B = """# Samenwerking in het Veiligheidshuis

## Casusoverleg

In het casusoverleg van het Veiligheidshuis delen partners alleen de gegevens die nodig zijn voor
de aanpak van de casus. Iedere partner toetst zelf of hij een grondslag heeft om te delen.
"""


def chunk_ids(settings) -> set[str]:
    from deelwijzer.store import open_store

    return {c.id for c in open_store(settings).all_chunks()}


def test_concurrent_asks_during_reingest_see_one_generation(tmp_path):
    from deelwijzer.answer import ask
    from deelwijzer.store import open_store
    from ingest.pipeline import run_ingest

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    doc = corpus / "politie.md"
    doc.write_text(DOC_A.format(variant="Twijfel je, overleg dan met de aandachtsfunctionaris."), encoding="utf-8")
    (corpus / "veiligheidshuis.md").write_text(DOC_B, encoding="utf-8")
    settings = make_settings(tmp_path / "data", corpus_dir=corpus)
    run_ingest(settings)
    old_ids, old_gen = chunk_ids(settings), open_store(settings).generation()
    ask(QUESTION, settings)  # warm: embedder, BM25, rules

    # The new version changes the section the question is about (new chunk ids for it).
    stamp = time.time_ns()
    doc.write_text(DOC_A.format(variant=f"Nieuwe versie {stamp}: bel bij twijfel eerst de privacyfunctionaris "
                                        "van de gemeente voordat je iets deelt."), encoding="utf-8")

    answers, errors = [], []
    start = threading.Barrier(THREADS + 1)
    ingest_done = threading.Event()

    def client() -> None:
        start.wait()
        try:
            # Keep asking while the re-ingest runs (at least twice), so asks overlap the switch.
            n = 0
            while n < 2 or (not ingest_done.is_set() and n < 40):
                answers.append(ask(QUESTION, settings))
                n += 1
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    def reingest() -> None:
        start.wait()
        try:
            run_ingest(settings)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            ingest_done.set()

    threads = [threading.Thread(target=client) for _ in range(THREADS)] + [threading.Thread(target=reingest)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    assert not errors, errors

    new_ids, new_gen = chunk_ids(settings), open_store(settings).generation()
    assert new_gen != old_gen and new_ids != old_ids  # the re-ingest really changed the index
    assert len(answers) >= THREADS * 2
    seen = {"old": 0, "new": 0}
    for answer in answers:
        ids = {p.chunk.id for p in answer.passages} | {c.chunk_id for c in answer.citations}
        assert ids, "an answer without passages"
        in_old, in_new = ids <= old_ids, ids <= new_ids
        assert in_old or in_new, f"mixed generations: {sorted(ids - old_ids)} / {sorted(ids - new_ids)}"
        if in_old and not in_new:
            seen["old"] += 1
        elif in_new and not in_old:
            seen["new"] += 1
    # Some answers were served by the new index (the switch happened while clients were asking).
    assert seen["new"] > 0, seen
