#!/usr/bin/env bash
# Installs everything the service and its tests need into the working tree: a virtualenv with the
# Python packages, Neo4j's Cypher linter (pinned in tools/cypher-lint/package-lock.json), and
# Debian's Chromium + ChromeDriver for the explorer page's browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
# Debian's Chromium and ChromeDriver drive the explorer page's browser tests.
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1 \
   || [ ! -d /usr/share/fonts/opentype/noto ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get install -y -q chromium chromium-driver fonts-noto-cjk >/dev/null || {
      apt-get update -q >/dev/null && apt-get install -y -q chromium chromium-driver fonts-noto-cjk >/dev/null; }
  else
    echo "install: the browser tests need Debian's chromium and chromium-driver (apt-get install" \
         "chromium chromium-driver)." >&2
    exit 1
  fi
fi
# The local Neo4j 5.26 (tools/neo4j-server) that the tests and `make run-neo4j` start: Neo4j's
# embedded database from Maven Central with its Bolt connector, built once into target/.
if command -v mvn >/dev/null 2>&1 && command -v java >/dev/null 2>&1; then
  if [ ! -f tools/neo4j-server/target/neo4j-server.jar ] \
     || [ tools/neo4j-server/pom.xml -nt tools/neo4j-server/target/neo4j-server.jar ] \
     || [ tools/neo4j-server/src/main/java/crg/Neo4jServer.java -nt tools/neo4j-server/target/neo4j-server.jar ]; then
    mvn -q -B -f tools/neo4j-server/pom.xml package
  fi
else
  echo "install: the local Neo4j needs Java 17+ and Maven (apt-get install openjdk-17-jdk-headless maven)." >&2
  exit 1
fi
if command -v npm >/dev/null 2>&1; then
  (cd tools/cypher-lint && npm ci --silent --no-audit --no-fund)
else
  echo "install: npm is missing; the Neo4j Cypher check needs Node.js 20+ and npm." >&2
  exit 1
fi
