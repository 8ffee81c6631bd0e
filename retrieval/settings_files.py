"""The corpus folder's settings files (`manifest.toml`, `cases.toml`), validated.

Their shape is declared once, as pydantic models (:func:`models`). Importing pydantic
costs 73 ms of a 170 ms `diplobrief brief`, so a file is first held against
:data:`SHAPES`, the same fields as plain types (a test keeps the two equal): a file that
fits needs no pydantic; one that does not is validated by the models, whose first error
becomes one line naming the file, the entry and the key.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from retrieval.model import CorpusError

# table name -> (key -> plain type, required keys)
SHAPES: dict[str, tuple[dict[str, type], frozenset[str]]] = {
    "article": ({"file": str, "source_file": str, "title": str}, frozenset({"file"})),
    "case": (
        {"match": str, "name": str, "aliases": list, "merge_into": str, "hide": bool},
        frozenset({"match"}),
    ),
}


def entries(path: Path, data: dict[str, Any], table: str) -> list[dict[str, Any]]:
    """The `[[table]]` entries of a settings file, each a dict of valid values; raises
    CorpusError naming the file, entry and key when one is wrong."""
    if _fits(data, table):
        return list(data.get(table, []))
    return _validated(path, data, table)


def _fits(data: dict[str, Any], table: str) -> bool:
    keys, required = SHAPES[table]
    items = data.get(table, [])
    if set(data) - {table} or not isinstance(items, list):
        return False
    for item in items:
        if not isinstance(item, dict) or not required <= set(item) or set(item) - set(keys):
            return False
        for key, value in item.items():
            if not isinstance(value, keys[key]) or (
                isinstance(value, list) and not _strings(value)
            ):
                return False
    return True


def _strings(values: list[Any]) -> bool:
    return all(isinstance(value, str) for value in values)


@cache
def models() -> dict[str, Any]:
    """The settings files' models, by file table (pydantic imported only here)."""
    from pydantic import BaseModel, ConfigDict, Field

    class _Strict(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)

    class ManifestArticle(_Strict):
        file: str
        source_file: str | None = None
        title: str | None = None

    class Manifest(_Strict):
        article: list[ManifestArticle] = Field(default_factory=list)

    class CaseRule(_Strict):
        match: str
        name: str | None = None
        aliases: list[str] = Field(default_factory=list)
        merge_into: str | None = None
        hide: bool = False

    class Cases(_Strict):
        case: list[CaseRule] = Field(default_factory=list)

    return {"article": Manifest, "case": Cases}


def _validated(path: Path, data: dict[str, Any], table: str) -> list[dict[str, Any]]:
    from pydantic import ValidationError

    try:
        parsed = models()[table].model_validate(data)
    except ValidationError as error:
        raise CorpusError(f"{path}: {_describe(error.errors()[0], table)}") from error
    return [item.model_dump(exclude_unset=True) for item in getattr(parsed, table)]


def _describe(error: Any, table: str) -> str:
    """Pydantic's first error as `[[table]] #n: key `k`: what is wrong`."""
    location = list(error.get("loc", ()))
    where = []
    if location[:1] == [table] and len(location) > 1 and isinstance(location[1], int):
        where.append(f"[[{table}]] #{location[1] + 1}")
        location = location[2:]
    elif location:
        where.append(f"`{location[0]}`" if location[0] != table else f"[[{table}]]")
        location = location[1:]
    if location:
        where.append(f"key `{location[0]}`")
    message = str(error.get("msg", "invalid")).removeprefix("Input ").lower()
    if error.get("type") == "extra_forbidden":
        message = "is not a setting of this file"
    elif error.get("type") == "missing":
        message = "is required"
    got = error.get("input")
    shown = "" if error.get("type") in ("missing", "extra_forbidden") else f" (got {got!r:.40})"
    return ", ".join(where) + f": {message}{shown}"
