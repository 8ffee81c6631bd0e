"""Slash-command cogs: each glues pure builders to Discord and nothing more."""
