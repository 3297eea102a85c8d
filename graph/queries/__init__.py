"""The query room: reads that answer one question each (matching, linking, network, gaps,
collaboration, statistics, search)."""
