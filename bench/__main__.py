"""``python -m bench [extract ingest memory pg] [--quick]``: run parts, print one table.

Each part runs in its own interpreter (``python -m bench.<module>``): the memory
part must not inherit the others' heap, and forking extraction workers after
Prefect has started its threads is best avoided. Results are also written to
bench/out/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from typing import Any

from bench.common import OUT, ROOT, SEED, log, write_json
from bench.report import table

PARTS = {"extract": "bench.extract_speed", "ingest": "bench.ingest_scale",
         "memory": "bench.memory", "pg": "bench.pg_bulk"}


def run_part(name: str, quick: bool, seed: int, extra: list[str]) -> dict[str, Any]:
    out = OUT / f"{name}.json"
    out.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", PARTS[name], "--seed", str(seed), "--json", str(out), *extra]
    if quick:
        cmd.append("--quick")
    log(f"part {name}: {' '.join(cmd[1:])}")
    load_before = os.getloadavg()[0]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT)
    secs = time.perf_counter() - t0
    # The 5-minute load average says whether other work shared the CPUs meanwhile.
    load = {"loadavg1_before": load_before, "loadavg5_after": os.getloadavg()[1]}
    if proc.returncode != 0 or not out.exists():
        return {"error": f"exit status {proc.returncode}", "part_seconds": secs, **load}
    data: dict[str, Any] = json.loads(out.read_text())
    data.update(part_seconds=secs, **load)
    return data


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    ap.add_argument("parts", nargs="*", metavar="PART",
                    help=f"any of {', '.join(PARTS)} (default: all)")
    ap.add_argument("--quick", action="store_true", help="small sizes: a smoke test")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--ingest-window", type=int,
                    help="settings.pipeline_window for the ingest part")
    ap.add_argument("--ingest-sizes", type=int, nargs="+", metavar="N",
                    help="ingest sizes (default 1000 10000; --quick 50 150)")
    args = ap.parse_args(argv)
    unknown = [p for p in args.parts if p not in PARTS]
    if unknown:
        ap.error(f"unknown part(s) {', '.join(unknown)}; choose from {', '.join(PARTS)}")
    parts = args.parts or list(PARTS)
    results: dict[str, Any] = {
        "meta": {"started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "quick": args.quick,
                 "seed": args.seed, "python": platform.python_version(),
                 "machine": platform.machine(), "cpus": os.cpu_count()}}
    for name in parts:
        extra: list[str] = []
        if name == "ingest" and args.ingest_window:
            extra += ["--window", str(args.ingest_window)]
        if name == "ingest" and args.ingest_sizes:
            extra += ["--sizes", *map(str, args.ingest_sizes)]
        results[name] = run_part(name, args.quick, args.seed, extra)
    write_json(OUT / "results.json", results)
    print(table(results))
    print(f"(results: {OUT / 'results.json'})")
    return 1 if any("error" in v for k, v in results.items() if k != "meta") else 0


if __name__ == "__main__":
    sys.exit(main())
