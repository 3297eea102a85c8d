"""The service's own questions: its version and engine, what the graph holds, and revoking
tokens."""

from __future__ import annotations

import time
from importlib.metadata import PackageNotFoundError, version

import strawberry

from access import policy, tokens
from access.policy import Grants
from api.errors import BadUserInput
from graph.access import identity
from graph.engine import system as repo
from graph.engine.system import LabelCount


def _version() -> str:
    try:
        return version("community-resource-graph")
    except PackageNotFoundError:  # running from a checkout that was not pip-installed
        return "0.0.0+checkout"


def service(info: strawberry.Info) -> tuple[str, str]:
    return _version(), info.context.store.dialect.name


async def label_counts(info: strawberry.Info) -> list[LabelCount]:
    """Counts of the labels whose every row the viewer may see.

    A count is a fact about rows: a family closed to the viewer (residents for an anonymous
    caller, the audit log for anyone but an admin) or scoped to some of its rows (a volunteer's
    residents) would tell them how many rows they may not see, so it is left out. Decided by
    ``policy.row_scope`` from the role alone (``None``: every row), as the lists decide it.
    """
    viewer = info.context.viewer
    counts = await repo.counts_by_label(info.context.store)
    return [c for c in counts if policy.row_scope(viewer, Grants(), c.label) is None]


MAX_ID = 200


async def revoke_tokens(
    info: strawberry.Info, token_id: str | None, subject: str | None
) -> tuple[int, float]:
    """Revoke a token by id and/or every token of a subject issued until now; the number of
    recorded live tokens it covers, and when."""
    token_id = (token_id or "").strip() or None
    subject = (subject or "").strip() or None
    if token_id is None and subject is None:
        raise BadUserInput("Give the tokenId of one token, or the subject whose tokens to revoke.")
    if any(v is not None and len(v) > MAX_ID for v in (token_id, subject)):
        raise BadUserInput(f"A tokenId or subject is at most {MAX_ID} characters long.")
    context = info.context
    at = time.time()
    covered = await identity.revoke(
        context.store,
        token_id=token_id,
        subject=subject,
        by=context.viewer.actor,
        keep_s=tokens.revocation_kept_s(context.settings),
        now=at,
    )
    # This process honours it at once; the others when identity.revoke's announcement reaches
    # them (within their identity cache's lifetime on Neo4j, which passes no announcements).
    context.request.app.state.identities.forget()
    return covered, at
