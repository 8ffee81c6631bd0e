"""Benchmarks: index build, memory and query latency at 1x, 100x and 1000x the bundled
corpus; our search beside rank-bm25 used plainly and bm25s on the same tokens; the CLI's
whole-process time; bot throughput through the loopback Discord.

    python3 -m pip install -e '.[bench]' && python3 bench/run.py

Prints a table and writes bench/results.json. Each scale runs in its own process so its
resident memory is its own. Synthetic scales recombine real sections under renamed
headings (generated here, never committed), so term statistics stay realistic.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from retrieval.corpus import LoadedCorpus, load_corpus  # noqa: E402
from retrieval.model import Article, Section  # noqa: E402
from retrieval.semantic import encoder_for  # noqa: E402
from retrieval.text import slugify  # noqa: E402

HEADING_VARIANTS = (
    "Revisiting",
    "Notes on",
    "Perspectives on",
    "Rethinking",
    "Lessons from",
    "Debates on",
    "A Primer on",
    "Questions about",
    "Trends in",
    "Reflections on",
    "Case Notes on",
)
REPEATS = 5


def synthetic_corpus(scale: int, seed: int = 7) -> LoadedCorpus:
    """The bundled corpus, plus ``scale - 1`` recombined copies: each synthetic article
    draws real sections at random and renames their headings."""
    base = load_corpus(ROOT / "corpus")
    if scale <= 1:
        return base
    rng = random.Random(seed)
    pool = [s for a in base.articles for s in a.sections if s.paragraphs]
    articles = list(base.articles)
    for copy in range(1, scale):
        for number, article in enumerate(base.articles):
            slug = f"synthetic-{copy}-{number}"
            sections = []
            for position, source in enumerate(rng.sample(pool, len(article.sections))):
                heading = f"{rng.choice(HEADING_VARIANTS)} {source.heading}"
                sections.append(
                    Section(
                        f"{slug}/{position}-{slugify(heading)}",
                        slug,
                        heading,
                        source.paragraphs,
                        position,
                    )
                )
            articles.append(
                Article(
                    slug,
                    f"{article.title} ({copy})",
                    f"{slug}.txt",
                    "",
                    tuple(sections),
                    article.provenance,
                )
            )
    return LoadedCorpus(tuple(articles))


def queries() -> list[str]:
    """A fixed list of at least 50 queries: the development set and heading topics."""
    dev = json.loads((ROOT.parent / "shared" / "eval" / "dev.json").read_text())
    base = load_corpus(ROOT / "corpus")
    headings = sorted({s.heading.lower() for a in base.articles for s in a.sections[1:]})
    return [q["query"] for q in dev] + headings[::3][:26]


def rss_mb() -> float:
    """Resident memory of this process, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50 and p99 in milliseconds."""
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(len(ordered) * 0.99) - 1)]
    return {"p50_ms": statistics.median(ordered) * 1000, "p99_ms": p99 * 1000}


def timed(function: Any, items: list[Any], repeats: int = REPEATS) -> list[float]:
    for item in items:  # warm
        function(item)
    samples = []
    for _ in range(repeats):
        for item in items:
            started = time.perf_counter()
            function(item)
            samples.append(time.perf_counter() - started)
    return samples


def one_scale(scale: int, *, with_plain: bool, with_bm25s: bool) -> dict[str, Any]:
    """Every measurement of one scale (run in a fresh process)."""
    import numpy as np

    from bot.present.render import briefing_text
    from retrieval.briefing import build_briefing
    from retrieval.library import Library
    from retrieval.structured import structured_briefing

    corpus = synthetic_corpus(scale)
    before = rss_mb()
    started = time.perf_counter()
    library = Library(corpus, name=f"{scale}x")
    build_s = time.perf_counter() - started
    result: dict[str, Any] = {
        "scale": scale,
        "sections": len(library.sections),
        "build_s": build_s,
        "rss_mb": rss_mb(),
        "rss_index_mb": rss_mb() - before,
    }
    texts = queries()
    result["search"] = percentiles(timed(lambda q: library.search(q), texts))
    result["brief"] = percentiles(timed(lambda q: briefing_text(build_briefing(library, q)), texts))
    result["structured_brief"] = percentiles(
        timed(lambda q: briefing_text(structured_briefing(library, q)), texts)
    )
    from bot.app.suggest import topic_suggestions

    started = time.perf_counter()
    topics = topic_suggestions(library)
    result["autocomplete_index_s"] = time.perf_counter() - started
    keystrokes = [q[:n] for q in texts for n in (1, 3, 6, 12)]
    result["autocomplete"] = percentiles(timed(topics.matching, keystrokes))

    # The same tokens for every engine: each query's analysed terms, weight 1.
    from retrieval.sections import section_tokens

    ordered = list(library.sections.values())
    tokens = [
        section_tokens(s, library.config.heading_weight, library.sentences[s.id]) for s in ordered
    ]
    term_lists = [
        [t for t, _ in library.analyser.analyse(q).weighted if t in library.index] for q in texts
    ]
    term_lists = [terms for terms in term_lists if terms]
    result["ours_scoring"] = percentiles(
        timed(lambda terms: library.index.top(dict.fromkeys(terms, 1.0), 10), term_lists)
    )
    if with_plain:
        from rank_bm25 import BM25Okapi

        config = library.config
        started = time.perf_counter()
        plain = BM25Okapi(tokens, k1=config.k1, b=config.b, epsilon=config.epsilon)
        result["plain_build_s"] = time.perf_counter() - started

        def plain_top(terms: list[str]) -> list[int]:
            return list(np.argsort(-plain.get_scores(terms), kind="stable")[:10])

        result["plain_scoring"] = percentiles(
            timed(plain_top, term_lists, repeats=1 if scale > 10 else REPEATS)
        )
        same = 0
        for terms in term_lists:
            ours = [
                library.index.doc_ids.index(h.section_id)
                for h in library.index.top(dict.fromkeys(terms, 1.0), 10)
            ]
            theirs = [i for i in plain_top(terms) if plain.get_scores(terms)[i] > 0][: len(ours)]
            same += ours == theirs
        result["identical_top10"] = f"{same}/{len(term_lists)}"
    if with_bm25s:
        import bm25s

        started = time.perf_counter()
        retriever = bm25s.BM25(k1=library.config.k1, b=library.config.b)
        retriever.index(tokens, show_progress=False)
        result["bm25s_build_s"] = time.perf_counter() - started
        result["bm25s_scoring"] = percentiles(
            timed(lambda terms: retriever.retrieve([terms], k=10, show_progress=False), term_lists)
        )
    return result


def hybrid_measurement() -> dict[str, Any] | None:
    """Hybrid search at 1x (the ONNX sentence model): cold start with a warm embedding cache,
    and warm query latency. None when onnxruntime is not installed."""
    script = f"""
