# Two commands matter: `make run` (service + demo data on the embedded graph) and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
# What each target needs, installed once (scripts/install.sh): the service's packages for `run`,
# plus the local Neo4j for `run-neo4j`, everything (tests, linters, browser, Neo4j) for `test`.
SERVICE := $(VENV)/.service
NEO4J := tools/neo4j-server/target/neo4j-server.jar
STAMP := $(VENV)/.installed

.PHONY: install run run-neo4j test lint format clean bench

$(SERVICE): pyproject.toml scripts/install.sh
	./scripts/install.sh service
	touch $(SERVICE)

$(NEO4J): $(SERVICE) tools/neo4j-server/pom.xml tools/neo4j-server/src/main/java/crg/Neo4jServer.java
	./scripts/install.sh neo4j
	touch $(NEO4J)

$(STAMP): $(SERVICE) $(NEO4J) tools/cypher-lint/package-lock.json tools/graphql-peer/package-lock.json
	./scripts/install.sh all
	touch $(STAMP)

install: $(STAMP)

run: $(SERVICE)
	$(BIN)/python -m cli serve

# The same service on a local Neo4j 5.26 (tools/neo4j-server, data in data/neo4j, Bolt on
# 127.0.0.1:7687); Neo4j stops with the service.
run-neo4j: $(NEO4J)
	$(BIN)/python -m cli serve --local-neo4j data/neo4j

# ~20 minutes on a 2-core machine: each test is named as it starts (-v), so a long one is never
# silence, and the slowest are listed at the end.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -v --durations=15

# The benchmark of docs/BENCHMARKS.md: loads each tier on each engine (the embedded FalkorDB, then
# a local Neo4j 5.26 with a 2 GiB heap and 1 GiB page cache), drives it over HTTP, then writes the
# tables and the chart. TIERS="demo district" or ENGINES=falkordb for a shorter run.
TIERS ?= demo district city
ENGINES ?= falkordb neo4j
bench: $(STAMP)
	for engine in $(ENGINES); do for tier in $(TIERS); do \
		$(BIN)/python -m bench.run --tier $$tier --engine $$engine || exit 1; done; done
	$(BIN)/python -m bench.report

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) tools/cypher-lint/node_modules tools/graphql-peer/node_modules \
		tools/neo4j-server/target
