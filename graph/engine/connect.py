"""Open the store named by ``GRAPH_URI`` and make its schema ready.

``embedded`` (default) starts FalkorDB as a child process; ``falkordb://host:port`` uses an
external FalkorDB; ``neo4j://``, ``neo4j+s://``, ``bolt://`` (and ``+ssc``) use Neo4j 5 or Aura.
"""

from __future__ import annotations

from config import Settings
from graph.engine.bootstrap import ensure_schema
from graph.engine.errors import GraphUnavailable
from graph.engine.falkordb_store import open_embedded, open_external
from graph.engine.neo4j_store import NEO4J_SCHEMES, open_neo4j
from graph.engine.store import GraphStore


async def open_store(settings: Settings, *, bootstrap: bool = True) -> GraphStore:
    uri = settings.graph_uri
    common = {
        "pool_size": settings.graph_pool_size,
        "connect_timeout_s": settings.graph_connect_timeout_s,
        "query_timeout_s": settings.graph_query_timeout_s,
    }
    store: GraphStore
    if uri == "embedded":
        store = await open_embedded(settings.graph_data_dir, settings.graph_name, **common)
    elif uri.startswith("falkordb://"):
        store = await open_external(uri, settings.graph_name, **common)
    elif uri.startswith(NEO4J_SCHEMES):
        store = await open_neo4j(
            uri=uri,
            user=settings.neo4j_user,
            password=str(settings.neo4j_password),
            database=settings.neo4j_database,
            **common,
        )
    else:
        raise GraphUnavailable(
            f"GRAPH_URI {uri!r} is not understood; use 'embedded', falkordb://host:port, "
            "neo4j://host:7687, neo4j+s://… (Aura) or bolt://host:7687."
        )
    if bootstrap:
        try:
            await ensure_schema(store)
        except BaseException:
            await store.close()
            raise
    return store
