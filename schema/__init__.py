"""The GraphQL schema: the root types composed from one query class per domain (netbox style)."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.types import ExecutionContext

from schema.system import SystemQuery


@strawberry.type(description="Everything that can be read. Start from `service` to check the link.")
class Query(SystemQuery):
    pass


class Schema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Logging happens once, in ``schema.errors.format_error``, with a reference id."""


def build_schema(**kwargs: Any) -> Schema:
    return Schema(query=Query, **kwargs)


schema = build_schema()
