"""App cold start: how long until `streamlit run app.py` serves, and until the first answer.

Two measurements, both honest about what they cover:
1. server: a fresh `streamlit run app.py` process; seconds until /_stcore/health answers "ok" and
   until GET / returns the page (the HTML shell; Streamlit renders in the browser over a websocket).
2. script: Streamlit's AppTest runs app.py in-process from a cold interpreter (a subprocess):
   seconds for the first full script run (imports, opening the index), then for the first chat
   question to produce an answer (BM25 build, embedder load, retrieval, rules, composer).

    .venv/bin/python bench/app_start.py [--question "..."]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import _common as c

QUESTION = "Mag ik als wijkteammedewerker gegevens delen met de politie?"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env_for(settings) -> dict:
    return {**os.environ, "HF_HUB_OFFLINE": "1", "DEELWIJZER_DATA_DIR": str(settings.data_dir),
            "DEELWIJZER_EMBEDDING_CACHE": str(settings.embedding_cache_path), "DEELWIJZER_LLM_PROVIDER": "none"}


def server_start(settings, timeout: float = 120) -> dict:
    port = free_port()
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [str(c.PROJECT_ROOT / ".venv" / "bin" / "streamlit"), "run", str(c.PROJECT_ROOT / "app.py"),
         "--server.address", "127.0.0.1", "--server.port", str(port), "--server.headless", "true",
         "--browser.gatherUsageStats", "false"],
        cwd=c.PROJECT_ROOT, env=env_for(settings), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out: dict = {}
    try:
        while time.perf_counter() - t0 < timeout:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        out["health_s"] = round(time.perf_counter() - t0, 2)
                        break
            except OSError:
                time.sleep(0.1)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as r:
            r.read()
            out["page_s"] = round(time.perf_counter() - t0, 2)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    return out


SCRIPT = r"""
import json, sys, time
t0 = time.perf_counter()
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(sys.argv[1], default_timeout=300)
at.run()
first = time.perf_counter() - t0
errors = [e.value for e in at.exception]
t1 = time.perf_counter()
at.chat_input[0].set_value(sys.argv[2]).run()
answer = time.perf_counter() - t1
print(json.dumps({"first_run_s": round(first, 2), "first_answer_s": round(answer, 2),
                  "total_s": round(time.perf_counter() - t0, 2),
                  "exceptions": errors + [e.value for e in at.exception]}))
"""


def script_start(settings, question: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(c.PROJECT_ROOT / "app.py"), question],
                          cwd=c.PROJECT_ROOT, env=env_for(settings), capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-3:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--question", default=QUESTION)
    args = ap.parse_args(argv)
    if not (c.PROJECT_ROOT / "app.py").exists():
        raise SystemExit("app.py ontbreekt")
    settings = c.ensure_real_index()
    server = server_start(settings)
    script = script_start(settings, args.question)
    c.print_table(["meting", "seconden"], [
        ["server: /_stcore/health ok", server.get("health_s", "-")],
        ["server: pagina (HTML) geladen", server.get("page_s", "-")],
        ["script: eerste run (koud proces)", script.get("first_run_s", "-")],
        ["script: eerste antwoord", script.get("first_answer_s", "-")],
    ])
    if script.get("error") or script.get("exceptions"):
        print("Let op:", script.get("error") or script.get("exceptions"))
    c.write_result("app_start", {"server": server, "script": script, "question": args.question})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
