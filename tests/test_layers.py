"""The house's floors: imports run down (the faces over ratings over presentation over
settings over the engine), never up, and no module imports itself through others."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.conftest import ROOT

# Lower floors first; a module may import its own floor or a lower one.
FLOORS = (
    ("retrieval",),
    ("bot.defaults", "bot.settings"),
    ("bot.present",),
    ("bot.ratings",),
    ("bot.app", "bot.cli", "bot.__main__", "bot"),
)


def _modules() -> dict[str, Path]:
    found = {}
    for package in ("retrieval", "bot"):
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def _imports(path: Path, known: dict[str, Path]) -> set[str]:
    """The project modules a file imports, at any depth in the file (lazy imports too)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        out.update(name for name in names if name in known)
    return out


def _floor(module: str) -> int:
    best = (-1, -1)  # (length of the matched prefix, floor)
    for level, prefixes in enumerate(FLOORS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best[0]:
                best = (len(prefix), level)
    assert best[1] >= 0, f"{module} is on no floor"
    return best[1]


def test_no_import_runs_up_a_floor() -> None:
    known = _modules()
    upward = [
        f"{module} -> {imported}"
        for module, path in known.items()
        for imported in _imports(path, known)
        if _floor(imported) > _floor(module)
    ]
    assert upward == []


def test_the_engine_never_imports_the_bot() -> None:
    known = _modules()
    assert not [
        (m, i)
        for m, p in known.items()
        if m.startswith("retrieval")
        for i in _imports(p, known)
        if i.startswith("bot")
    ]


def test_no_import_cycle() -> None:
    known = _modules()
    graph = {m: {i for i in _imports(p, known) if i != m} for m, p in known.items()}
    # A package's __init__ is not an edge to its own modules' importers.
    visiting: list[str] = []
    done: set[str] = set()
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        if module in done:
            return
        if module in visiting:
            cycles.append([*visiting[visiting.index(module) :], module])
            return
        visiting.append(module)
        for imported in sorted(graph[module]):
            visit(imported)
        visiting.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)
    assert cycles == []


def test_no_file_over_400_lines_and_no_function_over_40() -> None:
    long_files, long_functions = [], []
    for path in _modules().values():
        source = path.read_text(encoding="utf-8")
        if source.count("\n") > 400:
            long_files.append(f"{path.relative_to(ROOT)}: {source.count(chr(10))} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > 40:
                    long_functions.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert long_files == [] and long_functions == []


def test_every_type_ignore_says_why() -> None:
    bare = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _modules().values()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "type: ignore" in line
        and not re.search(r"type: ignore\[[\w-]+(?:, [\w-]+)*\]  # \S", line)
    ]
    assert bare == []
