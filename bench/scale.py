"""How big a `make bench` run is: BENCH_SCALE=default (the default, under
15 minutes on the 2-core machine) or BENCH_SCALE=full (the issue's sizes:
100,000 reminders, 1,000,000 bookings, the longer fan-out with every server
configuration compared; about 25 minutes). A knob set in the environment
always wins over both."""

import os

SCALES: dict[str, dict[str, str]] = {
    "default": {
        "BENCH_S1_ROUNDS": "5",
        "BENCH_S2_SECONDS": "15",
        "BENCH_S2_CONFIGS": "production",
        "BENCH_S4_REMINDERS": "5000",
        "BENCH_S5_ROWS": "250000",
    },
    "full": {
        "BENCH_S1_ROUNDS": "10",
        "BENCH_S2_SECONDS": "30",
        "BENCH_S2_CONFIGS": "all",
        "BENCH_S4_REMINDERS": "100000",
        "BENCH_S4_SECONDS": "600",
        "BENCH_S5_ROWS": "1000000",
    },
}


def apply_scale() -> str:
    """Fill in the chosen scale's knobs that the environment does not set;
    returns the scale's name."""
    name = os.environ.get("BENCH_SCALE", "default")
    if name not in SCALES:
        raise SystemExit(f"BENCH_SCALE must be one of {', '.join(SCALES)}, not {name!r}")
    for key, value in SCALES[name].items():
        os.environ.setdefault(key, value)
    return name
