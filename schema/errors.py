"""How errors reach a GraphQL client: the one place that decides what a client may see.

Every error a client receives carries ``extensions.code`` (the codes and the errors we raise are
``api.errors``'). Errors we raise on purpose (:class:`ApiError` and its subclasses) keep their
message, which is written for the user. Graph errors become ``GRAPH_UNAVAILABLE``, ``NOT_FOUND``
or ``CONFLICT``. Anything else is a bug: the client gets a generic message and a reference it can
quote; the server log gets the traceback under the same reference. Cypher, paths and driver
messages never reach a client.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from graphql import GraphQLError

from api.errors import ApiError, Code
from graph.engine.errors import (
    GraphConflict,
    GraphError,
    GraphInvalid,
    GraphNotFound,
    GraphRejected,
    GraphTimeout,
    GraphUnavailable,
)

log = logging.getLogger(__name__)


def _cause(error: GraphQLError) -> ApiError | None:
    """The error of ours behind a request error, if any: a scalar's parser refused a value, and
    graphql-core wrapped it once (a literal) or twice (a variable, with its name and path)."""
    cause: BaseException | None = error.original_error
    while isinstance(cause, GraphQLError):
        cause = cause.original_error
    return cause if isinstance(cause, ApiError) else None


def _classify_request_error(error: GraphQLError) -> Code:
    cause = _cause(error)
    if cause is not None:
        return cause.code
    declared = (error.extensions or {}).get("code")
    if declared in Code.__members__:
        return Code(declared)
    if error.message.startswith("Syntax Error") and "tokens" in error.message:
        return Code.QUERY_TOO_COMPLEX
    if error.message.startswith("Syntax Error"):
        return Code.GRAPHQL_PARSE_FAILED
    return Code.GRAPHQL_VALIDATION_FAILED


_GRAPH_CODES: tuple[tuple[type[Exception], Code], ...] = (
    (GraphUnavailable, Code.GRAPH_UNAVAILABLE),
    (GraphConflict, Code.CONFLICT),
    (GraphNotFound, Code.NOT_FOUND),
    (GraphInvalid, Code.BAD_USER_INPUT),  # before GraphRejected, which it refines
    (GraphRejected, Code.CONFLICT),
)


def error_code(error: GraphQLError) -> Code:
    """The ``extensions.code`` a client receives for ``error``."""
    original = error.original_error
    if original is None or (error.path is None and isinstance(original, GraphQLError)):
        return _classify_request_error(error)
    if isinstance(original, ApiError):
        return original.code
    for kind, code in _GRAPH_CODES:
        if isinstance(original, kind):
            return code
    return Code.INTERNAL_SERVER_ERROR


def format_error(error: GraphQLError) -> dict[str, Any]:
    """The client's view of one error, in the GraphQL spec's format plus ``extensions.code``."""
    original = error.original_error
    message = error.message
    extensions: dict[str, Any] = {}
    if original is None or (error.path is None and isinstance(original, GraphQLError)):
        # A request error (the document never ran): unparsable, invalid, or variables that do
        # not fit their types, e.g. an unknown enum value (coercion keeps its inner error).
        # A variable's value our parser refused keeps graphql-core's message, which names the
        # variable and the path inside it before ours.
        code = _classify_request_error(error)
        extensions.update({k: v for k, v in (error.extensions or {}).items() if k != "code"})
    elif isinstance(original, ApiError) and error.path is None:
        # Raised while the request was read (a scalar's parser: a date out of range): graphql-core's
        # message holds ours with the literal it was found in.
        code = original.code
        extensions.update(original.extensions)
    elif isinstance(original, ApiError):
        code = original.code
        message = str(original)
        extensions.update(original.extensions)
    elif isinstance(original, GraphTimeout):
        # Usually the question, not the store: say how to ask one the deadline allows.
        code = Code.GRAPH_UNAVAILABLE
        message = (
            "The graph did not answer this in time; ask for less (a smaller depth, limit or "
            "scope) or try again shortly."
        )
    elif isinstance(original, GraphUnavailable):
        code = Code.GRAPH_UNAVAILABLE
        message = "The graph store is unavailable at the moment; try again shortly."
    elif isinstance(original, GraphConflict):
        code = Code.CONFLICT
        message = str(original)
    elif isinstance(original, GraphNotFound):
        code = Code.NOT_FOUND
        message = str(original)
    elif isinstance(original, GraphRejected):
        code = Code.BAD_USER_INPUT if isinstance(original, GraphInvalid) else Code.CONFLICT
        message = str(original)
        extensions.update(original.extensions)
        if original.details:
            extensions["details"] = original.details
    else:
        reference = uuid.uuid4().hex[:12]
        code = Code.INTERNAL_SERVER_ERROR
        message = (
            f"Something went wrong on our side; quote reference {reference} when reporting it."
        )
        log.error(
            "unexpected error while resolving a field",
            exc_info=(type(original), original, original.__traceback__),
            extra={
                "reference": reference,
                "path": error.path,
                "statement": getattr(original, "statement_name", None),
                "detail": getattr(original, "detail", None)
                if isinstance(original, GraphError)
                else None,
            },
        )
    formatted: dict[str, Any] = {"message": message}
    if error.locations:
        formatted["locations"] = [
            {"line": loc.line, "column": loc.column} for loc in error.locations
        ]
    if error.path:
        formatted["path"] = list(error.path)
    formatted["extensions"] = {**extensions, "code": str(code)}
    return formatted
