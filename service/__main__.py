"""``python -m service`` is ``reply-rewriter``."""

import sys

from service.cli import main

sys.exit(main())
