"""What the bot stores and reads back: the store (SQLite or PostgreSQL, with frozen
numbered migrations), the service the bot writes votes through (off the event loop,
with timeouts and backoff), and the ratings report for `/report` and `diplobrief
report`. No discord import."""
