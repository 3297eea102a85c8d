"""Our own errors for everything that can go wrong in the graph layer.

Driver exceptions never cross this boundary: the API maps these classes to stable GraphQL error
codes, and their messages are written for the person who will read them (an operator for
``GraphUnavailable``, a user for ``GraphConflict``). Cypher text stays in the server log.
"""

from __future__ import annotations


class GraphError(Exception):
    """Base of every error the graph layer raises."""


class GraphUnavailable(GraphError):
    """The store cannot be reached, is starting, or did not answer in time."""


class GraphTimeout(GraphUnavailable):
    """A statement ran past its deadline; the store itself may be fine."""


class GraphConflict(GraphError):
    """A write would break a uniqueness rule (or another invariant the store enforces).

    ``label`` is the label of the node whose unique property collided, when the engine said
    (both do; never the value, which may be a protected field): the workflow runner names the
    natural key from it (``graph.workflows.runner``).
    """

    def __init__(self, message: str, label: str | None = None) -> None:
        super().__init__(message)
        self.label = label


class GraphNotFound(GraphError):
    """A workflow named an entity that does not exist; the message names it for the user."""


class GraphRejected(GraphError):
    """A workflow rule refused a write (capacity, balance, eligibility, state); nothing changed.

    The message is written for the user; ``details`` carries machine-readable reasons (for
    example one entry per volunteer that could not be assigned); ``extensions`` what the client
    receives beside the code (a stable ``reason``, and what it needs to act on it).
    """

    def __init__(
        self,
        message: str,
        details: list[dict[str, object]] | None = None,
        extensions: dict[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.details = details or []
        self.extensions = extensions or {}


class GraphInvalid(GraphRejected):
    """A value the user gave breaks a rule only the graph can check (a need's title that names
    its resident); the API answers it as bad input, naming the field, and nothing changed."""


class GraphQueryError(GraphError):
    """The store rejected a statement: a bug on our side, never the user's fault."""

    def __init__(self, statement_name: str, detail: str) -> None:
        super().__init__(f"The graph rejected statement {statement_name}.")
        self.statement_name = statement_name
        self.detail = detail
