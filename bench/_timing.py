"""Interleaved-rounds timing: a candidate and its baseline measured side by side, same run.

    from bench._timing import interleaved, report

    timings = interleaved({"call sheet": render_call_sheet, "bare route": bare_route})
    print(report(timings, baseline="bare route"))

Each candidate is a callable taking no arguments. After a warm-up, each gets a number of
calls per sample so that one sample lasts at least `min_time`; then every round times one
sample of every candidate, in a shuffled order, so that whatever else the machine is doing
falls on all candidates alike. The result per candidate is the median over the rounds.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

STEPS = (1, 2, 5)


@dataclass
class Timing:
    """Seconds per call of one candidate: one sample per round."""

    name: str
    samples: list[float]
    number: int  # calls per sample

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def spread(self) -> float:
        """Interquartile range relative to the median (0.05 = the middle half within 5%)."""
        if len(self.samples) < 4:
            return 0.0
        low, _, high = statistics.quantiles(self.samples, n=4)
        return (high - low) / self.median if self.median else 0.0

    def __str__(self) -> str:
        return (
            f"{self.name}: {format_seconds(self.median)} per call (median of "
            f"{len(self.samples)} rounds of {self.number}, spread {self.spread:.0%})"
        )


def format_seconds(seconds: float) -> str:
    """Return seconds in the unit that reads best: s, ms or µs."""
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} µs"


def calls_per_sample(
    candidate: Callable[[], object], min_time: float, clock: Callable[[], float] = time.perf_counter
) -> int:
    """Return the smallest of 1, 2, 5, 10, 20, … calls that take at least min_time."""
    scale = 1
    while True:
        for step in STEPS:
            number = step * scale
            start = clock()
            for _ in range(number):
                candidate()
            if clock() - start >= min_time or number >= 10**7:
                return number
        scale *= 10


def interleaved(
    candidates: dict[str, Callable[[], object]],
    *,
    rounds: int = 15,
    min_time: float = 0.05,
    warmup: int = 1,
    seed: int = 0,
    clock: Callable[[], float] = time.perf_counter,
) -> dict[str, Timing]:
    """Time every candidate in each of `rounds` rounds, in a shuffled order; return Timings."""
    numbers = {}
    for name, candidate in candidates.items():
        for _ in range(warmup):
            candidate()
        numbers[name] = calls_per_sample(candidate, min_time, clock)
    samples: dict[str, list[float]] = {name: [] for name in candidates}
    order, chance = list(candidates), random.Random(seed)
    for _ in range(rounds):
        chance.shuffle(order)
        for name in order:
            candidate, number = candidates[name], numbers[name]
            start = clock()
            for _ in range(number):
                candidate()
            samples[name].append((clock() - start) / number)
    return {name: Timing(name, samples[name], numbers[name]) for name in candidates}


def ratio(timing: Timing, baseline: Timing) -> float:
    """Return how many times slower timing is than baseline (below 1: faster)."""
    return timing.median / baseline.median


def report(timings: dict[str, Timing], baseline: str) -> str:
    """Return one line per candidate with its median and its ratio to the baseline."""
    base = timings[baseline]
    lines = []
    for name, timing in timings.items():
        suffix = "  (baseline)" if name == baseline else f"  = {ratio(timing, base):.2f} x {baseline}"
        lines.append(f"{timing}{suffix}")
    return "\n".join(lines)
