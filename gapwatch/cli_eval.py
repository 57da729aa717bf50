"""CLI command `gapwatch eval`, registered on the main Typer app by `register`.

Why a separate module: the evaluation harness is owned apart from the rest of the CLI,
and keeping it here lets cli.py add it with one call.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from gapwatch.cli_common import fail


def eval_command(
    gold_dir: Annotated[Path, typer.Argument(help="directory of gold *.json files")],
    docs_dir: Annotated[Path, typer.Argument(help="directory holding each gold file's doc")],
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
    details: Annotated[bool, typer.Option("--details", help="per-document breakdown")] = False,
    errors: Annotated[int, typer.Option("--errors", min=0, metavar="N",
                                        help="show up to N error examples per kind")] = 0,
) -> None:
    """Score the extractor against gold annotations (shared/GOLD_FORMAT.md)."""
    from evaluation.gold import GoldError, load_gold_dir, text_warnings
    from evaluation.report import print_report, to_json
    from evaluation.scoring import score_corpus

    for label, d in (("GOLD_DIR", gold_dir), ("DOCS_DIR", docs_dir)):
        if not d.is_dir():
            fail(f"{label} {d} is not a directory")
    try:
        golds = load_gold_dir(gold_dir)
    except GoldError as exc:
        fail(f"invalid gold file: {exc}")
    if not golds:
        fail(f"no gold *.json files in {gold_dir}")
    missing = [g for g in golds if not (docs_dir / g.doc).is_file()]
    if missing:
        listing = "\n".join(f"  {g.doc}  (gold {g.path})" for g in missing)
        fail(f"{len(missing)} document(s) not found in {docs_dir}:\n{listing}")
    texts: list[str] = []
    for g in golds:
        try:
            texts.append((docs_dir / g.doc).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            fail(f"cannot read {docs_dir / g.doc}: {exc}")
    warnings = [w for g, t in zip(golds, texts, strict=True) for w in text_warnings(g, t)]

    from extractors.nlp import get_extractor

    outputs = [ex.to_dict(source=g.doc) for g, ex in
               zip(golds, get_extractor().extract_many(texts), strict=True)]
    result = score_corpus(golds, outputs)
    if as_json:
        obj = to_json(result, details=details, errors=errors, warnings=warnings)
        sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=1) + "\n")
        return
    err = Console(stderr=True)
    for w in warnings:
        err.print(f"[yellow]warning:[/yellow] {escape(w)}", highlight=False, soft_wrap=True)
    # Piped output (logs, CI) gets a width that fits the per-document table.
    console = Console() if sys.stdout.isatty() else Console(width=140)
    print_report(console, result, details=details, errors=errors)


def register(app: typer.Typer) -> None:
    """Add `eval` to the gapwatch app."""
    app.command("eval")(eval_command)
