"""La carte de la page Tensions pour sa vue par défaut, faite par la fonction même de la page (banc)."""

from __future__ import annotations

from portrait.donnees.requetes import Requetes
from portrait.vues import tensions as vue_tensions


def carte_tensions(req: Requetes, territoire: str, annee: int):
    """Filtres par défaut, niveau de tension, hors filtre grisé, zones d'offre insuffisante cernées : la carte de
    vue_tensions, celle que la page, la fiche et la ligne de commande montrent."""
    return vue_tensions.vue_tensions(req, territoire, annee).carte.figure
