"""Every command, option and component the bot declares fits Discord's limits."""

from __future__ import annotations

from discord import app_commands

from bot.app import limits
from bot.app.client import DiploBot
from bot.app.components.briefing import (
    MoreButton,
    QueryStore,
    ReadSectionSelect,
    ReplyKind,
    briefing_view,
)
from retrieval.briefing import build_briefing
from retrieval.library import Library


def _commands(bot: DiploBot) -> list[app_commands.Command]:
    return [c for c in bot.tree.walk_commands() if isinstance(c, app_commands.Command)]


async def test_command_and_option_descriptions_fit(bot: DiploBot) -> None:
    commands = _commands(bot)
    assert {c.name for c in commands} >= {"brief", "ask", "cases", "sources", "help", "reload"}
    for command in commands:
        assert 1 <= len(command.name) <= limits.COMMAND_NAME
        assert 1 <= len(command.description) <= limits.COMMAND_DESCRIPTION
        for parameter in command.parameters:
            assert 1 <= len(parameter.description) <= limits.OPTION_DESCRIPTION, parameter.name


async def test_components_fit(library: Library) -> None:
    briefing = build_briefing(library, "military diplomacy")
    view = briefing_view(briefing, kind=ReplyKind.ASK, store=QueryStore(), timeout=None)
    assert view is not None
    for child in view.children:
        item = child.item if hasattr(child, "item") else child
        assert len(item.custom_id) <= limits.CUSTOM_ID
        if isinstance(child, MoreButton):
            assert len(item.label) <= limits.BUTTON_LABEL
        if isinstance(child, ReadSectionSelect):
            assert len(item.placeholder or "") <= limits.SELECT_PLACEHOLDER
            for option in item.options:
                assert len(option.value) <= limits.SELECT_OPTION_VALUE
                assert len(option.label) <= limits.SELECT_OPTION_LABEL
    assert len(view.children) <= limits.ACTION_ROWS
