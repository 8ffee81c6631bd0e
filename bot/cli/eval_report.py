"""The `diplobrief eval` report, for each kind of evaluation file: graded sections
(nDCG@5 per kind, baseline beside ours, worst queries), answer sets (answer@1/3/any per
kind) and off-topic sets (abstained, missing words named); lexical and hybrid side by
side when asked."""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

from retrieval.briefing import Briefing
from retrieval.engine import Style, brief
from retrieval.evaluation import (
    QueryResult,
    Summary,
    baseline_ranker,
    by_kind,
    evaluate,
    library_ranker,
    load_qrels,
    worst,
)
from retrieval.library import Library
from retrieval.reading import (
    answer_summary,
    eval_format,
    evaluate_answers,
    evaluate_offtopic,
    load_answers,
    load_offtopic,
    offtopic_summary,
)

_COLUMNS = ("ndcg@5", "recall@5", "mrr", "p@1")


def evaluate_files(
    library: Library, paths: Sequence[Path], *, baseline: bool, hybrid: Library | None = None
) -> tuple[dict[str, Any], str]:
    """Evaluate each file by its format; returns the JSON data (one file's report, or
    one per file name) and the text. An off-topic report also counts the answerable
    queries of the other files given that came back empty."""
    systems = {"ours": library, **({"hybrid": hybrid} if hybrid is not None else {})}
    reports: dict[str, dict[str, Any]] = {}
    texts: list[str] = []
    refused = {name: 0 for name in systems}
    kinds = {path: _format(path) for path in paths}
    for path in sorted(paths, key=lambda p: kinds[p] == "offtopic"):
        if kinds[path] == "qrels":
            data, text = eval_report(library, path, baseline=baseline, hybrid=hybrid)
            for name in systems:
                refused[name] += data[name]["all"]["empty_answerable"]
        elif kinds[path] == "answers":
            data, text = answers_report(systems, path)
            for name in systems:
                refused[name] += data[name]["all"]["refused"]
        else:
            data, text = offtopic_report(systems, path, refused if len(paths) > 1 else None)
        reports[path.name] = data
        texts.append(f"== {path.name} ({kinds[path]})\n{text}")
    if len(paths) == 1:
        return reports[paths[0].name], texts[0].split("\n", 1)[1]
    return reports, "\n\n".join(texts)


def _format(path: Path) -> str:
    try:
        return eval_format(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, UnicodeDecodeError) as error:
        raise ValueError(f"{path}: {error}") from error


def answers_report(systems: dict[str, Library], path: Path) -> tuple[dict[str, Any], str]:
    """answer@1, useful@1 (the first excerpt answers at least partly), answer@3,
    answer@any and refusals per kind, for each system."""
    items = load_answers(path)
    data: dict[str, Any] = {}
    missed: dict[str, list[str]] = {}
    for name, library in systems.items():
        results = evaluate_answers(items, partial(_ranked, library))
        data[name] = answer_summary(results)
        missed[name] = [f"{r.item.id} {r.item.question}" for r in results if r.rank is None]
    columns = ("answer@1", "useful@1", "answer@3", "answer@any", "refused")
    rows = [["kind", "n", "system", *columns]]
    for kind in data["ours"]:
        for name in systems:
            row = data[name][kind]
            cells = [f"{row[c]:.3f}" if c != "refused" else str(row[c]) for c in columns]
            rows.append([kind, str(row["count"]), name, *cells])
    lines = [_grid(rows), "", "No answering excerpt (ours):"]
    lines += [f"- {line}" for line in missed["ours"]] or ["- none"]
    data["unanswered"] = missed["ours"]
    return data, "\n".join(lines)


