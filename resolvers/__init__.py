"""Resolvers turn GraphQL arguments into calls on ``graph`` repositories; no Cypher here."""
