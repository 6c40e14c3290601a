"""Vue de la page Accueil : les chiffres clés du territoire face à ses comparateurs."""

from __future__ import annotations

import pandas as pd

from portrait.regles import catalogue
from portrait.vues import francais as fr
from portrait.vues.commun import CHIFFRES_CLES, NIVEAUX_LIBELLES


def tableau_comparaison(portrait: pd.DataFrame, ids: tuple[str, ...] = CHIFFRES_CLES) -> pd.DataFrame:
    """Un indicateur par ligne, un territoire par colonne, valeurs formatées à la française."""
    lignes = {}
    for i in ids:
        lignes[catalogue.indicateur(i).libelle] = [fr.valeur(i, v) for v in portrait[i]]
    colonnes = [f"{nom} ({NIVEAUX_LIBELLES[niv]})" if niv != "france" else nom
                for nom, niv in zip(portrait["nom"], portrait["niveau"])]
    return pd.DataFrame(lignes, index=colonnes).T
