"""The `diplobrief eval` report: metrics per kind, baseline beside ours, worst queries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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

_COLUMNS = ("ndcg@5", "recall@5", "mrr", "p@1")


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
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows
    )


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
