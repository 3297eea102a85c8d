"""Natural keys (``graph.engine.indexes.NATURAL_KEYS``: a volunteer's number, a resident's ID
number, a credit code, a social worker's certificate, a city's name) are unique on both engines.
A change that would give one to a second record is answered CONFLICT naming the key, and changes
nothing (``graph.engine.system.checksum``): by the step's own ``DUPLICATE`` check, and, should a
statement ever write a key none of its checks looks at, by the runner (``runner.key_conflict``)
rather than a "try again" that would fail the same way.
"""

from __future__ import annotations

import re

import pytest

from access.tokens import Role
from api.ids import to_global_id as gid
from graph.engine.cypher import dynamic
from graph.engine.errors import GraphConflict
from graph.engine.indexes import NATURAL_KEYS
from graph.engine.store import GraphStore
from graph.engine.system import checksum
from graph.events import Change
from graph.model.registry import family_named
from graph.workflows.registration import STATEMENTS
from graph.workflows.runner import Request, perform
from tests.conftest import GraphQL, SignIn
from tests.statements import project_statements

pytestmark = pytest.mark.usefixtures("fresh_demo")

WORKER = "worker-0001"  # covers 起湾, where both volunteers serve
REGULAR = gid("Volunteer", "volunteer-zs-regular")
NEAR = gid("Volunteer", "volunteer-zs-near")

UPDATE_VOLUNTEER = """
mutation ($id: ID!, $version: Int!, $input: UpdateVolunteerInput!) {
  updateVolunteer(id: $id, version: $version, input: $input) { volunteer { version } }
}
"""


async def _numbered(signed_in: SignIn) -> GraphQL:
    """Their social worker gives the regular volunteer the national number ZS20260001; signed in
    as her."""
    worker = await signed_in(Role.SOCIAL_WORKER, WORKER)
    await worker(UPDATE_VOLUNTEER, id=REGULAR, version=1, input={"volunteerNo": "ZS20260001"})
    return worker


async def test_a_volunteer_number_another_volunteer_holds_is_a_conflict_naming_it(
    signed_in: SignIn, engine_store: GraphStore
) -> None:
    worker = await _numbered(signed_in)
    before = await checksum(engine_store)
    errors = await worker.errors(
        UPDATE_VOLUNTEER, id=NEAR, version=1, input={"volunteerNo": "ZS20260001"}
    )
    assert errors[0]["extensions"]["code"] == "CONFLICT"
    assert "already registered" in errors[0]["message"]
    assert await checksum(engine_store) == before


# A statement that writes a volunteer number and checks nothing: what the runner answers when a
# step forgets its DUPLICATE check (every project statement declares it; see the guard below).
UNCHECKED = dynamic(
    "test.unchecked_volunteer_no",
    "MATCH (v:Volunteer {id: $id}) SET v.volunteerNo = $no "
    "RETURN null AS problem, null AS replayOf, null AS seenFingerprint",
)


async def test_a_key_no_check_looks_at_is_a_conflict_naming_the_key_not_try_again(
    signed_in: SignIn, engine_store: GraphStore
) -> None:
    await _numbered(signed_in)
    before = await checksum(engine_store)
    request = Request("test", {"no": "ZS20260001"}, by=WORKER)
    with pytest.raises(GraphConflict) as refused:
        await perform(
            engine_store,
            UNCHECKED,
            {"id": "volunteer-zs-near", "no": "ZS20260001"},
            request,
            "volunteer-zs-near",
            change=Change("TEST", "Volunteer"),
        )
    message = str(refused.value)
    assert message.startswith("Another volunteer already has this volunteerNo")
    assert "try again" not in message and "ZS20260001" not in message
    assert await checksum(engine_store) == before


# Statements that write a natural key and need no DUPLICATE check, each with why.
NO_CHECK_NEEDED = {
    # The duplicate's key is removed before the survivor takes it: no third record holds it.
    **{f"merge.{s.label}": "moves the merged duplicate's own key" for s in NATURAL_KEYS},
    "rights.erase_resident": "removes the key",
    "rights.reapply_erasures": "removes the key",
    "workflows.issue_certificate": "copies the number onto a certificate, which is not keyed",
    # Imports merge on the key itself (graph/io/intake.py, graph/io/entities.py).
    **{f"intake.upsert.{s.label}": "merges on the key" for s in NATURAL_KEYS},
}


def test_every_statement_writing_a_natural_key_checks_it_or_says_why_not() -> None:
    """Derived from NATURAL_KEYS: each key is its family's declared natural key (so registration
    checks it), every registration step that writes a family's properties declares DUPLICATE,
    and any other statement naming a key is listed above with why it needs no check."""
    for spec in NATURAL_KEYS:
        assert family_named(spec.label).natural_key == (spec.property,), spec
        for step in (STATEMENTS[spec.label].create, STATEMENTS[spec.label].update):
            assert "'DUPLICATE'" in step.template, step.name
    checked = {s.name for label in STATEMENTS for s in (STATEMENTS[label].create,
               STATEMENTS[label].update)}  # fmt: skip
    for statement in project_statements():
        if statement.name.startswith("schema.") or statement.name in checked:
            continue
        if not re.search(r"\b(SET|CREATE|MERGE)\b", statement.template):
            continue
        names = [s.property for s in NATURAL_KEYS if s.property != "name"]
        writes = [k for k in names if re.search(rf"\.{k}\b|\b{k}:", statement.template)]
        if writes and "'DUPLICATE'" not in statement.template:
            assert statement.name in NO_CHECK_NEEDED, (statement.name, writes)


def test_no_statement_writes_a_whole_map_onto_a_keyed_record_unchecked() -> None:
    """``SET n += $props`` names no property, so the guard above cannot see a natural key in
    it: any map written onto a node of a keyed family (a volunteer, a resident, …) needs the
    step's DUPLICATE check or a reason above. A map onto another label (a need, an event, a
    tie) holds no natural key."""
    keyed = {spec.label for spec in NATURAL_KEYS}
    for statement in project_statements():
        if "'DUPLICATE'" in statement.template or statement.name in NO_CHECK_NEEDED:
            continue
        for var in re.findall(r"\b(\w+)\s*\+=\s*\$", statement.template):
            labels = set(re.findall(rf"\(\s*{var}\s*:\s*(\w+)", statement.template))
            assert not labels & keyed, (statement.name, var, labels & keyed)
