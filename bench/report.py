"""One table from the parts' JSON results, with the issue-5 targets and whether they hold."""

from __future__ import annotations

import os
from typing import Any

Row = tuple[str, str, str, str]  # metric, value, target, holds


def _f(x: float | None, spec: str = ",.0f") -> str:
    return "n/a" if x is None else format(x, spec)


def _yes(ok: bool | None) -> str:
    return "n/a" if ok is None else ("yes" if ok else "NO")


def extract_rows(r: dict[str, Any]) -> list[Row]:
    rows: list[Row] = [(f"extract: corpus ({r['texts']} articles)", f"{r['words']:,} words",
                        "", "")]
    for n in sorted(r["gapwatch"]):
        rows.append((f"extract: gapwatch extract_many n_process={n}",
                     f"{_f(r['gapwatch'][n]['words_per_s'])} words/s", "", ""))
    for n in sorted(r["bare"]):
        rows.append((f"extract: bare spaCy nlp.pipe n_process={n}",
                     f"{_f(r['bare'][n]['words_per_s'])} words/s", "", ""))
    for n, ratio in sorted(r["ratio_by_n"].items()):
        rows.append((f"extract: ratio at n_process={n}", f"{ratio:.2f}x", "", ""))
    ok = r["ratio_best"] >= 2.0
    rows.append(("extract: ratio best vs best", f"{r['ratio_best']:.2f}x", ">= 2.0x", _yes(ok)))
    return rows


def ingest_rows(r: dict[str, Any]) -> list[Row]:
    rows: list[Row] = [("ingest: extraction worker processes (settings)",
                        str(r.get("extract_processes", "n/a")), "", "")]
    runs = r["runs"]
    for n in sorted(runs, key=int):
        x = runs[n]
        fail = x["failures"]
        rows.append((f"ingest {int(n):,}: documents stored / failures",
                     f"{x['documents']:,} / {fail:,}", f"{x['expected']:,} / 0",
                     _yes(x["documents"] == x["expected"] and fail == 0)))
        rows.append((f"ingest {int(n):,}: wall time", f"{x['seconds']:,.1f} s", "", ""))
        rows.append((f"ingest {int(n):,}: documents/s", f"{x['docs_per_s']:.1f}", "", ""))
        rows.append((f"ingest {int(n):,}: seconds/document", _f(x["s_per_doc"], ".4f"), "", ""))
        ea = x["extraction_alone"]
        sampled = "" if ea["sample_every"] == 1 else f", sampled 1/{ea['sample_every']}"
        for k in (1, 2):
            rows.append((f"ingest {int(n):,}: extraction alone n_process={k}{sampled}",
                         f"{ea[f'n{k}_seconds']:,.1f} s", "", ""))
        best = min(ea["n1_seconds"], ea["n2_seconds"])
        over = (x["seconds"] - best) / best
        rows.append((f"ingest {int(n):,}: overhead over extraction (vs n_process=1)",
                     f"{x['overhead_vs_n1'] * 100:.0f}%", "", ""))
        rows.append((f"ingest {int(n):,}: overhead over fastest extraction alone",
                     f"{over * 100:.0f}%", "<= 25%", _yes(over <= 0.25)))
    if "per_doc_ratio" in r:
        ratio = r["per_doc_ratio"]
        sizes = sorted(runs, key=int)
        rows.append((f"ingest: s/doc at {int(sizes[-1]):,} / s/doc at {int(sizes[0]):,}",
                     f"{ratio:.2f}x", "<= 1.2x", _yes(ratio <= 1.2)))
    return rows


def memory_rows(r: dict[str, Any]) -> list[Row]:
    return [
        ("memory: long run", f"{r['documents']:,} docs, {r['sentences']:,} sentences", "", ""),
        ("memory: RSS at start / half-way", f"{r['start_mib']:.0f} / {r['mid_mib']:.0f} MiB",
         "", ""),
        ("memory: peak RSS", f"{r['peak_mib']:.0f} MiB", "< 1536 MiB",
         _yes(r["peak_mib"] < 1536)),
        ("memory: final RSS", f"{r['final_mib']:.0f} MiB", "", ""),
        ("memory: drift over second half", f"{r['drift_second_half_pct']:+.1f}%", "within 10%",
         _yes(abs(r["drift_second_half_pct"]) <= 10)),
        ("memory: max-min spread over second half", f"{r['spread_second_half_pct']:.1f}%", "",
         ""),
    ]


def pg_rows(r: dict[str, Any]) -> list[Row]:
    c = r["copy"]
    return [
        (f"pg: COPY {c['rows']:,} claims", f"{c['seconds']:.1f} s, {_f(c['rows_per_s'])} rows/s",
         "", ""),
        (f"pg: executemany {r['executemany']['rows']:,} claims",
         f"{_f(r['executemany']['rows_per_s'])} rows/s", "", ""),
        (f"pg: storage.load.store_document {r['store_document']['rows']:,} claims",
         f"{_f(r['store_document']['rows_per_s'])} rows/s", "", ""),
        *([(f"pg: storage.load.store_batch (50 per batch) {r['store_batch']['rows']:,} claims",
            f"{_f(r['store_batch']['rows_per_s'])} rows/s", "", "")]
          if "store_batch" in r else []),
    ]


BUILDERS = {"extract": extract_rows, "ingest": ingest_rows, "memory": memory_rows,
            "pg": pg_rows}


def table(results: dict[str, Any]) -> str:
    rows: list[Row] = [("metric", "value", "target", "holds")]
    for part, builder in BUILDERS.items():
        if part not in results:
            continue
        data = results[part]
        if "error" in data:
            rows.append((f"{part}: FAILED", str(data["error"])[:60], "", ""))
            continue
        rows.extend(builder(data))
        if "part_seconds" in data:
            rows.append((f"{part}: part wall time / 5-min load average after",
                         f"{data['part_seconds']:.0f} s / {data.get('loadavg5_after', 0):.1f}",
                         f"load <= {os.cpu_count()}", ""))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    line = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    out = [line]
    for i, r in enumerate(rows):
        out.append("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")
        if i == 0:
            out.append(line)
    out.append(line)
    return "\n".join(out)