import json, statistics, sys, time
sys.path.insert(0, {str(ROOT)!r})
started = time.perf_counter()
from retrieval.semantic import OnnxMiniLMEncoder
from retrieval.library import Library
library = Library.load({str(ROOT / "corpus")!r}, encoder=OnnxMiniLMEncoder())
cold = time.perf_counter() - started
sys.path.insert(0, {str(ROOT / "bench")!r})
from run import queries, timed, percentiles
print(json.dumps({{"cold_start_s": cold, "search": percentiles(timed(library.search, queries()))}}))
"""
    for _ in range(2):  # the first run may write the embedding cache
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
        if done.returncode != 0:
            return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def model_costs() -> dict[str, Any]:
    """What the sentence model costs the default install: disk (ONNX Runtime, tokenizers,
    the model file), a fresh clone's first `ask` (the corpus encoded, the cache empty) and
    later ones (whole process), the resident memory of one, and an `ask` in process
    (search and sentence choice, memo bypassed)."""
    import importlib.util

    def size_mb(path: Path) -> float:
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        return sum(p.stat().st_size for p in files) / 1e6

    installed = {"model": size_mb(ROOT / "retrieval" / "data" / "minilm")}
    for package in ("onnxruntime", "tokenizers"):
        spec = importlib.util.find_spec(package)
        if spec is not None and spec.origin:
            installed[package] = size_mb(Path(spec.origin).parent)
    ask = [sys.executable, "-m", "bot", "ask", "why do countries hold joint military exercises?"]
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "XDG_CACHE_HOME": cache, "SEARCH_MODE": "hybrid"}

        def run() -> float:
            started = time.perf_counter()
            subprocess.run(ask, cwd=ROOT, check=True, capture_output=True, env=env)
            return time.perf_counter() - started

        first = run()
        later = [run() for _ in range(REPEATS)]
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    script = f"""
import json, sys
sys.path.insert(0, {str(ROOT)!r}); sys.path.insert(0, {str(ROOT / "bench")!r})
from retrieval.briefing import CANDIDATE_SECTIONS, briefing_from_result
from retrieval.library import Library
from retrieval.semantic import encoder_for
from run import queries, timed, percentiles
library = Library.load({str(ROOT / "corpus")!r}, encoder=encoder_for("hybrid"))
ask = lambda q: briefing_from_result(library, library.search(q, top_k=CANDIDATE_SECTIONS))
print(json.dumps(percentiles(timed(ask, queries()))))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return {
        "installed_mb": {k: round(v, 1) for k, v in installed.items()},
        "first_ask_s": first,
        "later_ask_s": statistics.median(later),
        "resident_mb": rss,
        "ask": json.loads(done.stdout.strip().splitlines()[-1]),
    }


