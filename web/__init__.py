"""The HTTP side around the GraphQL endpoint: the gate (tokens, limits, headers), logs, downloads,
exports and the explorer page."""
