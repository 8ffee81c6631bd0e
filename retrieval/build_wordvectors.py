"""Rebuild the lexical mode's word-vector table (:mod:`retrieval.wordvectors`) from the
sentence model in PyTorch: ``python3 -m retrieval.build_wordvectors`` (needs the
model-build extra). A build-time tool: nothing at run time imports it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from retrieval.wordvectors import TABLE, table_words, write_table


def rebuild() -> None:
    """Write the word-vector table from the bundled corpus and English word frequencies."""
    from retrieval.build_model import TorchMiniLMEncoder
    from retrieval.corpus import load_corpus
    from retrieval.informativeness import english_frequencies

    corpus = load_corpus(Path(__file__).resolve().parent.parent / "corpus")
    texts = [
        text
        for article in corpus.articles
        for section in article.sections
        for text in (article.title, section.heading, *section.paragraphs)
    ]
    vocabulary = table_words(english_frequencies(), texts)
    vectors = TorchMiniLMEncoder().encode(vocabulary, progress=True, batch_size=512)
    write_table(TABLE, vocabulary, vectors)
    print(f"wrote {TABLE}: {len(vocabulary)} words", file=sys.stderr)


if __name__ == "__main__":
    rebuild()