def html_nesting() -> dict[str, float]:
    """Seconds to parse a page of 10,000 and of 100,000 nested <div>s (it was
    quadratic: 27 s and past 300 s)."""
    from retrieval.formats import ArticleInfo
    from retrieval.formats.html import parse_html

    seconds = {}
    for levels in (10_000, 100_000):
        page = "<html><body>" + "<div>" * levels + "<p>Deep text about treaties.</p>"
        page += "</div>" * levels + "</body></html>"
        started = time.perf_counter()
        parse_html(page, ArticleInfo("deep", "deep.html"))
        seconds[str(levels)] = time.perf_counter() - started
    return seconds


def pdf_parsing(pages: int = 100) -> dict[str, float]:
    """Seconds to parse a PDF of ``pages`` pages of the bundled corpus's text (a book-like
    layout made with reportlab: headings, running header, page numbers)."""
    from retrieval.corpus import load_corpus
    from retrieval.formats import ArticleInfo
    from retrieval.formats.pdf import parse_pdf
    from testkit.documents import make_long_pdf

    articles = load_corpus(ROOT / "corpus").articles
    blocks = [(s.heading, s.paragraphs) for a in articles for s in a.sections]
    data = make_long_pdf(blocks, pages)
    started = time.perf_counter()
    article = parse_pdf(data, ArticleInfo("book", "book.pdf"))
    return {
        "pages": pages,
        "seconds": time.perf_counter() - started,
        "megabytes": len(data) / 1e6,
        "sections": len(article.sections),
    }


