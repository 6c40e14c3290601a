"""Point d'entrée `python -m portrait`."""

import os
import sys

from portrait.surfaces.cli import main

try:
    code = main()
    sys.stdout.flush()
except BrokenPipeError:  # `python -m portrait imports list | head -1` : le lecteur a fermé le tube, rien d'anormal
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # la dernière écriture, à la sortie, va au néant
    code = 0
sys.exit(code)
