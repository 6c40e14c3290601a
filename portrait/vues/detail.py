"""Vue de la page Détail par indicateur : chaque commune face à l'EPCI et au département."""

from __future__ import annotations

import pandas as pd

from portrait.regles import catalogue
from portrait.vues.commun import NIVEAUX_LIBELLES


def tableau_detail(detail: pd.DataFrame, id_indicateur: str) -> pd.DataFrame:
    """Le tableau de détail : Territoire (regroupé comme le document 004), niveau, valeur de l'indicateur."""
    return pd.DataFrame({
        "Territoire": detail["nom"].values,
        "Niveau": detail["niveau"].map(NIVEAUX_LIBELLES).values,
        catalogue.indicateur(id_indicateur).libelle_court: detail["valeur"].values,
    })


def references_detail(detail: pd.DataFrame) -> list[tuple[str, str, float]]:
    """Les lignes de référence du graphique de détail : l'EPCI et le département."""
    refs = detail[detail["role"].isin(["epci", "departement", "france"])]
    return [(r, n, v) for r, n, v in zip(refs["role"], refs["nom"], refs["valeur"])]


def communes_detail(detail: pd.DataFrame) -> pd.DataFrame:
    """Les seules lignes de communes (ou d'EPCI pour la France) du détail."""
    return detail[detail["ordre"] == 0]


def serie_avec_roles(serie: pd.DataFrame, detail: pd.DataFrame) -> pd.DataFrame:
    """Ajoute à une série le rôle de chaque territoire (commune, EPCI, département) tiré du détail."""
    roles = detail.set_index("territoire")["role"]
    return serie.assign(role=serie["territoire"].map(roles).fillna("commune"))


def noms_territoires(detail: pd.DataFrame) -> dict[str, str]:
    """territoire -> nom, pour les libellés d'un choix de communes."""
    return dict(zip(detail["territoire"], detail["nom"]))


def territoires_reference(detail: pd.DataFrame) -> list[str]:
    """Les lignes de référence d'un détail (EPCI, département), ajoutées aux séries des communes cochées."""
    return list(detail.loc[detail["ordre"] > 0, "territoire"])
