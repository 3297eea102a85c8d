"""Community funds: donations in, grants out, never beyond the balance."""

from __future__ import annotations

import datetime as dt

from graph.engine.errors import GraphRejected
from graph.engine.store import GraphStore
from graph.events import Change
from graph.workflows.guards import Lock, step
from graph.workflows.runner import Done, Request, missing, new_id, perform

FUND_NOT_FOUND = missing("fund", "{fund}")

DONATE = step(
    "workflows.donate",
    reads="""
    OPTIONAL MATCH (f:Fund {id: $fund})
    OPTIONAL MATCH (donor:Organization {id: $donor})
    """,
    keep="f, donor",
    problems=[
        ("f IS NULL", "FUND_NOT_FOUND", FUND_NOT_FOUND),
        ("donor IS NULL", "DONOR_NOT_FOUND", missing("organization", "{donor}")),
    ],
    write="CREATE (donor)-[:DONATED {id: $id, amountFen: $amount, date: $date, note: $note}]->(f)",
    result="$fund",
)

GRANT = step(
    "workflows.grant",
    locks=Lock("f", "Fund", "fund"),
    reads="""
    OPTIONAL MATCH (f)<-[d:DONATED]-()
    WITH seen, f, coalesce(sum(d.amountFen), 0) AS donated
    OPTIONAL MATCH (f)-[g:GRANTED]->()
    WITH seen, f, donated, coalesce(sum(g.amountFen), 0) AS granted
    WITH seen, f, donated - granted AS balance
    OPTIONAL MATCH (p:Project {id: $project})
    """,
    keep="f, balance, p",
    problems=[
        ("f IS NULL", "FUND_NOT_FOUND", FUND_NOT_FOUND),
        ("p IS NULL", "PROJECT_NOT_FOUND", missing("project", "{project}")),
        (
            "balance < $amount",
            "INSUFFICIENT_BALANCE",
            lambda row: GraphRejected(
                f"The fund has only {row['balance'] / 100:.2f} yuan left; it cannot be overdrawn."
            ),
        ),
    ],
    write="CREATE (f)-[:GRANTED {id: $id, amountFen: $amount, date: $date, award: $award}]->(p)",
    result="$fund",
    returns="balance",
)


async def donate(
    store: GraphStore,
    request: Request,
    *,
    fund: str,
    donor: str,
    amount_fen: int,
    date: dt.date,
    note: str | None,
) -> Done:
    return await perform(
        store,
        DONATE,
        {
            "id": new_id("donation"),
            "fund": fund,
            "donor": donor,
            "amount": amount_fen,
            "date": date,
            "note": note,
        },
        request,
        fund,
        change=Change("DONATION_RECEIVED", "Fund", {"Organization": [donor]}),
    )


async def grant(
    store: GraphStore,
    request: Request,
    *,
    fund: str,
    project: str,
    amount_fen: int,
    date: dt.date,
    award: str | None,
) -> Done:
    return await perform(
        store,
        GRANT,
        {
            "id": new_id("grant"),
            "fund": fund,
            "project": project,
            "amount": amount_fen,
            "date": date,
            "award": award,
        },
        request,
        fund,
        change=Change("GRANT_MADE", "Fund", {"Project": [project]}),
    )
