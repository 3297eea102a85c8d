"""The README's examples run: every GraphQL block, and the curl line, on the demo data.

A reader copies an example into GraphiQL or a shell with the token of the persona its first line
names (``# as the social worker: Authorization: Bearer $TOKEN_SOCIAL_WORKER``); each must answer
without an error and with something to see — an example that answers nothing teaches nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from config import Settings
from seeds.personas import BY_NAME
from tests.conftest import GraphQL, bearer

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
LINK = re.compile(r"\]\(([^)\s]+)\)")
BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.DOTALL)
PERSONA = re.compile(r"#\s*as (?:the )?([\w ]+?)\s*:")
CURL_TOKEN = re.compile(r"Authorization: Bearer \$TOKEN_(\w+)")
CURL_BODY = re.compile(r"-d '(\{.*?\})'", re.DOTALL)


def blocks(language: str) -> list[str]:
    return [body for lang, body in BLOCK.findall(README.read_text()) if lang == language]


def persona_of(query: str) -> str | None:
    """The persona the block's first line names; None for the public view ("as anyone")."""
    first = query.lstrip().splitlines()[0]
    found = PERSONA.match(first)
    assert found, f"a README query does not say whose token it needs: {first!r}"
    name = found.group(1).strip().replace(" ", "_")
    if name == "anyone":
        return None
    assert name in BY_NAME, f"the README names a persona the demo does not have: {name}"
    return name


def empty(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, list | dict | str):
        return len(value) == 0
    return False


# The demo's think tank is Jinan's; experts are offered only where they serve, so a need in
# Zhongshan may rightly have none.
MAY_BE_EMPTY = {"linkResources.experts"}


def empty_lists(value: object, path: str, depth: int) -> list[str]:
    """Where the answer has nothing to show: an empty value or list down to ``depth`` levels."""
    if empty(value):
        return [] if path in MAY_BE_EMPTY else [path]
    if depth == 0:
        return []
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in empty_lists(v, f"{path}.{k}", depth - 1)]
    if isinstance(value, list):
        return [p for v in value[:1] for p in empty_lists(v, f"{path}[0]", depth - 1)]
    return []


QUERIES = blocks("graphql")


@pytest.fixture
async def as_persona(demo_app: Starlette, settings: Settings) -> AsyncIterator[object]:
    opened: list[httpx.AsyncClient] = []

    async def sign_in(name: str | None) -> GraphQL:
        headers = (
            {} if name is None else bearer(settings, BY_NAME[name].role, BY_NAME[name].subject)
        )
        http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=demo_app),
            base_url="http://testserver",
            headers=headers,
        )
        opened.append(http)
        return GraphQL(http)

    yield sign_in
    for http in opened:
        await http.aclose()


def test_the_readme_shows_the_queries_a_social_worker_tries_first() -> None:
    text = "\n".join(QUERIES)
    for field in ("whoCanServe", "linkResources", "collaboration"):
        assert field in text, f"the README has no {field} example"
    assert len(QUERIES) >= 6


@pytest.mark.parametrize("query", QUERIES, ids=[f"block{i + 1}" for i in range(len(QUERIES))])
async def test_every_readme_query_answers_its_persona_with_data(query: str, as_persona) -> None:  # type: ignore[no-untyped-def]
    graphql = await as_persona(persona_of(query))
    data = await graphql(query)
    nothing = [p for field, value in data.items() for p in empty_lists(value, field, 3)]
    assert nothing == [], f"the example answers nothing at {nothing}"


async def test_the_readme_curl_line_carries_its_token_and_answers(as_persona) -> None:  # type: ignore[no-untyped-def]
    (curl,) = [b for b in blocks("sh") if "curl" in b]
    token = CURL_TOKEN.search(curl)
    assert token, "the curl example sends no Authorization header"
    body = CURL_BODY.search(curl)
    assert body
    graphql = await as_persona(token.group(1).lower())
    data = await graphql(json.loads(body.group(1))["query"])
    assert data["whoCanServe"]["candidates"]


@pytest.mark.parametrize(
    "page",
    [README, *sorted((ROOT / "docs").glob("*.md"))],
    ids=lambda p: p.relative_to(ROOT).as_posix(),
)
def test_every_relative_link_resolves_inside_the_repository(page: Path) -> None:
    """A clone stands alone: no link leads to a file it does not have."""
    text = page.read_text()
    broken = []
    for target in LINK.findall(text):
        if re.match(r"[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue  # a web address or an anchor on the same page
        path = (page.parent / target.split("#")[0]).resolve()
        if not path.is_relative_to(ROOT) or not path.exists():
            broken.append(target)
    assert broken == [], f"{page.name} links outside the repository or to nothing: {broken}"
    assert "../shared" not in text, f"{page.name} points to ../shared, which a clone has not"
