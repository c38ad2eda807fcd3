"""Medians, ranges and ratios over repeated runs."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Spread:
    median: float
    low: float
    high: float
    count: int

    @classmethod
    def of(cls, values: Iterable[float]) -> Spread | None:
        found = list(values)
        if not found:
            return None
        return cls(statistics.median(found), min(found), max(found), len(found))

    def show(self, digits: int = 0, unit: str = "") -> str:
        def fmt(value: float) -> str:
            return f"{value:,.{digits}f}{unit}"

        if self.count == 1:
            return fmt(self.median)
        return f"{fmt(self.median)} ({fmt(self.low)} to {fmt(self.high)})"


def show(spread: Spread | None, digits: int = 0, unit: str = "") -> str:
    return spread.show(digits, unit) if spread else "—"


def ratio(numerator: Spread | None, denominator: Spread | None) -> float | None:
    if not numerator or not denominator or not denominator.median:
        return None
    return numerator.median / denominator.median


def show_ratio(value: float | None, as_percent: bool = False) -> str:
    if value is None:
        return "—"
    return f"{value:.0%}" if as_percent else f"{value:.2f}x"


def verdict(met: bool | None) -> str:
    if met is None:
        return "not measured"
    return "**met**" if met else "**not met**"
