"""The explorer page in real headless Chromium (Debian's), against a live uvicorn on the demo data.

Screenshots of each step are kept in ``artifacts/screenshots/`` (ignored by git, kept by CI).
Besides what is drawn, the tests check that it reads: every bar of a chart has its label, no map
or network label is cut by the edge, and edge labels do not pile up around a hub at rest.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait
from starlette.applications import Starlette

from access.tokens import Role
from api.ids import to_global_id as gid
from config import Settings
from graph.engine.local_neo4j import free_port
from tests.conftest import bearer

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
EAST = gid("District", "district-zs-east")
VISIT = gid("ServiceCategory", "cat-visit")
WAIT_S = 30


@pytest.fixture(scope="module")
async def live(demo_app: Starlette, settings: Settings) -> AsyncIterator[str]:
    """``python -m cli serve`` on a free port, over the demo graph the module loaded."""
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "GRAPH_DATA_DIR": str(settings.graph_data_dir),
        "GRAPH_NAME": settings.graph_name,
        "LOAD_DEMO_DATA": "true",  # already loaded: only turns the demo conveniences on
        "LOG_LEVEL": "WARNING",
    }
    SHOTS.mkdir(parents=True, exist_ok=True)
    log = (SHOTS.parent / "explorer-server.log").open("wb")
    server = subprocess.Popen(  # noqa: ASYNC220 - started once per module
        [sys.executable, "-m", "cli", "serve"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=log,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient() as http:
            for _ in range(200):
                try:
                    if (await http.get(f"{base}/readyz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
            else:
                pytest.fail("the service did not become ready; see artifacts/explorer-server.log")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=15)
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    assert Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists(), (
        "Debian's chromium and chromium-driver are missing; scripts/install.sh installs them."
    )
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--window-size=1500,1000",
        # Offline, as on a station's intranet or where a CDN is blocked: no host but ours.
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    ):  # fmt: skip
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()


def _wait_for(driver: webdriver.Chrome, attribute: str) -> str:
    WebDriverWait(driver, WAIT_S).until(
        lambda d: d.find_element(By.TAG_NAME, "body").get_attribute(f"data-{attribute}")
    )
    return driver.find_element(By.TAG_NAME, "body").get_attribute(f"data-{attribute}") or ""


async def _analyst_answer(base: str, settings: Settings, query: str, **variables: object) -> dict:
    headers = bearer(settings, Role.ANALYST, "analyst-zs-bureau")
    async with httpx.AsyncClient(headers=headers) as http:
        response = await http.post(f"{base}/graphql", json={"query": query, "variables": variables})
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def test_the_explorer_finds_an_organization_and_draws_its_network_and_the_gaps(
    live: str, browser: webdriver.Chrome, settings: Settings
) -> None:
    browser.get(f"{live}/explore/?district={EAST}&category={VISIT}")
    _wait_for(browser, "ready")
    browser.save_screenshot(str(SHOTS / "explorer-1-loaded.png"))
    demo = browser.find_element(By.ID, "demo-token")
    assert demo.is_displayed()
    demo.click()

    # The gap chart and the map, for 东区 and 探访.
    groups = int(_wait_for(browser, "gap-groups"))
    gaps = await _analyst_answer(
        live, settings,
        "query ($d: ID!, $c: ID) { coverageGaps(districtId: $d, categoryId: $c) "
        "{ groups { short } } communities(first: 100, filter: {district: $d}) { totalCount } }",
        d=EAST, c=VISIT,
    )  # fmt: skip
    assert groups == len(gaps["coverageGaps"]["groups"]) > 0
    assert int(_wait_for(browser, "gap-bars")) == min(20, groups)
    rows = browser.find_elements(By.CSS_SELECTOR, "#gap-table tbody tr")
    assert len(rows) == groups
    assert int(_wait_for(browser, "map-points")) == gaps["communities"]["totalCount"]
    assert len(browser.find_elements(By.CSS_SELECTOR, "#map g.community")) == int(
        _wait_for(browser, "map-points")
    )
    assert int(_wait_for(browser, "supply-bars")) > 0
    # Every bar has its label, and every community's name fits on the map.
    assert _wait_for(browser, "gap-labels") == _wait_for(browser, "gap-bars")
    assert _wait_for(browser, "supply-labels") == _wait_for(browser, "supply-bars")
    assert _wait_for(browser, "map-labels-outside") == "0"
    browser.save_screenshot(str(SHOTS / "explorer-2-gaps.png"))
    browser.execute_script("document.getElementById('supply-chart').scrollIntoView()")
    browser.save_screenshot(str(SHOTS / "explorer-2a-supply.png"))

    # Every category: the most bars the chart shows, each still labelled.
    everything = await _analyst_answer(
        live, settings, "query ($d: ID!) { coverageGaps(districtId: $d) { groups { short } } }",
        d=EAST,
    )  # fmt: skip
    bars = min(20, len(everything["coverageGaps"]["groups"]))
    assert bars > int(_wait_for(browser, "gap-bars"))
    Select(browser.find_element(By.ID, "category")).select_by_value("")
    browser.find_element(By.CSS_SELECTOR, "#area-form button").click()
    WebDriverWait(browser, WAIT_S).until(
        lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-gap-bars") == str(bars)
    )
    assert _wait_for(browser, "gap-labels") == str(bars)
    assert _wait_for(browser, "map-labels-outside") == "0"
    browser.execute_script("document.getElementById('gap-chart').scrollIntoView()")
    browser.save_screenshot(str(SHOTS / "explorer-2b-all-gaps.png"))
    browser.execute_script("window.scrollTo(0, 0)")

    # Search an organization, open its neighbourhood.
    box = browser.find_element(By.ID, "search")
    box.send_keys("全民公益园")
    browser.find_element(By.CSS_SELECTOR, "#search-form button").click()
    WebDriverWait(browser, WAIT_S).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#results li"))
    first = browser.find_elements(By.CSS_SELECTOR, "#results li")[0]
    assert "全民公益园" in first.text
    hub = first.get_attribute("data-id")
    first.click()
    drawn = int(_wait_for(browser, "network-nodes"))
    hood = await _analyst_answer(
        live, settings,
        "query ($id: ID!) { neighborhood(id: $id, depth: 1, limit: 150) "
        "{ nodes { id } edges { type } } }",
        id=hub,
    )  # fmt: skip
    assert drawn == len(hood["neighborhood"]["nodes"]) > 5
    assert int(_wait_for(browser, "network-edges")) == len(hood["neighborhood"]["edges"])
    canvases = browser.find_elements(By.CSS_SELECTOR, "#network canvas")
    assert canvases, "cytoscape drew nothing"
    # Around the hub, relationship types are told by colour and the legend, not by a knot of
    # labels; every node's label is inside the canvas.
    assert _wait_for(browser, "edge-labels") == "0"
    assert _wait_for(browser, "labels-outside") == "0"
    types = {e["type"] for e in hood["neighborhood"]["edges"]}
    legend = browser.find_element(By.ID, "legend").text
    assert all(t in legend for t in types), legend
    await asyncio.sleep(0.3)  # let the layout paint before the screenshot
    browser.save_screenshot(str(SHOTS / "explorer-3-network.png"))
    status = browser.find_element(By.ID, "status").text
    assert status == "", status
    severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert severe == [], severe


async def test_without_a_token_the_page_says_what_to_do_and_shows_no_data(
    live: str, browser: webdriver.Chrome
) -> None:
    browser.get(f"{live}/explore/")
    # Once the page has started (it re-saves the token it was opened with), forget the token.
    _wait_for(browser, "ready")
    browser.execute_script("localStorage.clear()")
    browser.get(f"{live}/explore/")
    _wait_for(browser, "ready")
    assert "token" in browser.find_element(By.ID, "status").text.lower()
    assert browser.find_element(By.TAG_NAME, "body").get_attribute("data-network-nodes") is None


def test_graphiql_opens_and_answers_with_no_network_beyond_the_service(
    live: str, browser: webdriver.Chrome
) -> None:
    """GraphiQL's page, React and GraphiQL come from the service itself: with every other host
    unreachable it still loads, shows the example query and runs it."""
    browser.get(f"{live}/graphql")
    WebDriverWait(browser, WAIT_S).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".graphiql-execute-button")
    )
    browser.find_element(By.CSS_SELECTOR, ".graphiql-execute-button").click()
    WebDriverWait(browser, WAIT_S).until(
        lambda d: "graphEngine" in d.find_element(By.CSS_SELECTOR, ".graphiql-response").text
    )
    answer = browser.find_element(By.CSS_SELECTOR, ".graphiql-response").text
    assert '"falkordb"' in answer and "Resident" not in answer  # anonymous: public counts only
    browser.save_screenshot(str(SHOTS / "graphiql.png"))
    sources = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert sources and all(src.startswith(live) for src in sources), sources
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
