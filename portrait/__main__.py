"""Point d'entrée `python -m portrait`."""

import sys

from portrait.surfaces.cli import main

sys.exit(main())
