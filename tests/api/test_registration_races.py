"""Two people register the same person at the same moment, over HTTP, on both engines.

Registration checks a natural key before it writes; on Neo4j two requests can both pass that
check before either writes. The key's unique constraint refuses the second write, and the
request that lost is answered exactly as if it had come second: CONFLICT naming the record that
went in (as far as the caller may see it), never an internal error, nothing of its own written.
"""

from __future__ import annotations

import asyncio

import pytest

from access.tokens import Role
from api.ids import to_global_id as gid
from graph.engine.cypher import dynamic
from graph.engine.store import GraphStore
from intake.identity import check_character
from tests.conftest import GraphQL, SignIn

pytestmark = pytest.mark.usefixtures("fresh_demo")

WORKER = "worker-0001"  # covers 起湾
QIWAN = gid("Community", "community-zs-qiwan")
HOME = {"latitude": 22.5241, "longitude": 113.4125}

CREATE_VOLUNTEER = """
mutation ($input: CreateVolunteerInput!) { createVolunteer(input: $input) { volunteer { id } } }
"""
CREATE_RESIDENT = """
mutation ($input: CreateResidentInput!) { createResident(input: $input) { resident { id } } }
"""
COUNTS = dynamic(
    "tests.registration_races.counts",
    "MATCH (n) WHERE n:Volunteer OR n:Resident OR n:Event "
    "RETURN count(n) AS nodes, count(n.volunteerNo) AS numbered",
)


async def at_once(client: GraphQL, query: str, **variables: object) -> tuple[str, dict]:
    """The same request sent twice at the same moment: the id the one that went in created,
    and the error the other was answered with."""
    answers = await asyncio.gather(client.raw(query, **variables), client.raw(query, **variables))
    made = [a for a in answers if not a.get("errors")]
    refused = [a["errors"][0] for a in answers if a.get("errors")]
    assert len(made) == 1 and len(refused) == 1, answers
    (field,) = made[0]["data"].values()
    (record,) = field.values()
    return record["id"], refused[0]


async def test_two_stations_register_the_same_volunteer_number_at_once(
    gql: GraphQL, engine_store: GraphStore
) -> None:
    (before,) = await engine_store.read(COUNTS)
    made, refused = await at_once(
        gql,
        CREATE_VOLUNTEER,
        input={"name": "李明", "location": HOME, "serviceAreaIds": [QIWAN],
               "volunteerNo": "GD2026000777"},
    )  # fmt: skip
    assert refused["extensions"]["code"] == "CONFLICT"
    assert refused["extensions"]["existing"] == made and "already registered" in refused["message"]
    (after,) = await engine_store.read(COUNTS)
    # One volunteer and its one event: the refused request left nothing behind.
    assert after == {"nodes": before["nodes"] + 2, "numbered": before["numbered"] + 1}


async def test_two_social_workers_register_the_same_id_card_at_once(
    signed_in: SignIn, engine_store: GraphStore
) -> None:
    worker = await signed_in(Role.SOCIAL_WORKER, WORKER)
    first17 = "44200019400101003"
    (before,) = await engine_store.read(COUNTS)
    made, refused = await at_once(
        worker,
        CREATE_RESIDENT,
        input={"name": "黄婆婆", "location": HOME, "communityId": QIWAN,
               "idCardNumber": first17 + check_character(first17)},
    )  # fmt: skip
    assert refused["extensions"]["code"] == "CONFLICT" and refused["extensions"]["existing"] == made
    assert first17 not in refused["message"]
    (after,) = await engine_store.read(COUNTS)
    assert after["nodes"] == before["nodes"] + 2
