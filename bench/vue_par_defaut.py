"""La carte de la page Tensions pour sa vue par défaut, faite par les mêmes fonctions que la page (banc)."""

from __future__ import annotations

from portrait.donnees import jeux
from portrait.donnees.requetes import Requetes
from portrait.regles import tensions
from portrait.vues import cartes
from portrait.vues import tensions as vue_tensions


def carte_tensions(req: Requetes, territoire: str, annee: int):
    """Filtres par défaut, niveau de tension, hors filtre grisé, zones d'offre insuffisante cernées."""
    evaluee = tensions.evaluer(jeux.tensions(req, territoire, annee, autres=tensions.INDICATEURS_ZONES))
    return vue_tensions.carte_tensions(evaluee, cartes.contours(req, territoire), tensions.TENSION,
                                       tensions.METHODES[0], True, tensions.SEUIL_ZONE_INSUFFISANTE,
                                       jeux.territoire(req, territoire)["nom"], annee)
