"""The Discord face: the client and its start-up (`client`, `run`), the slash-command
cogs, the one reply flow (`replies`, with the overload policy in `overload`), the
components (`views`, `feedback`), the embeds, Discord's limits, the error reply, the
corpora a server searches and its own article files. Cogs only glue pure builders to
Discord; everything that can be pure lives in :mod:`bot.present` or :mod:`retrieval`."""
