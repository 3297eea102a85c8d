"""The engine room: one async store interface, the two drivers, the Cypher dialects, the embedded
FalkorDB and the local Neo4j, the indexes, and the statements about the graph as a whole."""
