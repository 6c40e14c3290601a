"""La carte de la page Tensions pour sa vue par défaut, faite par les mêmes fonctions que la page (banc)."""

from __future__ import annotations

from portrait import cartes, donnees, presentation, tensions
from portrait.requetes import Requetes


def carte_tensions(req: Requetes, territoire: str, annee: int):
    """Filtres par défaut, niveau de tension, hors filtre grisé, zones d'offre insuffisante cernées."""
    evaluee = tensions.evaluer(donnees.tensions(req, territoire, annee, autres=tensions.INDICATEURS_ZONES))
    return presentation.carte_tensions(evaluee, cartes.contours(req, territoire), tensions.TENSION,
                                       tensions.METHODES[0], True, tensions.SEUIL_ZONE_INSUFFISANTE,
                                       donnees.territoire(req, territoire)["nom"], annee)
