"""Neo4j 5 / Aura through the official async driver.

Each call is a managed transaction (``execute_read``/``execute_write``), so the driver retries
transient failures (leader switches, deadlocks) within ``max_transaction_retry_time``; that budget
is kept below the request deadline so a client never waits on retries it cannot see.
"""

from __future__ import annotations

import asyncio
from typing import Any

import neo4j
import neo4j.exceptions as nx

from graph.dialect import NEO4J
from graph.errors import GraphConflict, GraphQueryError, GraphTimeout, GraphUnavailable
from graph.store import PING_TIMEOUT_S, GraphStore, Record
from graph.values import from_neo4j

NEO4J_SCHEMES = ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")


class Neo4jStore(GraphStore):
    def __init__(
        self, driver: neo4j.AsyncDriver, uri: str, database: str, query_timeout_s: float
    ) -> None:
        super().__init__(NEO4J, query_timeout_s)
        self._driver = driver
        self._uri = uri
        self._database = database

    @property
    def description(self) -> str:
        return f"Neo4j at {self._uri} (database {self._database})"

    async def _run(
        self, name: str, query: str, params: dict[str, Any], *, write: bool
    ) -> list[Record]:
        # The server ends the transaction at the deadline (a managed transaction's timeout is set
        # on its unit of work; a Query object only carries one for auto-commit runs).
        @neo4j.unit_of_work(timeout=self.query_timeout_s)
        async def work(tx: neo4j.AsyncManagedTransaction) -> list[Record]:
            result = await tx.run(query, params)
            return [{k: from_neo4j(v) for k, v in record.items()} async for record in result]

        try:
            async with self._driver.session(database=self._database) as session:
                if write:
                    return await session.execute_write(work)
                return await session.execute_read(work)
        except nx.ConstraintError:
            raise GraphConflict("That record already exists.") from None
        except (nx.ServiceUnavailable, nx.SessionExpired) as exc:
            raise GraphUnavailable(f"Neo4j at {self._uri} cannot be reached.") from exc
        except nx.ClientError as exc:
            if exc.code and "TransactionTimedOut" in exc.code:
                raise GraphTimeout("The graph did not finish the request in time.") from None
            raise GraphQueryError(name, f"{exc.code}: {exc.message}") from None
        except nx.Neo4jError as exc:
            raise GraphUnavailable(f"Neo4j at {self._uri} failed: {exc.code}.") from exc

    async def ping(self) -> None:
        try:
            async with asyncio.timeout(PING_TIMEOUT_S):
                await self._driver.verify_connectivity()
        except (TimeoutError, nx.Neo4jError, nx.DriverError, OSError) as exc:
            raise GraphUnavailable(f"Neo4j at {self._uri} does not answer.") from exc

    async def close(self) -> None:
        await self._driver.close()


async def open_neo4j(
    *,
    uri: str,
    user: str,
    password: str,
    database: str,
    pool_size: int,
    connect_timeout_s: float,
    query_timeout_s: float,
) -> Neo4jStore:
    try:
        driver = neo4j.AsyncGraphDatabase.driver(
            uri,
            auth=(user, password),
            max_connection_pool_size=pool_size,
            connection_timeout=connect_timeout_s,
            connection_acquisition_timeout=connect_timeout_s,
            max_transaction_retry_time=max(query_timeout_s / 2, 1.0),
        )
    except (ValueError, nx.ConfigurationError) as exc:
        raise GraphUnavailable(f"GRAPH_URI {uri!r} is not a usable Neo4j address: {exc}") from None
    try:
        async with asyncio.timeout(connect_timeout_s):
            # A first read on the configured database checks address, credentials and database
            # at once (verify_connectivity's database argument is a preview feature).
            await driver.execute_query(
                "RETURN 1", database_=database, routing_=neo4j.RoutingControl.READ
            )
    except nx.AuthError:
        await driver.close()
        raise GraphUnavailable(
            f"Neo4j at {uri} refused the credentials (check NEO4J_USER and NEO4J_PASSWORD)."
        ) from None
    except (TimeoutError, nx.Neo4jError, nx.DriverError, OSError) as exc:
        await driver.close()
        reason = "timed out" if isinstance(exc, TimeoutError) else type(exc).__name__
        raise GraphUnavailable(
            f"Cannot reach Neo4j at {uri} ({reason}); check GRAPH_URI and that the server runs."
        ) from None
    return Neo4jStore(driver, uri, database, query_timeout_s)
