"""``python -m timbalans.generator OUT --scale department --seed 1 --until 2026-11-23``."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from timbalans.generator import config
from timbalans.generator.core import FORMATS, generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m timbalans.generator",
        description="Write the demo data set (canonical files).",
    )
    parser.add_argument("out", type=Path, help="output folder")
    parser.add_argument("--scale", choices=list(config.SCALES), default="department")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--until", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default today)"
    )
    parser.add_argument("--format", dest="fmt", choices=FORMATS, default=None)
    parser.add_argument("--progress", action="store_true", help="print the steps to stderr")
    parser.add_argument("--json", action="store_true", help="print the row counts as JSON")
    args = parser.parse_args(argv)
    counts = generate(
        args.out,
        scale=args.scale,
        seed=args.seed,
        until=args.until,
        fmt=args.fmt,
        progress=args.progress,
    )
    if args.json:
        print(json.dumps(counts))
    else:
        for name, n in counts.items():
            print(f"{name:12s} {n:>10d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
