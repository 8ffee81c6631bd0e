"""diplobrief's user-facing side, one package per face over the engine (:mod:`retrieval`):

- :mod:`bot.cli`: the `diplobrief` command line and the eval report;
- :mod:`bot.app`: the Discord bot;
- :mod:`bot.ratings`: the store of ratings, its migrations and its report;
- :mod:`bot.present`: pure text and JSON shared by both faces;
- :mod:`bot.settings` / :mod:`bot.defaults`: the settings every face reads.

Imports run down the floors (cli and app → ratings → present → settings → retrieval),
never up. Nothing here imports discord at import time outside :mod:`bot.app`, so the
offline CLI stays light.
"""
