"""Every component the bot sends, in one place: under a briefing, **More** and **Read
section** (:mod:`.briefing`), 👍/👎 and **Discuss** (:mod:`.feedback`); under a
`/corpus add` whose name is taken, **Replace it** / **Keep the old one**
(:mod:`.corpus`). Each is a dynamic item whose state is in its custom_id, so a press
works on an old message and after a restart; each answers errors through the one error
reply (:func:`bot.app.errors.answers_errors`). :data:`DYNAMIC_ITEMS` is what the client
registers."""

from bot.app.components.briefing import MoreButton, ReadSectionSelect
from bot.app.components.corpus import ReplaceButton
from bot.app.components.feedback import DiscussButton, VoteButton

DYNAMIC_ITEMS = (MoreButton, ReadSectionSelect, VoteButton, DiscussButton, ReplaceButton)
