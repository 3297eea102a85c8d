"""The service in the measuring process, over a tier an earlier run loaded (``--data DIR``).

Measurements that time parts of a request (``bench.survey``) or count its round trips
(``bench.viewers``) run the app in-process over the embedded graph, with no rate limit and no
demo data, so the figures are the request's own.
"""

from __future__ import annotations

from config import Settings


def settings_over(data: str, **env: str) -> Settings:
    """Settings for the app over the embedded graph in ``data``; ``env`` adds or overrides."""
    return Settings.from_env(
        {
            "GRAPH_URI": "embedded",
            "GRAPH_DATA_DIR": data,
            "LOAD_DEMO_DATA": "false",
            "RATE_LIMIT_PER_MINUTE": "0",
            "LOG_LEVEL": "warning",
            **env,
        }
    )
