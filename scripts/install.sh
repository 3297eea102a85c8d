#!/usr/bin/env bash
# Installs into the working tree what one make target needs:
#   install.sh service  the virtualenv with the service's Python packages (`make run`);
#   install.sh neo4j    that, plus the local Neo4j 5.26 built from Maven Central (`make run-neo4j`);
#   install.sh all      everything the tests need too (`make test`): the development packages,
#                       Neo4j's Cypher linter (pinned in tools/cypher-lint/package-lock.json),
#                       the benchmark's peer, the Neo4j GraphQL Library (pinned in
#                       tools/graphql-peer/package-lock.json; its APOC plugin comes with Neo4j),
#                       Debian's Chromium + ChromeDriver for the explorer page's browser tests,
#                       the Noto CJK fonts (certificates embed them) and poppler-utils (the
#                       certificate tests read the PDFs with pdftoppm and pdftotext),
#                       and the local Neo4j the tests run on.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-all}
PY=${PY:-python3}

python_packages() {  # $1: the pip requirement of the project, with or without extras
  if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
  fi
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$1"
}

browser() {
  if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1 \
     || [ ! -d /usr/share/fonts/opentype/noto ] || ! command -v pdftoppm >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      apt-get install -y -q chromium chromium-driver fonts-noto-cjk poppler-utils >/dev/null || {
        apt-get update -q >/dev/null \
          && apt-get install -y -q chromium chromium-driver fonts-noto-cjk poppler-utils >/dev/null; }
    else
      echo "install: the browser and certificate tests need Debian's chromium, chromium-driver," \
           "fonts-noto-cjk and poppler-utils (apt-get install chromium chromium-driver" \
           "fonts-noto-cjk poppler-utils)." >&2
      exit 1
    fi
  fi
}

node_tools() {  # the Cypher linter and the benchmark's peer
  if command -v npm >/dev/null 2>&1; then
    (cd tools/cypher-lint && npm ci --silent --no-audit --no-fund)
    (cd tools/graphql-peer && npm ci --silent --no-audit --no-fund)
  else
    echo "install: npm is missing; the Neo4j Cypher check and the benchmark's peer need Node.js 20+ and npm." >&2
    exit 1
  fi
}

# The local Neo4j (tools/neo4j-server): Neo4j's embedded database with its Bolt connector, built
# once into target/ (the jar and its dependencies, ~125 MB from Maven Central), with APOC core in
# target/plugins, which only the benchmark's peer loads (CRG_NEO4J_PLUGINS).
neo4j_server() {
  if ! command -v mvn >/dev/null 2>&1 || ! command -v java >/dev/null 2>&1; then
    echo "install: the local Neo4j needs Java 17+ and Maven (apt-get install" \
         "openjdk-17-jdk-headless maven)." >&2
    exit 1
  fi
  local jar=tools/neo4j-server/target/neo4j-server.jar
  if [ ! -f "$jar" ] || [ tools/neo4j-server/pom.xml -nt "$jar" ] \
     || [ tools/neo4j-server/src/main/java/crg/Neo4jServer.java -nt "$jar" ]; then
    mvn -q -B -f tools/neo4j-server/pom.xml package
  fi
}

case "$mode" in
  service) python_packages . ;;
  neo4j) python_packages . && neo4j_server ;;
  all) python_packages '.[dev]' && browser && node_tools && neo4j_server ;;
  *) echo "usage: scripts/install.sh [service|neo4j|all]" >&2; exit 2 ;;
esac
