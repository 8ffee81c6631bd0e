"""Discord's hard limits, in one place. Builders truncate to these; cogs never do."""

from __future__ import annotations

# Interactions must be answered (or deferred) within this many seconds.
INTERACTION_RESPONSE_SECONDS = 3
# An interaction token (follow-ups, editing the original response) lives this long.
INTERACTION_TOKEN_SECONDS = 15 * 60

EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
EMBED_FIELD_NAME = 256
EMBED_FIELD_VALUE = 1024
EMBED_FOOTER = 2048
EMBEDS_PER_MESSAGE = 10
# A message's text content.
MESSAGE_CONTENT = 2000
# Title, description, field names and values, footer and author of all embeds together.
MESSAGE_EMBEDS_TOTAL = 6000

ACTION_ROWS = 5
BUTTONS_PER_ROW = 5
SELECT_OPTIONS = 25
SELECT_OPTION_LABEL = 100
SELECT_OPTION_VALUE = 100
SELECT_OPTION_DESCRIPTION = 100
SELECT_PLACEHOLDER = 150
BUTTON_LABEL = 80
CUSTOM_ID = 100
THREAD_NAME = 100  # a thread's name

COMMAND_NAME = 32
COMMAND_DESCRIPTION = 100
OPTION_DESCRIPTION = 100
AUTOCOMPLETE_CHOICES = 25
CHOICE_NAME = 100
CHOICE_VALUE = 100
