"""The terminal face: the `diplobrief` command line (its parser in :mod:`bot.cli.parser`,
what each command does in :mod:`bot.cli.commands`, the process entry in
:mod:`bot.cli.main`) and the `diplobrief eval` report. The offline commands import no
discord: the bot is started only by `diplobrief run` and `sync`."""
