"""Every probability-like number in the dev gold, labelled forecast or not, with the
features the learned forecast pass sees and whether the rules already took it.

    .venv/bin/python training/build_forecast_examples.py data/gold/dev:data/gold/dev ... \
        > training/forecast_examples.jsonl

A number is a forecast when the document's gold lists a forecast with its value and the
gold does not list it as a figure of the same sentence (a 58% score beside a 58%
forecast). Test splits are refused.
"""

from __future__ import annotations

import json
from pathlib import Path

from gold_examples import run

from extractors.nlp import get_extractor
from extractors.nlp.forecasts.learned import candidates, features, follows_from
from extractors.nlp.forecasts.patterns import document_signal


def examples(gold_dir: Path, docs_dir: Path) -> list[dict[str, object]]:
    ex = get_extractor()
    finder = ex.nlp.get_pipe("gw_forecasts")
    finder.model = None  # the rules alone: the learned pass learns what they miss
    out: list[dict[str, object]] = []
    for gp in sorted(gold_dir.glob("*.json")):
        gold = json.loads(gp.read_text(encoding="utf-8"))
        text = (docs_dir / gold["doc"]).read_text(encoding="utf-8")
        fvals = {round(float(f["probability"]), 4) for f in gold.get("forecasts", [])}
        figs = [(round(float(f["value"]), 4), f.get("sentence") or "")
                for f in gold.get("figures", [])]
        with ex.nlp.memory_zone():
            doc = ex.nlp(text)
            drafts = list(doc._.gw_forecasts or [])
            mentions = [(m.start, m.end) for m in doc._.gw_models or []] + [
                (b.start, b.end) for b in doc._.gw_benchmarks or []]
            forecasty = document_signal(text).predictions
            prev = None
            for c in candidates(text, doc._.gw_sentences or [], forecasty):
                stext = text[c.sent_start:c.sent_end]
                as_figure = any(abs(v - c.value * 100) < 1e-6 or abs(v - c.value) < 1e-6
                                for v, s in figs if s and (s in stext or stext in s))
                label = c.value in fvals and not as_figure
                rule = any(d.prob_start < c.end and c.start < d.prob_end for d in drafts)
                out.append({"doc": f"{gold_dir.name}/{gold['doc']}", "value": c.value,
                            "text": stext[:160], "label": label, "rule": rule,
                            "follows": follows_from(text, prev, c),
                            "feats": features(text, c, mentions, forecasty)})
                prev = c
    return out


if __name__ == "__main__":
    run(examples)
