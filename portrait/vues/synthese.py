"""Vue de la page Synthèse petite enfance : besoins, offre, adéquation (document 004)."""

from __future__ import annotations

import pandas as pd

from portrait.regles import catalogue
from portrait.vues import francais as fr

TABLE_BESOINS = (
    "naissances",
    "enfants_0_2",
    "part_enfants_0_2",
    "part_enfants_0_2_parents_actifs",
    "part_familles_0_2_bas_revenus",
    "part_familles_0_2_monoparentales",
)


TABLE_OFFRE = (
    *catalogue.MODES_ACCUEIL,
    "places_total",
    "am_agreees",
    "am_actives",
    "am_actives_60_plus",
    "places_am_60_plus_estimees",
)


AGES_AM = ("am_actives_moins_35", "am_actives_35_49", "am_actives_50_59", "am_actives_60_plus")


LIBELLES_AGES = {"am_actives_moins_35": "moins de 35 ans", "am_actives_35_49": "35-49 ans",
                 "am_actives_50_59": "50-59 ans", "am_actives_60_plus": "60 ans et plus"}


def places_pour_100(synthese: pd.DataFrame) -> pd.DataFrame:
    """Places de chaque mode pour 100 enfants de moins de 3 ans : leur somme est le taux de couverture."""
    morceaux = []
    for mode in catalogue.MODES_ACCUEIL:
        morceaux.append(pd.DataFrame({"nom": synthese["nom"], "composante": mode,
                                      "valeur": 100 * synthese[mode] / synthese["enfants_0_2"]}))
    return pd.concat(morceaux, ignore_index=True).dropna(subset=["valeur"])


def ages_assistantes_maternelles(synthese: pd.DataFrame) -> pd.DataFrame:
    """Répartition des assistantes maternelles actives par âge, en % des actives."""
    morceaux = []
    for age in AGES_AM:
        morceaux.append(pd.DataFrame({"nom": synthese["nom"], "composante": age,
                                      "valeur": 100 * synthese[age] / synthese["am_actives"]}))
    return pd.concat(morceaux, ignore_index=True).dropna(subset=["valeur"])


def libelles_modes() -> dict[str, str]:
    """« places_psu » -> « crèches PSU » : libellés courts des modes d'accueil, tirés du catalogue."""
    return {m: catalogue.indicateur(m).libelle_court.removeprefix("places ") for m in catalogue.MODES_ACCUEIL}


def chiffres_comparateurs(synthese: pd.DataFrame, id_indicateur: str, roles=("territoire", "epci", "departement",
                                                                               "france")) -> list[dict]:
    """Les grands nombres d'un indicateur : le territoire puis ses comparateurs (pas les voisins)."""
    lignes = synthese[synthese["role"].isin(roles)]
    return [{"nom": n, "valeur": fr.valeur(id_indicateur, v), "role": r}
            for n, v, r in zip(lignes["nom"], lignes[id_indicateur], lignes["role"])]


def reference_departement(lignes: pd.DataFrame, id_indicateur: str) -> tuple[str, float] | None:
    """(nom, valeur) du département parmi des lignes de comparaison, pour la ligne de référence d'un graphique."""
    dep = lignes[lignes["niveau"] == "departement"]
    return (dep["nom"].iloc[0], dep[id_indicateur].iloc[0]) if len(dep) else None


def serie_indicateur(series: pd.DataFrame, id_indicateur: str) -> pd.DataFrame:
    """La série d'un indicateur parmi les séries de la synthèse."""
    return series[series["indicateur"] == id_indicateur]
