"""diplobrief's user-facing side: the CLI, the terminal renderer and the Discord bot.

Nothing here imports discord at import time, so the offline CLI stays light.
"""