REALDOCS = ROOT.parent / "shared" / "realdocs"
# Runs `diplobrief check` in a process of its own and reports its wall time and the peak
# resident memory of it and its children (the parser's worker) once they have ended.
_CHECK_PROBE = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run([sys.executable, "-m", "bot", "check", sys.argv[1]], capture_output=True, text=True)
print(json.dumps({"seconds": time.perf_counter() - started, "exit": done.returncode,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    "out": done.stdout}))
"""


def check_with_bombs(folder: Path = REALDOCS) -> dict[str, Any]:
    """`diplobrief check` on the real documents plus three bombs made here (a 1 GB
    double-FlateDecode PDF of a few KB, a Word file inflating to 1 GB, a 3,000-page
    PDF): cold (empty parse cache) and warm, wall time and peak resident memory of the
    check and its worker, and each bomb's line."""
    import shutil

    from testkit import bombs

    with tempfile.TemporaryDirectory() as temporary:
        corpus = Path(temporary) / "docs"
        if folder.is_dir():
            shutil.copytree(folder, corpus)
        else:
            corpus.mkdir()
        made = {
            "double-flate.pdf": bombs.double_flate_pdf(1024),
            "inflates-1gb.docx": bombs.inflating_docx(1024),
            "3000-pages.pdf": bombs.long_pdf(3000),
        }
        for name, data in made.items():
            (corpus / name).write_bytes(data)
        env = {**os.environ, "XDG_CACHE_HOME": str(Path(temporary) / "cache")}
        runs = {}
        for run in ("cold", "warm"):
            done = subprocess.run(
                [sys.executable, "-c", _CHECK_PROBE, str(corpus)],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            runs[run] = json.loads(done.stdout.strip().splitlines()[-1])
        lines = runs["cold"].pop("out").splitlines()
        runs["warm"].pop("out")
        return {
            **runs,
            "files": len(list(corpus.iterdir())),
            "bomb_sizes_kb": {name: round(len(data) / 1024, 1) for name, data in made.items()},
            "bombs": {
                name: next((line.strip() for line in lines if name in line), "") for name in made
            },
        }


def store_writes(votes: int = 500) -> dict[str, Any]:
    """Milliseconds per committed vote (p50/p99), on the SQLite file and on a PostgreSQL
    server started for the measurement (when its binaries are installed)."""
    import tempfile

    from bot.ratings.store import Store, Vote
    from testkit.postgres import postgres_server, server_binaries

    def measure(url: str) -> dict[str, float]:
        store = Store.open(url)
        samples = []
        for n in range(votes):
            started = time.perf_counter()
            store.record_vote(
                Vote(n, n % 20, 1, "ask", "lexical", "cyber diplomacy", ("A › B",), True)
            )
            samples.append(time.perf_counter() - started)
        store.close()
        return percentiles(samples)

    results: dict[str, Any] = {
        "sqlite": measure(f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"),
    }
    if server_binaries() is not None:
        with postgres_server() as url:
            results["postgresql"] = measure(url)
    return results


def cli_wall_time() -> dict[str, Any]:
    """Whole-process time of the offline CLI beside `python -c pass`, and whether the CLI
    imported discord."""

    def run(argv: list[str]) -> float:
        started = time.perf_counter()
        subprocess.run(argv, cwd=ROOT, check=True, capture_output=True)
        return time.perf_counter() - started

    baseline = [run([sys.executable, "-c", "pass"]) for _ in range(REPEATS)]
    rank_bm25 = [run([sys.executable, "-c", "import rank_bm25"]) for _ in range(REPEATS)]
    cli = [run([sys.executable, "-m", "bot", "brief", "cyber diplomacy"]) for _ in range(REPEATS)]
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            (
                "import sys, runpy; sys.argv=['diplobrief','brief','cyber diplomacy']\n"
                "try:\n runpy.run_module('bot', run_name='__main__')\nexcept SystemExit: pass\n"
                "print('discord' in sys.modules, file=sys.stderr)"
            ),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return {
        "python_c_pass_ms": statistics.median(baseline) * 1000,
        "import_rank_bm25_ms": statistics.median(rank_bm25) * 1000,
        "cli_brief_ms": statistics.median(cli) * 1000,
        "cli_imports_discord": probe.stderr.strip().endswith("True"),
    }


async def bot_throughput(count: int = 500) -> dict[str, Any]:
    """Interactions through the loopback Discord, event to callback: a burst of 500 (the
    throughput) and a burst of 2,000 (answered, shed, late). Sustained rates are measured
    by :func:`open_loop_overload`, whose sender does not wait on the bot."""
    from retrieval.library import Library
    from testkit.bots import running_bot
    from testkit.loopback import loopback

    library = Library(load_corpus(ROOT / "corpus"))
    results: dict[str, Any] = {}
    for name, total in (("burst_500", count), ("burst_2000", 2000)):
        async with loopback() as fake, running_bot(library, _bench_settings()) as bot:
            results[name] = await _load(fake, bot, total)
    return {**results["burst_500"], "overload": results}


# What the load benchmarks ask, in turn.
LOAD_TOPICS = (
    "cyber diplomacy", "peacekeeping", "soft power", "intelligence sharing", "ISAF",
    "What stops countries from sharing intelligence?", "deterrence", "military attachés",
)  # fmt: skip
OPEN_LOOP_RATES = (25, 50, 100, 200, 400, 800)
OPEN_LOOP_SECONDS = 10


async def open_loop_overload() -> dict[str, Any]:
    """Sustained load from an open-loop sender in the fake Discord's own process: /brief
    at a fixed rate for OPEN_LOOP_SECONDS, whatever the bot does. Per rate: offered,
    answered within Discord's 3 s, shed (never answered), late, and the first-response
    and answer-text latencies."""
    from bot.app.overload import MAX_WAIT_SECONDS
    from retrieval.library import Library
    from testkit.bots import running_bot
    from testkit.loopback import loopback

    library = Library(load_corpus(ROOT / "corpus"), encoder=encoder_for("hybrid"))
    topics = list(LOAD_TOPICS)
    from retrieval.engine import brief

    for topic in topics:  # the first queries pay for loading the model: not measured
        brief(library, f"{topic} warm-up")
    results: dict[str, Any] = {}
    for rate in OPEN_LOOP_RATES:
        async with loopback() as fake, running_bot(library, _bench_settings()) as bot:
            await fake.fire(topics=topics, count=rate * OPEN_LOOP_SECONDS, rate=rate, distinct=True)
            # Long enough for every answer the bot accepted (MAX_WAIT_SECONDS of queue).
            report = await fake.fired(settle=MAX_WAIT_SECONDS + 5.0)
            report["shed_counted"] = bot.tree.shed.total + bot.replies.shed.total
            report["told_busy"] = bot.replies.turned_away.total
            results[str(rate)] = report
    return results


def open_loop_table(results: dict[str, Any]) -> str:
    """The open-loop results as a Markdown table."""
    lines = [
        "| offered /s (sent /s) | offered | first response in 3 s | briefing | nothing found | told busy | shed | late | first response p50 / p99 ms | briefing p50 / p99 ms |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for rate, r in results.items():
        share = r["with_text"] / r["offered"]
        lines.append(
            f"| {rate} ({r['offered_per_second']:.0f}) | {r['offered']} | {r['answered']}"
            f" ({r['answered'] / r['offered']:.0%}) | {r['with_text']} ({share:.0%}) |"
            f" {r['private'] - r['told_busy']} | {r['told_busy']} | {r['never']} | {r['late']} |"
            f" {r['first_ms']['p50']:.0f} / {r['first_ms']['p99']:.0f} |"
            f" {r['final_ms']['p50']:.0f} / {r['final_ms']['p99']:.0f} |"
        )
    return "\n".join(lines)


async def _load(fake: Any, bot: Any, total: int) -> dict[str, Any]:
    from testkit.discord_fakes import command_payload

    topics = LOAD_TOPICS
    payloads = [
        command_payload("brief", topic=topics[n % len(topics)], user_id=800000000000000000 + n % 20)
        for n in range(total)
    ]
    ids: list[str] = []
    started = time.perf_counter()
    for k in range(0, total, 250):  # the control route takes 1 MB a request
        ids += await fake.send_many(payloads[k : k + 250])
    answers = await fake.wait_all(ids, timeout=180)
    elapsed = time.perf_counter() - started
    state = await fake.state()
    latencies = [a.latency for a in answers if a.latency is not None]
    return {
        "interactions": total,
        "answered": len(latencies),
        "shed": bot.tree.shed.total + bot.replies.shed.total,
        "late": sum(r["status"] == 404 for r in state["requests"]),
        "per_second": total / elapsed,
        **percentiles(latencies),
    }


def _pair(value: dict[str, float] | None) -> str:
    return f"{value['p50_ms']:.2f} / {value['p99_ms']:.2f}" if value else "–"


def _cell(value: dict[str, float] | None) -> str:
    return f"{value['p50_ms']:.2f} ({value['p99_ms']:.2f})" if value else "–"


def table(results: dict[str, Any]) -> str:
    """The results as a Markdown table."""
    lines = [
        "| scale | sections | build s | RSS MB | search p50/p99 ms | brief p50/p99 ms | ours / rank-bm25 / bm25s scoring p50 ms (p99) | same top-10 |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results["scales"]:
        lines.append(
            f"| {r['scale']}× | {r['sections']} | {r['build_s']:.2f} | {r['rss_mb']:.0f} | "
            f"{_pair(r.get('search'))} | {_pair(r.get('brief'))} | {_cell(r.get('ours_scoring'))} / "
            f"{_cell(r.get('plain_scoring'))} / {_cell(r.get('bm25s_scoring'))} | "
            f"{r.get('identical_top10', '–')} |"
        )
    lines += [
        "",
        "| scale | structured brief p50/p99 ms | autocomplete index s | keystroke p50/p99 ms |",
    ]
    lines.append("| --- | --- | --- | --- |")
    for r in results["scales"]:
        lines.append(
            f"| {r['scale']}× | {_pair(r.get('structured_brief'))} | "
            f"{r.get('autocomplete_index_s', 0):.2f} | {_pair(r.get('autocomplete'))} |"
        )
    cli = results.get("cli")
    if cli:
        lines.append("")
        lines.append(
            f'CLI `diplobrief brief "cyber diplomacy"`: {cli["cli_brief_ms"]:.0f} ms whole process '
            f"(python -c pass: {cli['python_c_pass_ms']:.0f} ms; python -c 'import rank_bm25':"
            f" {cli['import_rank_bm25_ms']:.0f} ms, target within 2x);"
            f" imports discord: {cli['cli_imports_discord']}."
        )
    nesting = results.get("html_nesting")
    if nesting:
        lines.append(
            f"HTML of 10,000 / 100,000 nested <div>s: {nesting['10000']:.2f} / "
            f"{nesting['100000']:.2f} s to parse (target under 2 s)."
        )
    pdf = results.get("pdf")
    if pdf:
        lines.append(
            f"PDF of {pdf['pages']} pages ({pdf['megabytes']:.1f} MB, {pdf['sections']} sections):"
            f" {pdf['seconds']:.2f} s to parse (target under 10 s)."
        )
    store = results.get("store")
    if store:
        lines.append(
            "Committed vote, ms p50/p99: "
            + "; ".join(f"{name} {_pair(value)}" for name, value in store.items())
            + " (PostgreSQL here with fsync off, as the tests start it)."
        )
    model = results.get("model")
    if model:
        disk = ", ".join(f"{k} {v:.0f} MB" for k, v in model["installed_mb"].items())
        lines.append(
            f"Sentence model: installed {disk}; a fresh clone's first ask "
            f"{model['first_ask_s']:.2f} s (corpus encoded), later ones {model['later_ask_s']:.2f} s "
            f"(whole process), resident {model['resident_mb']:.0f} MB; ask in process p50 "
            f"{model['ask']['p50_ms']:.1f} ms, p99 {model['ask']['p99_ms']:.1f} ms."
        )
    hybrid = results.get("hybrid")
    if hybrid:
        lines.append(
            f"Hybrid search at 1× (ONNX sentence model): p50 {hybrid['search']['p50_ms']:.1f} ms, "
            f"p99 {hybrid['search']['p99_ms']:.1f} ms; cold start with a warm embedding cache "
            f"{hybrid['cold_start_s']:.2f} s."
        )
    bot = results.get("bot")
    if bot:
        lines.append(
            f"Bot via loopback Discord: {bot['per_second']:.0f} interactions/s, "
            f"event→callback p50 {bot['p50_ms']:.0f} ms, p99 {bot['p99_ms']:.0f} ms "
            f"({bot['answered']}/{bot['interactions']} answered)."
        )
        for name, r in bot.get("overload", {}).items():
            lines.append(
                f"Overload {name}: {r['answered']}/{r['interactions']} answered, {r['shed']} shed,"
                f" {r['late']} late; p50 {r['p50_ms']:.0f} ms, p99 {r['p99_ms']:.0f} ms."
            )
    lines.append(f"Machine: {results['machine']}.")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scales", default="1,100,1000")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results.json")
    parser.add_argument("--one-scale", type=int, help=argparse.SUPPRESS)
    parser.add_argument(
        "--no-plain-above",
        type=int,
        default=1000,
        help="skip plain rank-bm25 above this scale (its build is slow)",
    )
    args = parser.parse_args()
    if args.one_scale:
        try:
            import bm25s  # noqa: F401

            have_bm25s = True
        except ImportError:
            have_bm25s = False
        print(
            json.dumps(
                one_scale(
                    args.one_scale,
                    with_plain=args.one_scale <= args.no_plain_above,
                    with_bm25s=have_bm25s,
                )
            )
        )
        return 0
    results: dict[str, Any] = {
        "machine": f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
        f"{__import__('os').cpu_count()} cores, {platform.platform()}",
        "scales": [],
    }
    for scale in (int(s) for s in args.scales.split(",")):
        print(f"scale {scale}x …", file=sys.stderr, flush=True)
        done = subprocess.run(
            [
                sys.executable,
                __file__,
                "--one-scale",
                str(scale),
                "--no-plain-above",
                str(args.no_plain_above),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        results["scales"].append(json.loads(done.stdout.strip().splitlines()[-1]))
    print("hybrid …", file=sys.stderr, flush=True)
    results["hybrid"] = hybrid_measurement()
    print("model costs …", file=sys.stderr, flush=True)
    results["model"] = model_costs()
    print("CLI …", file=sys.stderr, flush=True)
    results["cli"] = cli_wall_time()
    results["html_nesting"] = html_nesting()
    results["pdf"] = pdf_parsing()
    print("check with bombs …", file=sys.stderr, flush=True)
    results["check_bombs"] = check_with_bombs()
    results["store"] = store_writes()
    print("bot throughput …", file=sys.stderr, flush=True)
    results["bot"] = asyncio.run(bot_throughput())
    print("open-loop overload …", file=sys.stderr, flush=True)
    results["open_loop"] = asyncio.run(open_loop_overload())
    args.json.write_text(json.dumps(results, indent=2))
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


def _bench_settings() -> Any:
    """The bot's settings for a benchmark: no .env, ratings in a fresh temporary folder,
    no per-user cooldown in the way of a load test."""
    import tempfile

    from bot.settings import Settings

    data_dir = Path(tempfile.mkdtemp(prefix="diplobrief-bench-"))
    return Settings(_env_file=None, discord_token="x.y.z", data_dir=data_dir, cooldown_rate=10_000)
