"""What the bot stores and reads back: the store (SQLite or PostgreSQL; its tables in
schema.py, made by the frozen numbered migrations in migrations/; the voter salt's file
in salt.py), the service the bot writes votes through (off the event loop, with timeouts
and backoff), and the ratings report for `/report` and `diplobrief report`. No discord
import."""
