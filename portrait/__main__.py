"""Point d'entrée `python -m portrait`."""

import sys

from portrait.cli import main

sys.exit(main())
