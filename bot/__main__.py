"""`python -m bot ...` runs the same commands as `diplobrief ...`."""

from bot.cli import main

raise SystemExit(main())
