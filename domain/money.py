"""Money: stored as whole fen (分) so sums are exact; shown as yuan (元) with two decimals."""

from __future__ import annotations

from decimal import Decimal


def yuan(fen: int | None) -> Decimal | None:
    return None if fen is None else (Decimal(int(fen)) / 100).quantize(Decimal("0.01"))
