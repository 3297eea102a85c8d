"""Community funds: donations in, grants out, never beyond the balance."""

from __future__ import annotations

import datetime as dt

from graph.engine.cypher import cypher
from graph.engine.errors import GraphRejected
from graph.engine.store import GraphStore
from graph.events import Change
from graph.workflows.guards import OUTCOME, SEEN, locked, remember, unlock, when_ok
from graph.workflows.runner import Done, Request, missing, new_id, perform

DONATE = cypher(
    "workflows.donate",
    f"""
    {SEEN}
    OPTIONAL MATCH (f:Fund {{id: $fund}})
    OPTIONAL MATCH (donor:Organization {{id: $donor}})
    WITH seen, f, donor, CASE
        WHEN seen IS NOT NULL THEN 'REPLAY'
        WHEN f IS NULL THEN 'FUND_NOT_FOUND'
        WHEN donor IS NULL THEN 'DONOR_NOT_FOUND'
    END AS problem
    {
        when_ok(
            "CREATE (donor)-[:DONATED {id: $id, amountFen: $amount, date: $date, "
            "note: $note}]->(f) " + remember("$fund")
        )
    }
    RETURN {OUTCOME}
    """,
)

GRANT = cypher(
    "workflows.grant",
    f"""
    {locked("f", "Fund", "fund")}
    OPTIONAL MATCH (f)<-[d:DONATED]-()
    WITH seen, f, coalesce(sum(d.amountFen), 0) AS donated
    OPTIONAL MATCH (f)-[g:GRANTED]->()
    WITH seen, f, donated, coalesce(sum(g.amountFen), 0) AS granted
    WITH seen, f, donated - granted AS balance
    OPTIONAL MATCH (p:Project {{id: $project}})
    WITH seen, f, balance, p, CASE
        WHEN seen IS NOT NULL THEN 'REPLAY'
        WHEN f IS NULL THEN 'FUND_NOT_FOUND'
        WHEN p IS NULL THEN 'PROJECT_NOT_FOUND'
        WHEN balance < $amount THEN 'INSUFFICIENT_BALANCE'
    END AS problem
    {
        when_ok(
            "CREATE (f)-[:GRANTED {id: $id, amountFen: $amount, date: $date, award: $award}]->(p) "
            + remember("$fund")
        )
    }
    {unlock("f")}
    RETURN {OUTCOME}, balance
    """,
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
        {
            "FUND_NOT_FOUND": missing("fund", fund),
            "DONOR_NOT_FOUND": missing("organization", donor),
        },
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
        {
            "FUND_NOT_FOUND": missing("fund", fund),
            "PROJECT_NOT_FOUND": missing("project", project),
            "INSUFFICIENT_BALANCE": lambda row: GraphRejected(
                f"The fund has only {row['balance'] / 100:.2f} yuan left; it cannot be overdrawn."
            ),
        },
        change=Change("GRANT_MADE", "Fund", {"Project": [project]}),
    )
