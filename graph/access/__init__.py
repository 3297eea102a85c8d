"""The facts access depends on, read from the graph: who covers what, tokens and revocations, and
the audit log."""
