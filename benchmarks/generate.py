"""Time and peak memory of the demo data generator per scale.

Each scale runs in its own child process (``python -m timbalans.generator``); the peak memory is
that child's maximum resident set size from ``os.wait4``. Targets: national <= 300 s and
<= 8 GB on a 2-core machine.

    python benchmarks/generate.py                      # municipality and national
    python benchmarks/generate.py department national --until 2026-11-23 --keep /tmp/out
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCALES = ("department", "municipality", "national")


def run(scale: str, out: Path, seed: int, until: str | None) -> dict:
    cmd = [sys.executable, "-m", "timbalans.generator", str(out), "--scale", scale]
    cmd += ["--seed", str(seed), "--json"]
    if until:
        cmd += ["--until", until]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    stdout = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    if status != 0:
        raise SystemExit(f"{scale}: the generator failed with status {status}")
    # ru_maxrss is in kilobytes on Linux.
    return {
        "scale": scale,
        "seconds": round(seconds, 1),
        # CPU seconds do not move with the load of a shared machine; wall seconds do
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
        "peak_mb": round(usage.ru_maxrss / 1024),
        "rows": json.loads(stdout.strip().splitlines()[-1]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scales", nargs="*", choices=SCALES, default=["municipality", "national"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--until", default=None, help="YYYY-MM-DD (default today)")
    parser.add_argument("--keep", type=Path, default=None, help="keep the files under this folder")
    args = parser.parse_args(argv)
    results = []
    for scale in args.scales:
        with tempfile.TemporaryDirectory() as tmp:
            out = (args.keep / scale) if args.keep else Path(tmp) / scale
            result = run(scale, out, args.seed, args.until)
        results.append(result)
        rows = "  ".join(f"{k}={v}" for k, v in result["rows"].items())
        print(
            f"{scale:13s} {result['seconds']:7.1f} s  (cpu {result['cpu_seconds']:.1f} s)  "
            f"{result['peak_mb']:6d} MB peak  {rows}"
        )
        sys.stdout.flush()
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
