"""`python -m bot ...` runs the same commands as `diplobrief ...`."""

from bot.cli.main import main

raise SystemExit(main())
