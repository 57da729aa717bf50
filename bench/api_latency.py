"""API latency on PostgreSQL with 1,000,000 claims (a benchmark, not a test).

    .venv/bin/python -m bench.api_latency [--claims 1000000] [--requests 200]

Starts a throwaway PostgreSQL server (as the `postgres` user when run as root),
creates the schema with the project's migrations, bulk-loads synthetic documents,
claims (with dimensions, models, benchmarks), figures and forecasts with COPY,
then serves the real FastAPI app with uvicorn in a separate process and measures
p50/p95 of filtered /claims, /signals and /figures/compare requests over HTTP.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storage.pgserver import create_database, temporary_server  # noqa: E402

DIMENSIONS = ("overall", "coding", "reasoning", "multimodal", "long_context", "agentic",
              "reliability", "evaluation", "compute", "talent", "data", "methods", "cost",
              "adoption", "policy", "funding")
DIM_WEIGHTS = (20, 14, 10, 5, 4, 8, 4, 8, 5, 2, 4, 4, 6, 5, 5, 3)
STANCES = ("convergence", "divergence", "neutral")
STANCE_WEIGHTS = (25, 25, 50)
ORGS = ("OpenAI", "Anthropic", "Google", "Alibaba", "Moonshot AI", "Zhipu AI", "DeepSeek",
        "Meta", "MiniMax", "Mistral AI", "xAI", "NVIDIA")
OPEN_ORGS = {"Alibaba", "Moonshot AI", "Zhipu AI", "DeepSeek", "Meta", "MiniMax", "Mistral AI",
             "NVIDIA"}
ORG_DOMAINS = {"OpenAI": "openai.com", "Anthropic": "anthropic.com", "Google": "blog.google",
               "Alibaba": "qwen.ai", "Moonshot AI": "moonshot.ai", "Zhipu AI": "z.ai",
               "DeepSeek": "deepseek.com", "Meta": "ai.meta.com", "MiniMax": "minimax.io",
               "Mistral AI": "mistral.ai", "xAI": "x.ai", "NVIDIA": "nvidia.com"}
WORDS = ("open", "closed", "gap", "frontier", "benchmark", "weights", "model", "score",
         "months", "behind", "lead", "parity", "agentic", "coding", "cost", "latency",
         "context", "contamination", "evaluation", "release", "points", "closing", "widening")
CLAIMS_PER_DOC = 10
COPY_SHARE = 0.1  # documents that are syndicated copies of an earlier one
REPEAT_SHARE = 0.05  # claims of original documents that repeat an earlier claim's cluster
SUPERSEDED_SHARE = 0.02  # claims of original documents a later revision dropped


# --- PostgreSQL ----------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def postgres() -> Iterator[str]:
    """A throwaway server tuned for bulk loading; yields a database URL."""
    tuning = {"shared_buffers": "512MB", "maintenance_work_mem": "512MB", "work_mem": "32MB",
              "max_wal_size": "4GB", "effective_cache_size": "2GB", "random_page_cost": "1.1"}
    with temporary_server(durable=False, prefix="gapwatch-bench-pg-", settings=tuning) as srv:
        yield create_database(srv, prefix="bench_")


# --- data ----------------------------------------------------------------------

def _sentence(rng: random.Random, n: int = 14) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def load(url: str, n_claims: int, seed: int = 7) -> dict[str, Any]:
    """Schema by migrations, then COPY the synthetic rows; returns what the requests need."""
    import psycopg

    from storage.db import get_engine, upgrade

    upgrade(get_engine(url))
    rng = random.Random(seed)
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    now = datetime.now(UTC)
    start = now - timedelta(days=3 * 365)
    n_docs = n_claims // CLAIMS_PER_DOC
    models = []
    for org in ORGS:
        for i in range(20):
            mid = f"{org.lower().replace(' ', '-')}-m{i}"
            models.append((mid, f"{org} M{i}", f"{org.split()[0]} family {i % 4}", org,
                           "open" if org in OPEN_ORGS else "closed"))
    model_ids = [m[0] for m in models]
    org_of = {m[0]: m[3] for m in models}
    benches = [f"bench-{i}" for i in range(100)]
    sources = [f"source-{i}" for i in range(50)]
    t0 = time.monotonic()
    # Registry and sources through the project's own writers (schema-proof).
    from models.config import SourceConfig
    from models.records import RegistryBenchmark, RegistryModel
    from storage import load as writers

    engine = get_engine(url)
    writers.sync_registry(engine, [RegistryModel(mid, name, fam, org, None, op)
                                   for mid, name, fam, org, op in models],
                          [RegistryBenchmark(b, b.upper(), DIMENSIONS[i % 16])
                           for i, b in enumerate(benches)])
    source_ids = writers.sync_sources(engine, [SourceConfig(s, "feed", f"https://f.example/{s}")
                                              for s in sources])
    engine.dispose()
    sid_list = [source_ids[s] for s in sources]
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        # Documents in ingestion order: ids grow with ingested_at, as in production. A tenth
        # are syndicated copies of an earlier document (copy_of), repeating its claims.
        span = (now - start).total_seconds()
        docs: list[tuple[int, datetime | None, datetime, int, int | None]] = []
        with cur.copy("COPY document (id, url, content_hash, kind, source_id, title, author, "
                      "site, text, published_at, ingested_at, updated_at, revision, "
                      "extractor_version, meta, copy_of, similarity) FROM STDIN") as cp:
            for d in range(1, n_docs + 1):
                ingested = start + timedelta(seconds=span * d / n_docs)
                published = (None if rng.random() < 0.03
                             else ingested - timedelta(hours=rng.uniform(0, 72)))
                sid = rng.choice(sid_list)
                org = rng.choice(ORGS)
                first = rng.random() < 0.1
                host = ORG_DOMAINS[org] if first else f"news{sid}.example.com"
                copy_of = (rng.randint(max(1, d - 200), d - 1)
                           if d > 1 and rng.random() < COPY_SHARE else None)
                if copy_of is not None and docs[copy_of - 1][4] is not None:
                    copy_of = docs[copy_of - 1][4]  # copies point at the original
                docs.append((d, published, ingested, sid, copy_of))
                cp.write_row((d, f"https://{host}/post/{d}", f"{d:064x}", "article", sid,
                              _sentence(rng, 8), None, None, "x" * 50, published, ingested,
                              ingested, 1, "bench", "{}", copy_of,
                              None if copy_of is None else 0.8))
        print(f"  documents: {n_docs:,} in {time.monotonic() - t0:.0f}s", flush=True)
        claim_rows: list[tuple[int, int]] = []  # (claim id, doc id) for figures
        # Per claim: cluster, stance, dimensions (bit mask), superseded_at; clusters are
        # planned first so that their rows exist before the claims that reference them.
        cluster_of = array("l")
        stance_of = array("b")
        dims_of = array("l")
        superseded: dict[int, datetime] = {}
        clusters: list[tuple[int, datetime]] = []  # (first document, first seen)
        cid = 0
        for d, _published, ingested, _sid, copy_of in docs:
            for k in range(CLAIMS_PER_DOC):
                cid += 1
                if copy_of is not None:  # the original's k-th claim, repeated
                    src = (copy_of - 1) * CLAIMS_PER_DOC + k
                elif cid > 1 and rng.random() < REPEAT_SHARE:  # an earlier claim repeated
                    src = rng.randrange(max(0, cid - 5000), cid - 1)
                else:
                    src = -1
                if src >= 0:
                    cluster, stance_i, mask = cluster_of[src], stance_of[src], dims_of[src]
                else:
                    clusters.append((d, ingested))
                    cluster = len(clusters)
                    stance_i = STANCES.index(rng.choices(STANCES, STANCE_WEIGHTS)[0])
                    mask = 0
                    for dim in rng.choices(DIMENSIONS, DIM_WEIGHTS,
                                           k=rng.choice((1, 1, 2, 2, 3))):
                        mask |= 1 << DIMENSIONS.index(dim)
                cluster_of.append(cluster)
                stance_of.append(stance_i)
                dims_of.append(mask)
                if copy_of is None and rng.random() < SUPERSEDED_SHARE:
                    gone = ingested + timedelta(hours=rng.uniform(1, 24 * 30))
                    if gone < now:
                        superseded[cid] = gone
        with cur.copy("COPY claim_cluster (id, key, text, norm_text, first_document_id, "
                      "first_seen_at) FROM STDIN") as cp:
            for i, (d, seen) in enumerate(clusters, 1):
                cp.write_row((i, f"k{i}", "c", "c", d, seen))
        with cur.copy("COPY claim (id, document_id, source_id, text, start, \"end\", stance, "
                      "hedged, speaker, extractor_version, published_at, ingested_at, "
                      "cluster_id, text_key, superseded_at) FROM STDIN") as cp:
            cid = 0
            for d, published, ingested, sid, _copy_of in docs:
                pos = 0
                for _ in range(CLAIMS_PER_DOC):
                    cid += 1
                    text = _sentence(rng)
                    cp.write_row((cid, d, sid, text, pos, pos + len(text),
                                  STANCES[stance_of[cid - 1]], rng.random() < 0.2, None,
                                  "bench", published, ingested, cluster_of[cid - 1],
                                  f"t:{cid}", superseded.get(cid)))
                    pos += len(text) + 1
                    if rng.random() < 0.3:
                        claim_rows.append((cid, d))
        print(f"  claims: {cid:,} ({len(clusters):,} clusters) in "
              f"{time.monotonic() - t0:.0f}s", flush=True)
        with cur.copy("COPY claim_dimension (claim_id, dimension, stance, published_day, "
                      "ingested_day, ingested_at, superseded_at, opens_at, is_copy) "
                      "FROM STDIN") as cp:
            # opens_at by the rule of storage.dedup.opening_times; claims come in
            # (ingested_at, id) order, so one pass with a state per (cluster, dimension)
            # suffices: (an earlier original still live, latest supersession so far).
            state: dict[tuple[int, int], tuple[bool, datetime | None]] = {}
            for c in range(1, cid + 1):
                d, published, ingested, _sid, copy_of = docs[(c - 1) // CLAIMS_PER_DOC]
                gone = superseded.get(c)
                mask = dims_of[c - 1]
                for j, dim in enumerate(DIMENSIONS):
                    if not mask >> j & 1:
                        continue
                    opens = None
                    if copy_of is None:
                        key = (cluster_of[c - 1], j)
                        blocked, barrier = state.get(key, (False, None))
                        if not blocked:
                            opens = max(ingested, barrier) if barrier else ingested
                            if gone is not None and opens >= gone:
                                opens = None
                        state[key] = (blocked or gone is None,
                                      barrier if gone is None
                                      else max(gone, barrier) if barrier else gone)
                    cp.write_row((c, dim, STANCES[stance_of[c - 1]],
                                  published.astimezone(UTC).date() if published else None,
                                  ingested.astimezone(UTC).date(), ingested, gone, opens,
                                  copy_of is not None))
        with cur.copy("COPY claim_model (claim_id, model_id) FROM STDIN") as cp:
            for c in range(1, cid + 1):
                if rng.random() < 0.4:
                    for m in set(rng.sample(model_ids, rng.choice((1, 1, 2)))):
                        cp.write_row((c, m))
        with cur.copy("COPY claim_benchmark (claim_id, benchmark_id) FROM STDIN") as cp:
            for c in range(1, cid + 1):
                if rng.random() < 0.15:
                    cp.write_row((c, rng.choice(benches)))
        print(f"  links in {time.monotonic() - t0:.0f}s", flush=True)
        pairs = [(m, b) for m in model_ids for b in rng.sample(benches, 12)]
        n_figs = 0
        with cur.copy("COPY figure (id, document_id, claim_id, value, value_high, unit, kind, "
                      "model_id, benchmark_id, sentence, start, \"end\", extractor_version) "
                      "FROM STDIN") as cp:
            for c, d in claim_rows:
                n_figs += 1
                span = (n_figs, n_figs + 4)  # unique spans: uq_figure_span
                r = rng.random()
                if r < 0.6:
                    m, b = rng.choice(pairs)
                    cp.write_row((n_figs, d, c, round(rng.gauss(70, 8), 1), None, "%", "score",
                                  m, b, "A score sentence.", *span, "bench"))
                elif r < 0.8:
                    cp.write_row((n_figs, d, c, round(rng.uniform(0.5, 15), 1), None, "pp",
                                  "gap", None, rng.choice(benches), "A gap sentence.", *span,
                                  "bench"))
                elif r < 0.9:
                    cp.write_row((n_figs, d, c, float(rng.randint(2, 18)), None, "months",
                                  "lag", None, None, "A lag sentence.", *span, "bench"))
                else:
                    cp.write_row((n_figs, d, c, round(rng.uniform(1, 60), 1), None, "%",
                                  "share", None, None, "A share sentence.", *span, "bench"))
        with cur.copy("COPY forecast (id, document_id, issuer, probability, conditional, "
                      "proposition, sentence, start, \"end\", extractor_version, published_at, "
                      "ingested_at) FROM STDIN") as cp:
            for i in range(1, 5001):
                d, published, ingested, _, _ = docs[rng.randrange(len(docs))]
                cp.write_row((i, d, "Forecaster", round(rng.random(), 2), rng.random() < 0.3,
                              "open parity by 2027", "A forecast sentence.", i, i + 4, "bench",
                              published, ingested))
        for table in ("document", "claim", "claim_cluster", "figure", "forecast"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))")
        conn.commit()
        print(f"  figures: {n_figs:,}; loaded in {time.monotonic() - t0:.0f}s", flush=True)
    with psycopg.connect(dsn, autocommit=True) as conn:
        # Fresh statistics, and a visibility map so the covering indexes are read
        # index-only (autovacuum would get there later).
        conn.execute("VACUUM ANALYZE")
    print(f"  indexed and analyzed in {time.monotonic() - t0:.0f}s", flush=True)
    return {"models": model_ids, "org_of": org_of, "pairs": pairs, "sources": sources,
            "now": now, "start": start}


# --- requests ------------------------------------------------------------------

CLAIM_VARIANTS = ("dimension+stance", "model", "openness+dimension", "dimension+30-day range",
                  "dimension+as_of", "source+hedged")
SIGNAL_VARIANTS = ("default (12 weeks)", "dimension", "as_of")


def requests_for(ctx: dict[str, Any], rng: random.Random, n: int,
                 ) -> dict[str, list[tuple[str, str]]]:
    """(variant, path) per endpoint; every request draws fresh random parameters."""
    now: datetime = ctx["now"]
    out: dict[str, list[tuple[str, str]]] = {"/claims": [], "/signals": [],
                                             "/figures/compare": []}
    for i in range(n):
        dim = rng.choices(DIMENSIONS, DIM_WEIGHTS)[0]
        stance = rng.choice(STANCES)
        variant = i % 6
        if variant == 0:
            q = f"dimension={dim}&stance={stance}"
        elif variant == 1:
            q = f"model={rng.choice(ctx['models'])}"
        elif variant == 2:
            q = f"openness={rng.choice(('open', 'closed'))}&dimension={dim}"
        elif variant == 3:
            since = now - timedelta(days=rng.randint(30, 900))
            q = (f"dimension={dim}&since={since.date()}"
                 f"&until={(since + timedelta(days=30)).date()}")
        elif variant == 4:
            as_of = now - timedelta(days=rng.randint(1, 1000))
            q = f"dimension={dim}&as_of={as_of.strftime('%Y-%m-%dT%H:%M:%SZ')}"
        else:
            q = f"source={rng.choice(ctx['sources'])}&hedged=true"
        out["/claims"].append((CLAIM_VARIANTS[variant], f"/claims?{q}&limit=50"))
        if i % 3 == 0:
            s = ""
        elif i % 3 == 1:
            s = f"dimension={dim}"
        else:
            as_of = now - timedelta(days=rng.randint(1, 1000))
            s = f"as_of={as_of.strftime('%Y-%m-%dT%H:%M:%SZ')}"
        out["/signals"].append((SIGNAL_VARIANTS[i % 3], f"/signals?{s}"))
        m, b = rng.choice(ctx["pairs"])
        out["/figures/compare"].append(("model+benchmark",
                                        f"/figures/compare?model={m}&benchmark={b}"))
    return out


def make_app() -> Any:
    """uvicorn --factory entry point: the real app on the benchmark database."""
    from gapwatch.api import ApiSettings, create_app

    return create_app(ApiSettings(database_url=os.environ["GAPWATCH_BENCH_DB"]))


@contextmanager
def serve(url: str) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "GAPWATCH_BENCH_DB": url}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory",
                             "bench.api_latency:make_app", "--host", "127.0.0.1", "--port",
                             str(port), "--log-level", "warning", "--no-access-log"],
                            cwd=str(ROOT), env=env)
    import httpx

    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(base + "/openapi.json", timeout=2)
            break
        except httpx.HTTPError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise SystemExit("uvicorn did not start") from None
            time.sleep(0.2)
    try:
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def measure(base: str, reqs: dict[str, list[tuple[str, str]]], warmup: int = 20,
            ) -> dict[str, list[tuple[str, float]]]:
    """Sequential requests over one keep-alive connection; (variant, milliseconds)."""
    import httpx

    times: dict[str, list[tuple[str, float]]] = {}
    with httpx.Client(base_url=base, timeout=30) as client:
        for name, paths in reqs.items():
            for _, p in paths[:warmup]:
                client.get(p).raise_for_status()
            got = []
            for variant, p in paths:
                t = time.perf_counter()
                r = client.get(p)
                got.append((variant, (time.perf_counter() - t) * 1000))
                r.raise_for_status()
            times[name] = got
    return times


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--claims", type=int, default=1_000_000)
    ap.add_argument("--requests", type=int, default=300, help="per endpoint")
    ap.add_argument("--hold", type=int, default=0,
                    help="keep the loaded server this many seconds (to EXPLAIN queries)")
    args = ap.parse_args(argv)
    print(f"gapwatch API latency: PostgreSQL, {args.claims:,} claims, "
          f"{os.cpu_count()} CPUs", flush=True)
    with postgres() as url:
        ctx = load(url, args.claims)
        if args.hold:
            print(f"holding {url} for {args.hold}s", flush=True)
            time.sleep(args.hold)
        reqs = requests_for(ctx, random.Random(11), args.requests)
        with serve(url) as base:
            times = measure(base, reqs)
    print()
    print(f"{'endpoint':<44} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for name, got in times.items():
        rows = [(name, [ms for _, ms in got])]
        variants = list(dict.fromkeys(v for v, _ in got))
        if len(variants) > 1:
            rows += [(f"  {v}", [ms for vv, ms in got if vv == v]) for v in variants]
        for label, vals in rows:
            print(f"{label:<44} {len(vals):>5} {pct(vals, 50):>8.1f} {pct(vals, 95):>8.1f} "
                  f"{max(vals):>8.1f}")


if __name__ == "__main__":
    main()
