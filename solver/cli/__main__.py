"""``python -m solver.cli``: the same as the ``parplan`` command."""

import sys

from solver.cli.main import main

sys.exit(main())
