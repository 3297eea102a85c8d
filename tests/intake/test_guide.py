"""The import guide lists every template's columns as the code declares them."""

from __future__ import annotations

from pathlib import Path

import pytest

from intake.families import FAMILIES

GUIDE = (Path(__file__).resolve().parents[2] / "docs" / "INTAKE.md").read_text()


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_the_guide_lists_each_column_with_its_headers(family: str) -> None:
    for column in FAMILIES[family].columns:
        required = "是 yes" if column.required else ""
        assert f"| {column.zh} | {column.en} | {required} |" in GUIDE, column
