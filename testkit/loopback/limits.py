"""What Discord refuses, as a table of its limits and the checks that apply them to
message bodies and command schemas (each failure as Discord's 50035 path and code)."""

from __future__ import annotations

import re
from typing import Any

from testkit.protocol import LINK_BUTTON_STYLE, SELECTS, Component

# Discord's documented limits (independent of the bot's own bot/app/limits.py on purpose:
# the fake must not trust the code it tests).
LIMITS: dict[str, int] = {
    "content": 2000,
    "embeds": 10,
    "embed.title": 256,
    "embed.description": 4096,
    "embed.fields": 25,
    "embed.field.name": 256,
    "embed.field.value": 1024,
    "embed.footer.text": 2048,
    "embed.author.name": 256,
    "embeds.total": 6000,
    "components": 5,
    "row.components": 5,
    "custom_id": 100,
    "select.options": 25,
    "option.label": 100,
    "option.value": 100,
    "option.description": 100,
    "command.options": 25,
    "command.description": 100,
    "choices": 25,
}
COMMAND_NAME = re.compile(r"^[-_'\w]{1,32}$")

Error = tuple[str, str, str]  # path, code, message


def too_long(value: Any, limit: str, path: str, errors: list[Error]) -> None:
    """Add a BASE_TYPE_MAX_LENGTH error when ``value`` is longer than ``LIMITS[limit]``."""
    if value is not None and len(value if isinstance(value, list) else str(value)) > LIMITS[limit]:
        errors.append(
            (path, "BASE_TYPE_MAX_LENGTH", f"Must be {LIMITS[limit]} or fewer in length.")
        )


def message_errors(data: dict[str, Any], prefix: str = "") -> list[Error]:
    """What Discord would refuse in a message body: content, embeds, components."""
    errors: list[Error] = []
    too_long(data.get("content"), "content", f"{prefix}content", errors)
    embeds = data.get("embeds") or []
    too_long(embeds, "embeds", f"{prefix}embeds", errors)
    total = sum(
        _embed_errors(embed, f"{prefix}embeds.{i}", errors) for i, embed in enumerate(embeds)
    )
    if total > LIMITS["embeds.total"]:
        errors.append(
            (
                f"{prefix}embeds",
                "MAX_EMBED_SIZE_EXCEEDED",
                "Embed size exceeds maximum size of 6000",
            )
        )
    rows = data.get("components") or []
    too_long(rows, "components", f"{prefix}components", errors)
    for r, row in enumerate(rows):
        _row_errors(row.get("components") or [], f"{prefix}components.{r}.components", errors)
    return errors


def _embed_errors(embed: dict[str, Any], path: str, errors: list[Error]) -> int:
    """Check one embed; returns its size toward the 6000-character total."""
    too_long(embed.get("title"), "embed.title", f"{path}.title", errors)
    too_long(embed.get("description"), "embed.description", f"{path}.description", errors)
    fields = embed.get("fields") or []
    too_long(fields, "embed.fields", f"{path}.fields", errors)
    for j, item in enumerate(fields):
        if not item.get("name") or not item.get("value"):
            errors.append((f"{path}.fields.{j}", "BASE_TYPE_REQUIRED", "This field is required"))
        too_long(item.get("name"), "embed.field.name", f"{path}.fields.{j}.name", errors)
        too_long(item.get("value"), "embed.field.value", f"{path}.fields.{j}.value", errors)
    footer = (embed.get("footer") or {}).get("text")
    too_long(footer, "embed.footer.text", f"{path}.footer.text", errors)
    author = (embed.get("author") or {}).get("name")
    too_long(author, "embed.author.name", f"{path}.author.name", errors)
    parts = [embed.get("title"), embed.get("description"), footer, author]
    parts += [f.get(key, "") for f in fields for key in ("name", "value")]
    return sum(len(str(part or "")) for part in parts)


def _row_errors(items: list[dict[str, Any]], path: str, errors: list[Error]) -> None:
    selects = [c for c in items if c.get("type") in SELECTS]
    if len(items) > LIMITS["row.components"] or (selects and len(items) > 1):
        errors.append((path, "BASE_TYPE_MAX_LENGTH", "Row is full."))
    for c, item in enumerate(items):
        item_path = f"{path}.{c}"
        is_link = item.get("type") == Component.BUTTON and item.get("style") == LINK_BUTTON_STYLE
        if not is_link:
            if not item.get("custom_id"):
                errors.append(
                    (f"{item_path}.custom_id", "BASE_TYPE_REQUIRED", "This field is required")
                )
            too_long(item.get("custom_id"), "custom_id", f"{item_path}.custom_id", errors)
        options = item.get("options") or []
        if (
            item.get("type") == Component.STRING_SELECT
            and not 1 <= len(options) <= LIMITS["select.options"]
        ):
            errors.append(
                (
                    f"{item_path}.options",
                    "BASE_TYPE_BAD_LENGTH",
                    "Must be between 1 and 25 in length.",
                )
            )
        for o, option in enumerate(options):
            for key in ("label", "value", "description"):
                too_long(option.get(key), f"option.{key}", f"{item_path}.options.{o}.{key}", errors)


def command_errors(commands: list[dict[str, Any]]) -> list[Error]:
    """What Discord would refuse in a bulk command overwrite."""
    errors: list[Error] = []
    for i, command in enumerate(commands):
        _check_named(command, str(i), errors, chat_input=command.get("type", 1) == 1)
        options = command.get("options") or []
        too_long(options, "command.options", f"{i}.options", errors)
        seen_optional = False
        for j, option in enumerate(options):
            _check_named(option, f"{i}.options.{j}", errors, chat_input=True)
            if option.get("required") and seen_optional:
                errors.append(
                    (
                        f"{i}.options.{j}",
                        "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                        "Required options must be placed before non-required options",
                    )
                )
            seen_optional = seen_optional or not option.get("required")
            too_long(option.get("choices") or [], "choices", f"{i}.options.{j}.choices", errors)
    return errors


def _check_named(item: dict[str, Any], path: str, errors: list[Error], *, chat_input: bool) -> None:
    if not chat_input:
        return
    name = item.get("name", "")
    if not COMMAND_NAME.match(name) or name != name.lower():
        errors.append(
            (f"{path}.name", "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
        )
    if not 1 <= len(item.get("description", "")) <= LIMITS["command.description"]:
        errors.append(
            (f"{path}.description", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
        )
