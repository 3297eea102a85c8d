from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

import strawberry

from graph import system as repo
from graph.system import LabelCount


def _version() -> str:
    try:
        return version("community-resource-graph")
    except PackageNotFoundError:  # running from a checkout that was not pip-installed
        return "0.0.0+checkout"


def service(info: strawberry.Info) -> tuple[str, str]:
    return _version(), info.context.store.dialect.name


async def label_counts(info: strawberry.Info) -> list[LabelCount]:
    return await repo.counts_by_label(info.context.store)
