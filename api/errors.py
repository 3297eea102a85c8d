"""The API's errors and their stable codes.

Every error a client receives carries ``extensions.code`` (:class:`Code`). Errors we raise on
purpose (:class:`ApiError` and its subclasses) keep their message, which is written for the user.
They are plain exceptions, raised by resolvers, the schema's inputs and the web routes alike;
``schema.errors`` decides how each reaches a GraphQL client.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Code(StrEnum):
    BAD_USER_INPUT = "BAD_USER_INPUT"
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    CONFLICT = "CONFLICT"
    GRAPH_UNAVAILABLE = "GRAPH_UNAVAILABLE"
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    RATE_LIMITED = "RATE_LIMITED"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


class ApiError(Exception):
    """An error meant for the user: its message says what to do about it."""

    code: Code = Code.BAD_USER_INPUT

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message)
        self.extensions = extensions


class BadUserInput(ApiError):
    code = Code.BAD_USER_INPUT


class NotFound(ApiError):
    code = Code.NOT_FOUND


class Forbidden(ApiError):
    code = Code.FORBIDDEN


class Conflict(ApiError):
    code = Code.CONFLICT
