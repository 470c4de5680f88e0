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
import traceback
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
    runs = {
        "poll": ("timer status poll under load", lambda: poll.run(args.seconds)),
        "list": ("instructor attempt list", lists.run),
        "sweep": ("overdue sweep", sweep.run),
        "submit": ("submits over HTTP, then replayed", submit.run),
        "csv": (
            f"results CSV on {args.csv_attempts:,} attempts",
            lambda: report_csv.run(args.csv_attempts),
        ),
    }
    failed = []
    for case, (title, measure) in runs.items():
        if case not in cases:
            continue
        print(f"{title} ...", flush=True)
        # One case failing keeps the others' results: it is reported and the run goes on.
        try:
            results[case] = measure()
        except Exception as error:
            traceback.print_exc()
            results[case] = {"error": f"{type(error).__name__}: {error}"}
            failed.append(case)
        print(json.dumps(results[case], indent=2, default=str), flush=True)
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str))
    print(f"written {out}")
    if args.write:
        render.write(results, Path(args.write))
        print(f"figures written to {args.write}")
    if failed:
        print(f"FAILED: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
