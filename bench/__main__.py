"""`python -m bench [S1 S2 ...]`: re-create the bench database, run the
scenarios (all by default) and write docs/PERFORMANCE.md."""

import importlib
import sys
import time
import traceback

from bench.common import Result, setup_django
from bench.report import write_report

SCENARIOS = {
    "S1": ("s1_booking", "S1 booking rush"),
    "S2": ("s2_fanout", "S2 room fan-out"),
    "S3": ("s3_join", "S3 join storm"),
    "S4": ("s4_reminders", "S4 reminder sweep"),
    "S5": ("s5_reports", "S5 reports"),
    "S6": ("s6_pages", "S6 main pages"),
    "S7": ("s7_sfu", "S7 SFU room"),
}


def main(argv: list[str]) -> int:
    chosen = [a.upper() for a in argv] or list(SCENARIOS)
    setup_django()
    from bench.fixtures import reset_database

    started = time.monotonic()
    print("bench: re-creating and migrating the bench database", flush=True)
    reset_database()
    results = []
    for key in chosen:
        module_name, title = SCENARIOS[key]
        result = Result(key, title)
        print(f"== {title}", flush=True)
        t0 = time.monotonic()
        try:
            importlib.import_module(f"bench.{module_name}").run(result)
        except Exception as exc:  # one broken scenario must not lose the others' figures
            traceback.print_exc()
            result.target("scenario ran to the end", False, f"({type(exc).__name__}: {exc})")
        result.seconds = time.monotonic() - t0
        print(f"   ({result.seconds:.0f} s)", flush=True)
        results.append(result)
    path = write_report(results, total_seconds=time.monotonic() - started, partial=bool(argv))
    print(f"bench: wrote {path} in {time.monotonic() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
