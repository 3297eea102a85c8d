"""A recruitment as the tests post one: the hub's meal service (长者食堂助餐) at a venue."""

from __future__ import annotations

import datetime as dt

from api.ids import to_global_id as gid
from tests.conftest import GraphQL

POST = """
mutation ($i: PostRecruitmentInput!) { postRecruitment(input: $i) { recruitment { id } } }
"""


async def post_meal_service(
    gql: GraphQL, *, community: str, venue: str, capacity: int, starts_in: dt.timedelta
) -> str:
    """东区枢纽's two-hour meal service in ``community`` at ``venue`` (keys), starting
    ``starts_in`` from now (to the second), with ``capacity`` places; its global id."""
    soon = dt.datetime.now(dt.UTC).replace(microsecond=0) + starts_in
    posted = await gql(
        POST,
        i={
            "organizationId": gid("Organization", "org-zs-east-hub"),
            "title": "长者食堂助餐",
            "capacity": capacity,
            "startsAt": soon.isoformat(),
            "endsAt": (soon + dt.timedelta(hours=2)).isoformat(),
            "communityId": gid("Community", community),
            "venueId": gid("Venue", venue),
        },
    )
    return str(posted["postRecruitment"]["recruitment"]["id"])
