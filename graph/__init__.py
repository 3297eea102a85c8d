"""The graph layer: the only code that knows Cypher, the drivers and the embedded server."""
