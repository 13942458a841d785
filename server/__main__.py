"""``python -m server``: the same as ``parplan-server``."""

import sys

from .cli import main

sys.exit(main())
