"""``python -m probation_desk``: the same as the ``probation-desk`` command."""

from probation_desk.cli import main

raise SystemExit(main())
