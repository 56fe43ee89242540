"""The benchmark timer measures candidates side by side, in interleaved rounds."""

import importlib.util
import sys
from pathlib import Path

spec = importlib.util.spec_from_file_location(
    "bench_timing", Path(__file__).resolve().parents[1] / "bench" / "_timing.py"
)
timing = sys.modules[spec.name] = importlib.util.module_from_spec(spec)  # bench/ is no package
spec.loader.exec_module(timing)


class FakeClock:
    """A clock that only moves when a candidate says how long it took."""

    def __init__(self):
        self.now = 0.0
        self.calls = []

    def __call__(self) -> float:
        return self.now

    def candidate(self, name: str, seconds: float):
        def run():
            self.calls.append(name)
            self.now += seconds

        return run


def test_each_candidate_gets_enough_calls_per_sample_and_its_median_per_call():
    clock, tick = FakeClock(), 1 / 1024  # binary fractions add up exactly
    timings = timing.interleaved(
        {"batch": clock.candidate("batch", tick), "one by one": clock.candidate("one by one", 4 * tick)},
        rounds=5,
        min_time=8 * tick,
        warmup=0,
        clock=clock,
    )

    assert timings["batch"].number == 10 and timings["one by one"].number == 2
    assert timings["batch"].median == tick and timings["one by one"].median == 4 * tick
    assert timing.ratio(timings["one by one"], timings["batch"]) == 4.0


def test_every_round_times_every_candidate_so_noise_falls_on_all_alike():
    clock = FakeClock()
    names = ["a", "b", "c"]
    timing.interleaved(
        {name: clock.candidate(name, 0.02) for name in names}, rounds=6, min_time=0.01, warmup=0, clock=clock
    )

    measured = clock.calls[len(names) :]  # after calibration: one call per sample
    rounds = [measured[i : i + 3] for i in range(0, len(measured), 3)]
    assert len(rounds) == 6 and all(sorted(r) == names for r in rounds)
    assert len({tuple(r) for r in rounds}) > 1  # the order is shuffled between rounds


def test_report_names_the_baseline_and_each_ratio_to_it():
    timings = {
        "call sheet": timing.Timing("call sheet", [0.004, 0.004, 0.005], 10),
        "bare route": timing.Timing("bare route", [0.001, 0.001, 0.001], 100),
    }

    lines = timing.report(timings, baseline="bare route").splitlines()

    assert lines[0].startswith("call sheet: 4.00 ms per call") and lines[0].endswith("= 4.00 x bare route")
    assert lines[1].endswith("(baseline)")
