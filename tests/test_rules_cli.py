"""`deelwijzer check` and `deelwijzer rules` through the real CLI entry point."""

from __future__ import annotations

import io
import json
import subprocess
import sys

from deelwijzer.cli import main
from deelwijzer.config import PROJECT_ROOT
from deelwijzer.models import Verdict
from deelwijzer.rules import load_rules
from deelwijzer.rules.command_check import interactive

HALT = {"rol": "bevoegde_autoriteit", "werkt_bij_bevoegde_autoriteit": True, "bevoegd_te_verstrekken": True,
        "is_persoonsgegeven": True, "verwerkt_voor_politietaak": True, "wpg_artikel": 8, "ontvanger": "halt",
        "verstrekkingsdoel": "alternatieve_afdoening_minderjarige", "is_noodzakelijk": True, "is_proportioneel": True,
        "subsidiair": True, "bewaartermijn_verstreken": False, "gegevens_juist_actueel": True, "beroepsgeheim": False}
VERDICT_FIELDS = {"outcome", "beslissende_stap", "basis", "trace", "vraag", "voorwaarden", "wie", "verwijzing",
                  "rules_version", "plan", "heading", "voorlopig", "ambiguities"}


def test_check_json_has_exactly_the_verdict_fields(capsys):
    assert main(["check", "--plan", "politie", "--facts", json.dumps(HALT), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == VERDICT_FIELDS == {f for f in Verdict.__dataclass_fields__}
    assert data["outcome"] == "mag_delen" and data["beslissende_stap"] == "politie.8"
    assert "art. 4:2 lid 1 onder f Bpg" in data["basis"]
    assert data["trace"][0]["step"] == "politie.1" and data["trace"][0]["heading"] == "Stap 1: Bevoegd?"
    assert data["voorwaarden"][0] == "afweging_vastleggen"


def test_check_readable_dutch(capsys):
    assert main(["check", "--facts", json.dumps(HALT)]) == 0  # plan chosen from rol
    out = capsys.readouterr().out
    assert "Oordeel: MAG DELEN" in out
    assert "Stap 8: Juist, actueel en toereikend" in out
    assert "Grondslag en artikelen:" in out and "art. 18 Wpg" in out
    assert "Leg uw afweging vast" in out
    assert "advies, geen besluit" in out and "uw eigen afweging beslist" in out


def test_check_facts_from_yaml_file(tmp_path, capsys):
    path = tmp_path / "feiten.yaml"
    path.write_text("rol: om\ndoel_binnen_strafrechtspleging: ja\n", encoding="utf-8")
    assert main(["check", "--facts", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["outcome"] == "ander_stappenplan"


def test_check_meer_informatie_names_the_question(capsys):
    assert main(["check", "--plan", "zorg", "--facts", '{"strafbaar_feit": "geen"}']) == 0
    out = capsys.readouterr().out
    assert "MEER INFORMATIE NODIG" in out and "Volgende vraag (anoniem_overleg" not in out  # defaults are never asked
    assert "Volgende vraag (ontvanger): Aan wie wilt u de gegevens verstrekken?" in out
    assert main(["check", "--plan", "zorg", "--facts", '{"strafbaar_feit": "geen", "ontvanger": "politie"}']) == 0
    assert "Volgende vraag (toestemming)" in capsys.readouterr().out


def test_check_invalid_facts_are_an_error_with_valid_names(capsys):
    assert main(["check", "--plan", "zorg", "--facts", '{"ontvangr": "politie"}']) == 3
    err = capsys.readouterr().err
    assert "onbekend feit 'ontvangr'" in err and "ontvanger" in err
    assert main(["check", "--plan", "politie", "--facts", '{"wpg_artikel": 7}']) == 3
    assert "8, 9, 10, 13" in capsys.readouterr().err


def test_check_needs_plan_or_rol(capsys):
    assert main(["check", "--facts", '{"ontvanger": "politie"}']) == 2
    assert "--plan" in capsys.readouterr().err


def test_interactive_loop_asks_until_verdict():
    script = io.StringIO()
    facts = {"rol": "bevoegde_autoriteit", "bevoegd_te_verstrekken": True, "verstrekkingsdoel": "alternatieve_afdoening_minderjarige"}
    rs = load_rules()
    order = ["is_persoonsgegeven", "verwerkt_voor_politietaak", "wpg_artikel", "ontvanger", "is_noodzakelijk",
             "is_proportioneel", "subsidiair", "bewaartermijn_verstreken", "gegevens_juist_actueel", "beroepsgeheim"]
    replies = {"is_persoonsgegeven": ["?", "ja"], "verwerkt_voor_politietaak": ["ja"], "wpg_artikel": ["7", "8"],
               "ontvanger": ["halt"], "is_noodzakelijk": ["misschien", "ja"], "is_proportioneel": ["ja"],
               "subsidiair": ["ja"], "bewaartermijn_verstreken": ["nee"], "gegevens_juist_actueel": ["ja"],
               "beroepsgeheim": ["nee"]}
    stdin = io.StringIO("".join(r + "\n" for name in order for r in replies[name]))
    verdict, final = interactive(rs, facts, "politie", stdin, script)
    assert verdict.outcome == "mag_delen", script.getvalue()
    assert final["wpg_artikel"] == 8 and final["ontvanger"] == "halt"
    shown = script.getvalue()
    assert "Gaat het om gegevens over een geïdentificeerde" in shown
    assert "Ook zonder naam zijn het persoonsgegevens" in shown  # the help text, shown on '?'
    assert "geen geldige waarde" in shown and "geen ja/nee-waarde" in shown  # invalid answers re-asked


def test_interactive_stops_at_end_of_input():
    verdict, facts = interactive(load_rules(), {}, "zorg", io.StringIO(""), io.StringIO())
    assert verdict.outcome == "meer_informatie_nodig" and verdict.vraag.fact == "strafbaar_feit"


def test_cli_subprocess_interactive_and_validate():
    """The real command line, as a user types it (fresh process: also proves the import is light)."""
    env_cmd = [sys.executable, "-m", "deelwijzer"]
    proc = subprocess.run(env_cmd + ["check", "--plan", "onderwijs", "--interactive", "--json"],
                          input="collega_school\nja\nja\n", capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["outcome"] == "mag_delen" and data["beslissende_stap"] == "onderwijs.pre"
    assert "Aan wie wilt u de gegevens verstrekken?" in proc.stderr
    proc = subprocess.run(env_cmd + ["rules", "validate"], capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Regels in orde" in proc.stdout
    imports = subprocess.run([sys.executable, "-c", "import sys, deelwijzer.rules.command_check as c, deelwijzer.rules as r;"
                              "r.evaluate(r.load_rules(), {'rol': 'om'});"
                              "print(','.join(m for m in ('chromadb','torch','streamlit','langchain_core','pydantic_settings') if m in sys.modules))"],
                             capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=60)
    assert imports.returncode == 0, imports.stderr
    assert imports.stdout.strip() == ""
