"""Command line: ``python -m cli serve`` runs the service; ``python -m cli seed demo`` loads data.

Before uvicorn starts, ``serve`` checks that the configured graph can be reached, so a wrong
``GRAPH_URI`` ends in one clear line naming it instead of a stack trace.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

import uvicorn

import logs
from config import ConfigError, Settings
from graph.connect import open_store
from graph.errors import GraphError


async def _check_graph(settings: Settings) -> None:
    store = await open_store(settings, bootstrap=False)
    await store.close()


async def _seed_demo(settings: Settings) -> dict[str, int]:
    from seeds import demo  # noqa: PLC0415

    store = await open_store(settings)
    try:
        return await demo.load(store)
    finally:
        await store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cli", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="run the API with uvicorn (settings from the environment)")
    seed = sub.add_parser("seed", help="load seed data into the configured graph")
    seed.add_argument("dataset", choices=["demo"], help="which data set to load")
    args = parser.parse_args(argv)

    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    logs.configure(settings.log_level, settings.log_format)

    try:
        if args.command == "serve":
            if settings.graph_uri != "embedded":
                asyncio.run(_check_graph(settings))
            from app import create_app  # noqa: PLC0415

            uvicorn.run(
                create_app(settings),
                host=settings.host,
                port=settings.port,
                log_config=None,
                lifespan="on",
                timeout_graceful_shutdown=10,
            )
        elif args.command == "seed":
            counts = asyncio.run(_seed_demo(settings))
            print(f"demo data loaded: {counts}")
    except GraphError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
