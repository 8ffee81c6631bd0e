"""Quality on the development sets, split in halves: tune on half A, report half B.

`python3 bench/quality.py [--hybrid] [--show]` prints nDCG@5 (dev.json), answer@1/3/any
(answers-dev.json) and off-topic acceptance (offtopic-dev.json) for half A (odd ids),
half B (even ids) and all. A half is fixed by the item's number, never by its content.
`--show` prints each question's first excerpts.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from retrieval.briefing import build_briefing  # noqa: E402
from retrieval.config import DEFAULT_CONFIG  # noqa: E402
from retrieval.evaluation import by_kind, evaluate, library_ranker, load_qrels  # noqa: E402
from retrieval.library import Library  # noqa: E402
from retrieval.reading import (  # noqa: E402
    answer_summary,
    evaluate_answers,
    evaluate_offtopic,
    load_answers,
    load_offtopic,
    offtopic_summary,
)

EVAL = ROOT.parent / "shared" / "eval"


def half(item_id: str) -> str:
    """`A` for odd-numbered items, `B` for even."""
    number = int(re.findall(r"\d+", item_id)[-1])
    return "A" if number % 2 else "B"


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--hybrid", action="store_true")
    parser.add_argument("--show", action="store_true")
    parser.add_argument("--set", action="append", default=[], help="config knob=value")
    args = parser.parse_args()
    encoder = None
    if args.hybrid:
        from retrieval.semantic import OnnxMiniLMEncoder

        encoder = OnnxMiniLMEncoder()
    overrides = {k: float(v) for k, v in (item.split("=") for item in args.set)}
    config = dataclasses.replace(DEFAULT_CONFIG, **overrides)
    library = Library.load(ROOT / "corpus", encoder=encoder, config=config)

    def brief(text: str):
        return build_briefing(library, text)

    qrels = load_qrels(EVAL / "dev.json")
    answers = load_answers(EVAL / "answers-dev.json")
    offtopic = load_offtopic(EVAL / "offtopic-dev.json")
    ranked = evaluate(qrels, library_ranker(library))
    read = evaluate_answers(answers, brief)
    off = evaluate_offtopic(offtopic, brief)
    refused_dev = [r.judged.id for r in ranked if r.judged.grades and r.abstained]
    for name in ("A", "B", "all"):

        def keep(item_id: str, name: str = name) -> bool:
            return name == "all" or half(item_id) == name

        nd = by_kind([r for r in ranked if keep(r.judged.id)])["all"]
        an = answer_summary([r for r in read if keep(r.item.id)])["all"]
        ot = offtopic_summary([r for r in off if keep(r.item.id)])
        print(
            f"{name:>3}: nDCG@5 {nd.ndcg:.3f}  answer@1 {an['answer@1']:.3f} @3 {an['answer@3']:.3f}"
            f" @any {an['answer@any']:.3f} (refused {an['refused']})  "
            + "  ".join(f"{c} {v['acceptable']:.2f}/{v['count']}" for c, v in ot.items())
        )
    print(
        "by kind (all):",
        {k: (v["answer@1"], v["answer@any"]) for k, v in answer_summary(read).items()},
    )
    print("ndcg by kind:", {k: round(v.ndcg, 3) for k, v in by_kind(ranked).items()})
    print("dev.json answerable refused:", refused_dev)
    print("off-topic not acceptable:", [r.item.query for r in off if not r.acceptable])
    print("answers refused:", [r.item.id for r in read if r.refused])
    if args.show:
        for result in read:
            print(
                f"\n{result.item.id} [{result.item.kind}] rank={result.rank}: {result.item.question}"
            )
            print(f"   gold: {result.item.gold[0][:100]}")
            for text in result.excerpts[:3]:
                print(f"   - {text[:110]}")


if __name__ == "__main__":
    main()
