"""Mise en forme des jeux de données pour l'écran : tableaux à la française, titres, notes de source."""

from __future__ import annotations

import pandas as pd

from portrait import format as fr
from portrait import indicateurs

NIVEAUX_LIBELLES = {
    "commune": "Commune",
    "epci": "EPCI",
    "departement": "Département",
    "region": "Région",
    "france": "France",
}
# Indicateurs de la page d'accueil, dans l'ordre du portrait du document 004 (besoins, offre, adéquation).
CHIFFRES_CLES = (
    "naissances",
    "enfants_0_2",
    "part_enfants_0_2",
    "part_enfants_0_2_parents_actifs",
    "am_agreees",
    "am_actives",
    "part_am_60_plus",
    "places_total",
    "taux_couverture",
)
BANDEAU_DEMO = (
    "Données de démonstration : ces chiffres sont générés pour montrer l'outil (calés sur le portrait "
    "2023 de la Loire-Atlantique). Ce ne sont pas des statistiques officielles."
)


def titre(id_indicateur: str, nom_territoire: str, annee: int) -> str:
    """« Taux de couverture petite enfance, CA Pornic Agglo Pays de Retz, 2023 »."""
    return f"{indicateurs.indicateur(id_indicateur).libelle}, {nom_territoire}, {annee}"


def note_source(ids: list[str] | tuple[str, ...], annee: int, demo: bool) -> str:
    """Note de bas de figure : sources distinctes des indicateurs et année, mention de démonstration."""
    sources = list(dict.fromkeys(indicateurs.indicateur(i).source for i in ids))
    texte = f"Sources : {' ; '.join(sources)}. Année {annee}."
    return texte + (" Valeurs de démonstration." if demo else "")


def tableau_comparaison(portrait: pd.DataFrame, ids: tuple[str, ...] = CHIFFRES_CLES) -> pd.DataFrame:
    """Un indicateur par ligne, un territoire par colonne, valeurs formatées à la française."""
    lignes = {}
    for i in ids:
        lignes[indicateurs.indicateur(i).libelle] = [fr.valeur(i, v) for v in portrait[i]]
    colonnes = [f"{nom} ({NIVEAUX_LIBELLES[niv]})" if niv != "france" else nom
                for nom, niv in zip(portrait["nom"], portrait["niveau"])]
    return pd.DataFrame(lignes, index=colonnes).T


def chiffres_territoire(portrait: pd.DataFrame, ids: tuple[str, ...] = CHIFFRES_CLES) -> list[dict]:
    """Les chiffres clés du territoire (première ligne) avec l'écart au département, pour st.metric."""
    t = portrait.iloc[0]
    dep = portrait[portrait["niveau"] == "departement"]
    ref = dep.iloc[0] if len(dep) and t["niveau"] != "departement" else None
    sortie = []
    for i in ids:
        ind = indicateurs.indicateur(i)
        ecart = None
        if ref is not None and ind.nature == "taux" and not fr.manquant(t[i]) and not fr.manquant(ref[i]):
            ecart = f"{fr.nombre(t[i] - ref[i], 1)} pt vs {ref['nom']}"
        sortie.append({"libelle": ind.libelle, "valeur": fr.valeur(i, t[i]), "ecart": ecart,
                       "aide": ind.definition})
    return sortie


def etat_donnees(etat: pd.DataFrame) -> pd.DataFrame:
    """Le panneau « données affichées » : indicateur, provenance, années couvertes, nombre de valeurs."""
    if etat.empty:
        return pd.DataFrame(columns=["Indicateur", "Provenance", "Années", "Valeurs"])
    provenance = etat["source"].map(libelle_source)
    return pd.DataFrame({
        "Indicateur": etat["indicateur"].map(lambda i: indicateurs.PAR_ID[i].libelle if i in indicateurs.PAR_ID else i),
        "Provenance": provenance,
        "Années": [f"{a} – {b}" if a != b else str(a) for a, b in zip(etat["annee_min"], etat["annee_max"])],
        "Valeurs": etat["nb_valeurs"].map(fr.nombre),
    })


def libelle_source(source: str) -> str:
    """« demo » -> « Démonstration » ; « import:… » -> « Import … »."""
    if source == "demo":
        return "Démonstration"
    if source == "insee_populations_legales":
        return "Insee, populations légales (réelles)"
    if source.startswith("import:"):
        return f"Import {source.split(':', 1)[1]}"
    return source
