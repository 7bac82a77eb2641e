"""Fuzz torch.load's reader with many mutated Torch7 fixtures (the in-suite test runs 300).

    .venv/bin/python bench/fuzz_serialization.py --count 100000

Each case must load, or fail with a SerializationError naming the byte offset; anything else
(another exception, a case slower than --slow seconds) is reported and makes the exit status 1.
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
# the fixtures lie in ../shared beside the checkout, as the tests' conftest finds them
os.environ.setdefault("LUATORCH_SHARED",
                      os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared"))

from hypothesis import HealthCheck, given, settings

from tests.torch.test_serialization_fuzz import FIXTURES, check_one, mutated


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--count", type=int, default=100000)
    p.add_argument("--slow", type=float, default=2.0, help="seconds one case may take")
    args = p.parse_args()
    if not FIXTURES:
        print("no fixtures found")
        return 1
    stats = {"cases": 0, "slowest": 0.0}

    def timed(case):
        t0 = time.perf_counter()
        check_one(*case)
        return time.perf_counter() - t0

    @settings(max_examples=args.count, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(mutated())
    def run(case):
        stats["cases"] += 1
        dt = timed(case)
        if dt > args.slow:
            # the shared machine stalls now and then: a case is slow only if it stays slow
            dt = min(dt, timed(case), timed(case))
            if dt > args.slow:
                raise AssertionError(f"{case[0]}: one case takes {dt:.1f} s")
        stats["slowest"] = max(stats["slowest"], dt)

    t0 = time.perf_counter()
    status = 0
    try:
        run()
    except Exception as e:  # noqa: BLE001 - report whatever the property found
        print(f"FAILED: {type(e).__name__}: {e}")
        status = 1
    print(f"{stats['cases']} cases in {time.perf_counter() - t0:.0f} s; slowest case "
          f"{stats['slowest'] * 1000:.1f} ms")
    return status


if __name__ == "__main__":
    sys.exit(main())
