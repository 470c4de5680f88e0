"""Run the benchmarks and write docs/benchmarks.md.

    python -m bench.run [--only csv,...] [--csv-attempts N] [--write docs/benchmarks.md]

Needs DATABASE_URL (PostgreSQL) and REDIS_URL/CELERY_BROKER_URL; `make bench` provides them.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.base")

import django

django.setup()

from bench import lists, poll, render, report_csv, submit, sweep  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def machine() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kb = int(
        next(
            line.split()[1]
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    )
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=REPO,
        text=True,
        capture_output=True,
        check=False,
    ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024**2, 1),
        "python": platform.python_version(),
        "commit": commit or "unknown",
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", default="poll,list,sweep,submit,csv")
    parser.add_argument("--seconds", type=int, default=15, help="length of each load run")
    parser.add_argument("--csv-attempts", type=int, default=1_000_000)
    parser.add_argument("--json", default=str(REPO / "var" / "bench" / "results.json"))
    parser.add_argument(
        "--write",
        default=str(REPO / "docs" / "benchmarks.md"),
        help="document whose figures section is rewritten (--write= for none)",
    )
    args = parser.parse_args()
    cases = set(args.only.split(","))
    results: dict[str, Any] = {"machine": machine()}
    if "poll" in cases:
        print("timer status poll under load ...", flush=True)
        results["poll"] = poll.run(args.seconds)
        print(json.dumps(results["poll"], indent=2), flush=True)
    if "list" in cases:
        print("instructor attempt list ...", flush=True)
        results["list"] = lists.run()
        print(json.dumps(results["list"], indent=2), flush=True)
    if "sweep" in cases:
        print("overdue sweep ...", flush=True)
        results["sweep"] = sweep.run()
        print(json.dumps(results["sweep"], indent=2), flush=True)
    if "submit" in cases:
        print("submits over HTTP, then replayed ...", flush=True)
        results["submit"] = submit.run()
        print(json.dumps(results["submit"], indent=2), flush=True)
    if "csv" in cases:
        print(f"results CSV on {args.csv_attempts:,} attempts ...", flush=True)
        results["csv"] = report_csv.run(args.csv_attempts)
        print(json.dumps(results["csv"], indent=2), flush=True)
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str))
    print(f"written {out}")
    if args.write:
        render.write(results, Path(args.write))
        print(f"figures written to {args.write}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
