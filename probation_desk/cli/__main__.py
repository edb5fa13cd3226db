"""``python -m probation_desk.cli``: the command line."""

from probation_desk.cli import main

raise SystemExit(main())
