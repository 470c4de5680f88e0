"""A Celery worker of the project whose report builds stall after STALL_AFTER_ROWS rows, so a test
can kill it in the middle of a report, at a known point. Everything else is the real worker.

    STALL_AFTER_ROWS=5000 python -m tests.faults.stalling_worker -A settings worker --pool=solo
"""

import os
import sys
import time
from collections.abc import Iterable, Iterator
from typing import Any


def stall_report_rows_after(limit: int) -> None:
    """Make every report build hang (until killed) once `limit` rows went into the file."""
    from reports import csv_format

    write_csv = csv_format.write_csv

    def stalling_write_csv(rows: Iterable[tuple[Any, ...]], out: Any) -> int:
        def rows_then_stall() -> Iterator[tuple[Any, ...]]:
            for number, row in enumerate(rows, start=1):
                yield row
                if number >= limit:
                    time.sleep(3600)

        return write_csv(rows_then_stall(), out)

    csv_format.write_csv = stalling_write_csv


if __name__ == "__main__":
    stall_report_rows_after(int(os.environ["STALL_AFTER_ROWS"]))
    from celery.__main__ import main

    sys.exit(main())
