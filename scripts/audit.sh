#!/usr/bin/env bash
# Audit the locked dependencies (requirements.lock + the separately pinned torch) for known
# vulnerabilities with pip-audit, and say plainly how many packages could actually be checked.
#
#   scripts/audit.sh            exit 1 when a vulnerability is found, 3 when pip-audit itself failed
#   scripts/audit.sh --strict   also exit 2 when some packages could not be audited
#                               (e.g. the advisory service is not reachable from this machine)
#
# --no-deps --disable-pip: the lock file is complete and exact, so nothing is resolved or
# downloaded (a resolving run pulls a multi-GB CUDA torch into a temp venv).
# Writes the raw report to bench/results/audit.json.
set -euo pipefail
cd "$(dirname "$0")/.."
STRICT=0; [[ "${1:-}" == "--strict" ]] && STRICT=1
VENV=${VENV:-.venv}
mkdir -p bench/results
REQS=$(mktemp); trap 'rm -f "$REQS"' EXIT
cat requirements.lock > "$REQS"
grep -qi '^torch==' "$REQS" || echo "torch==$("$VENV/bin/python" -c 'import torch; print(torch.__version__.split("+")[0])')" >> "$REQS"
set +e
"$VENV/bin/pip-audit" -r "$REQS" --no-deps --disable-pip --progress-spinner off \
  --format json --output bench/results/audit.json 2> >(grep -v -e 'encouraged to fully hash' -e 'pip-compile' >&2)
rc=$?
set -e
"$VENV/bin/python" - "$rc" "$STRICT" <<'PY'
import json, sys
rc, strict = int(sys.argv[1]), sys.argv[2] == "1"
try:
    report = json.load(open("bench/results/audit.json"))
except (OSError, ValueError):
    print(f"pip-audit wrote no report (exit {rc}); nothing was audited")
    sys.exit(3)
deps = report.get("dependencies", [])
skipped = [d for d in deps if d.get("skip_reason")]
vulns = [(d["name"], d.get("version"), v["id"]) for d in deps for v in d.get("vulns", [])]
audited = len(deps) - len(skipped)
print(f"pip-audit: {len(deps)} locked packages, {audited} audited, {len(skipped)} not auditable, "
      f"{len(vulns)} known vulnerabilities")
for name, version, vid in vulns:
    print(f"  VULNERABLE {name}=={version}: {vid}")
if skipped:
    reasons = {d['skip_reason'].split(':')[0] for d in skipped}
    print("  not audited because: " + "; ".join(sorted(reasons)))
    if audited == 0:
        print("  WARNING: the audit could not check any package (advisory service unreachable?)")
if vulns:
    sys.exit(1)
if rc not in (0, 1):
    sys.exit(3)  # pip-audit itself failed: no verdict either way
if strict and skipped:
    sys.exit(2)
PY