def offtopic_report(
    systems: dict[str, Library], path: Path, answerable_refused: dict[str, int] | None
) -> tuple[dict[str, Any], str]:
    """Per class: the share abstained, and the share acceptable (`partial`: abstained or
    every missing word named); the answerable queries of the other files refused."""
    items = load_offtopic(path)
    data: dict[str, Any] = {}
    wrong: list[str] = []
    for name, library in systems.items():
        results = evaluate_offtopic(items, partial(_ranked, library))
        data[name] = offtopic_summary(results)
        if answerable_refused is not None:
            data[name]["answerable_refused"] = answerable_refused[name]
        if name == "ours":
            wrong = [
                f"{r.item.id} [{r.item.cls}] {r.item.query}" for r in results if not r.acceptable
            ]
    rows = [["class", "n", "system", "abstained", "acceptable"]]
    for cls in (c for c in data["ours"] if c != "answerable_refused"):
        for name in systems:
            row = data[name][cls]
            rows.append(
                [
                    cls,
                    str(row["count"]),
                    name,
                    f"{row['abstained']:.2f}",
                    f"{row['acceptable']:.2f}",
                ]
            )
    lines = [_grid(rows), ""]
    if answerable_refused is not None:
        lines.append(
            "Answerable queries refused (the other files): "
            + ", ".join(f"{name} {count}" for name, count in answerable_refused.items())
        )
    lines.append("Not acceptable (ours): " + ("; ".join(wrong) or "none"))
    data["not_acceptable"] = wrong
    return data, "\n".join(lines)


def _grid(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows
    )


def eval_report(
    library: Library, qrels_path: Path, *, baseline: bool, hybrid: Library | None = None
) -> tuple[dict[str, Any], str]:
    """Run the qrels through our search (and plain BM25 when asked); return the JSON data
    and the text table."""
    qrels = load_qrels(qrels_path)
    systems = {"ours": evaluate(qrels, library_ranker(library))}
    if baseline:
        systems["baseline"] = evaluate(qrels, baseline_ranker(library))
    if hybrid is not None:
        systems["hybrid"] = evaluate(qrels, library_ranker(hybrid))
    summaries = {name: by_kind(results) for name, results in systems.items()}
    data: dict[str, Any] = {
        name: {kind: summary.as_dict() for kind, summary in kinds.items()}
        for name, kinds in summaries.items()
    }
    data["worst"] = [_worst_row(library, r) for r in worst(systems["ours"])]
    data["queries"] = [
        {"id": r.judged.id, "kind": r.judged.kind, "ndcg@5": round(r.ndcg, 4)}
        for r in systems["ours"]
    ]
    return data, _table(summaries) + "\n\n" + _worst_text(data["worst"])


def _row(summary: Summary) -> list[str]:
    values = summary.as_dict()
    cells = [f"{values[c]:.3f}" for c in _COLUMNS]
    abstain = values["abstain_rate"]
    cells.append("-" if abstain is None else f"{abstain:.2f}")
    return cells


def _table(summaries: dict[str, dict[str, Summary]]) -> str:
    header = ["kind", "n", "system", *_COLUMNS, "abstain"]
    rows = [header]
    kinds = list(summaries["ours"])
    for kind in kinds:
        for name in ("baseline", "ours", "hybrid"):
            if name in summaries:
                summary = summaries[name][kind]
                rows.append([kind, str(summary.count), name, *_row(summary)])
    return _grid(rows)


def _worst_row(library: Library, result: QueryResult) -> dict[str, Any]:
    return {
        "id": result.judged.id,
        "query": result.judged.query,
        "kind": result.judged.kind,
        "ndcg@5": round(result.ndcg, 4),
        "ranked": [
            {"source_file": f, "heading": h, "grade": result.judged.grades.get((f, h), 0)}
            for f, h in result.ranked
        ],
    }


def _worst_text(rows: list[dict[str, Any]]) -> str:
    lines = ["Worst queries (what was ranked instead, with its grade):"]
    for row in rows:
        lines.append(f"- {row['id']} [{row['kind']}] nDCG@5 {row['ndcg@5']:.3f}: {row['query']}")
        for item in row["ranked"]:
            lines.append(f"    {item['grade']}  {item['source_file']} › {item['heading']}")
        if not row["ranked"]:
            lines.append("    (nothing returned)")
    return "\n".join(lines)


def _ranked(library: Library, text: str) -> Briefing:
    """What /ask would answer: the ranked briefing."""
    return brief(library, text, Style.RANKED)
