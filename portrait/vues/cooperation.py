"""Vue de la page Chargés de coopération : EPCI, postes, priorités."""

from __future__ import annotations

import pandas as pd

from portrait.regles import tensions
from portrait.vues import francais as fr


def tableau_cooperation(synthese: pd.DataFrame) -> pd.DataFrame:
    """Une ligne par EPCI : ETP par thématique, total, ratios, financement estimé et alertes en clair."""
    from portrait.regles import cooperation as coop

    sortie = pd.DataFrame({"EPCI": synthese["nom"].values, "Siren": synthese["code"].values})
    for t, libelle in coop.THEMATIQUES.items():
        sortie[f"ETP {libelle.lower()}"] = synthese[f"etp_{t}"].values
    sortie["ETP total"] = synthese["etp_total"].values
    sortie["ETP pour 1 000 enfants 0-2 ans"] = synthese["etp_pour_1000_enfants_0_2"].values
    sortie["ETP pour 10 000 habitants"] = synthese["etp_pour_10000_habitants"].values
    sortie["Financement estimé (€)"] = synthese["financement_estime"].values
    sortie["Alertes"] = [("aucun poste" if s else "; ".join(coop.ALERTES[a] for a in al.split("|") if a))
                         for s, al in zip(synthese["sans_poste"], synthese["alertes"])]
    return sortie


def formats_cooperation(tableau: pd.DataFrame) -> dict:
    """Formateurs français du tableau des chargés de coopération."""
    f = {c: (lambda v: fr.nombre(v, 2)) for c in tableau.columns if c.startswith("ETP")}
    f["Financement estimé (€)"] = lambda v: fr.nombre(v) + "\u00a0€" if not fr.manquant(v) else fr.NON_DISPONIBLE
    return f


def formats_excel_cooperation(tableau: pd.DataFrame) -> dict[str, str]:
    f = {c: "0.00" for c in tableau.columns if c.startswith("ETP")}
    f["Financement estimé (€)"] = '#,##0" €"'
    return f


def tableau_postes(postes: pd.DataFrame, noms_visibles: bool) -> pd.DataFrame:
    """Les postes : EPCI, intitulé, personne (masquée par défaut), thématique, ETP, COF, COPIL."""
    from portrait.regles import cooperation as coop

    return pd.DataFrame({
        "EPCI": postes["employeur"].values,
        "Personne": (postes["nom"] if noms_visibles else coop.masquer_noms(postes)).values,
        "Intitulé du poste": postes["intitule_poste"].values,
        "Thématique": postes["thematique"].map(coop.THEMATIQUES).values,
        "ETP valorisés": postes["etp_valorises"].values,
        "ETP réels": postes["etp_reels"].values,
        "COF signée": postes["cof_signee"].map({True: "oui", False: "non"}).values,
        "COPIL": postes["copil"].values,
    })


def table_carte_cooperation(synthese: pd.DataFrame, colonne: str) -> tuple[pd.DataFrame, dict]:
    """Classes de la carte des EPCI (quantiles du ratio choisi) ; « aucun poste » à part, en noir."""
    couverts = synthese[~synthese["sans_poste"]]
    valeurs = synthese[colonne].where(~synthese["sans_poste"])
    bornes = list(pd.Series(couverts[colonne]).dropna().quantile([0.2, 0.4, 0.6, 0.8]).unique())
    limites = [-float("inf"), *bornes, float("inf")]
    libelles = tensions.libelles_classes(limites, lambda x: fr.nombre(x, 2))
    codes = pd.cut(valeurs, limites, labels=False, right=False)
    classes = [("aucun poste" if s else (libelles[int(c)] if not fr.manquant(c) else tensions.NON_DISPONIBLE))
               for s, c in zip(synthese["sans_poste"], codes)]
    couleurs = {lib: tensions.BLEUS[i] for i, lib in enumerate(libelles)}
    couleurs["aucun poste"] = "#3A3A3A"
    couleurs[tensions.NON_DISPONIBLE] = tensions.GRIS_ND
    table = pd.DataFrame({"code": synthese["code"], "nom": synthese["nom"], "classe": classes,
                          "etp_texte": [f"{fr.nombre(e, 2)} ETP" for e in synthese["etp_total"]],
                          "ratio_texte": [f"{fr.nombre(v, 2)} ETP pour 1 000 enfants de 0 à 2 ans"
                                          for v in synthese["etp_pour_1000_enfants_0_2"]],
                          "alertes_texte": ["aucun poste" if s else (a.replace("|", ", ") or "aucune alerte")
                                            for s, a in zip(synthese["sans_poste"], synthese["alertes"])]})
    return table, {c: couleurs[c] for c in couleurs if c in set(classes)}


def priorites(synthese: pd.DataFrame, tension: pd.DataFrame) -> pd.DataFrame:
    """EPCI avec ETP petite enfance pour 1 000 enfants et part de leurs communes en tension."""
    return synthese.merge(tension, on="code", how="inner")


def chiffres_cooperation(synthese: pd.DataFrame) -> dict[str, str]:
    """Les grands nombres de la page : ETP, EPCI couverts, financement estimé, EPCI en alerte."""
    couverts = int((~synthese["sans_poste"]).sum())
    en_alerte = int((synthese["alertes"] != "").sum())
    return {
        "ETP valorisés": fr.nombre(synthese["etp_total"].sum(), 2),
        "EPCI couverts": f"{fr.nombre(couverts)} sur {fr.nombre(len(synthese))}",
        "Financement Caf estimé": fr.nombre(synthese["financement_estime"].sum()) + "\u00a0€",
        "EPCI avec au moins une alerte": fr.nombre(en_alerte),
    }


def note_cooperation(annee: int, demo: bool) -> str:
    """Source des données de coopération."""
    texte = (f"Sources : Caf, enquête flash et déclarations Maia des chargés de coopération ; Insee (enfants de 0 à "
             f"2 ans, populations légales). Année {annee}. Financement estimé = ETP × forfait.")
    return texte + (" Valeurs de démonstration (Charente : ETP réels du document 003)." if demo else "")


def seuils_priorites(priorites: pd.DataFrame) -> tuple[float, float]:
    """Les seuils du nuage de priorités : médianes des EPCI (ETP petite enfance pour 1 000 enfants, % en tension)."""
    x = priorites["etp_pe_pour_1000_enfants_0_2"].fillna(0).median()
    y = priorites["part_communes_en_tension"].median()
    return float(x if x == x else 0), float(y if y == y else 0)


def quadrant_prioritaire(priorites: pd.DataFrame, seuil_x: float, seuil_y: float) -> list[str]:
    """Les EPCI « forte tension, peu de coopération », du plus tendu au moins tendu."""
    q = priorites[(priorites["part_communes_en_tension"] >= seuil_y)
                  & (priorites["etp_pe_pour_1000_enfants_0_2"].fillna(0) <= seuil_x)]
    return list(q.sort_values("part_communes_en_tension", ascending=False)["nom"])


def tableau_priorites(priorites: pd.DataFrame, noms: list[str]) -> pd.DataFrame:
    """Les EPCI du quadrant prioritaire : part des communes en tension, ETP petite enfance pour 1 000 enfants."""
    q = priorites.set_index("nom").loc[noms].reset_index()
    return pd.DataFrame({"EPCI": q["nom"], "Siren": q["code"],
                         "% des communes en tension": q["part_communes_en_tension"].round(1),
                         "ETP petite enfance pour 1 000 enfants 0-2 ans": q["etp_pe_pour_1000_enfants_0_2"].round(2)})
