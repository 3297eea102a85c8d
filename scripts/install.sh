#!/usr/bin/env bash
# Installs everything the service and its tests need into the working tree: a virtualenv with the
# Python packages, and Neo4j's Cypher linter (pinned in tools/cypher-lint/package-lock.json).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
if command -v npm >/dev/null 2>&1; then
  (cd tools/cypher-lint && npm ci --silent --no-audit --no-fund)
else
  echo "install: npm is missing; the Neo4j Cypher check needs Node.js 20+ and npm." >&2
  exit 1
fi
