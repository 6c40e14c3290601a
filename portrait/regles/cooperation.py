"""Chargés de coopération CTG : règles du référentiel CAF, alertes par EPCI."""

from __future__ import annotations

import unicodedata

import pandas as pd

FORFAIT_ETP = 24_000  # € par ETP et par an (référentiel de la CAF Touraine, circulaire Cnaf)
SEUIL_AFFECTATION = 0.2  # ETP minimum par affectation
THEMATIQUES = {
    "petite_enfance": "Petite enfance",
    "enfance_jeunesse": "Enfance / jeunesse",
    "parentalite": "Parentalité",
    "avs_logement_acces_droits": "AVS, logement, accès aux droits",
    "handicap": "Handicap",
    "transversal": "Transversal",
}
OBLIGATOIRES = ("petite_enfance", "enfance_jeunesse", "parentalite")  # thématiques obligatoires d'une CTG
ALERTES = {
    "etp_inferieur_0_2": "affectation de moins de 0,2 ETP",
    "thematique_obligatoire_sans_etp": "thématique obligatoire sans ETP",
    "etp_reel_inferieur_valorise": "ETP réels sous les ETP valorisés",
    "sans_copil": "aucun COPIL dans l'année",
    "sans_cof": "convention d'objectifs et de financement non signée",
}
QUESTIONS_OUI_NON = {
    "diagnostic": "conduit ou coordonne des diagnostics",
    "attentes_familles": "identifie les attentes des familles",
    "demarche_habitants": "démarche associant les habitants",
    "conseil_elus": "assistance et conseil aux élus",
    "plan_actions": "contribue au plan d'actions",
    "mise_en_oeuvre": "responsable de la mise en œuvre",
    "transversalite": "agit de manière transversale",
    "suivi_projets": "suit les projets du plan d'actions",
    "anime_groupes": "anime des groupes de travail",
    "reseau": "anime ou participe à un réseau",
    "information_habitants": "informe les habitants",
    "evaluation": "participe à l'évaluation",
    "offre_adaptee": "veille à l'adaptation de l'offre",
    "compte_rendu_caf": "rend compte à la Caf",
}
COMPTES_ACTIVITE = {
    "reunions_elus": "réunions avec les élus",
    "copil": "participations au COPIL",
    "groupes_travail": "groupes de travail",
    "reunions_reseau": "réunions de réseau",
}
COLONNES = ["annee", "departement", "niveau", "code", "epci", "employeur", "intitule_poste", "nom", "thematique",
            "etp_valorises", "etp_reels", "cof_signee", *COMPTES_ACTIVITE, *QUESTIONS_OUI_NON, "source"]

def sans_accents(texte: str) -> str:
    """Minuscules sans accents ni ponctuation : « Cœur de Charente » -> « coeur de charente »."""
    t = unicodedata.normalize("NFKD", texte.replace("œ", "oe").replace("Œ", "Oe")).encode("ascii", "ignore").decode()
    return " ".join("".join(c if c.isalnum() else " " for c in t.lower()).split())


def alertes_postes(postes: pd.DataFrame) -> pd.DataFrame:
    """Les alertes de chaque EPCI d'après ses postes (une ligne par personne et thématique)."""
    par_epci = postes.groupby("epci")
    sortie = pd.DataFrame(index=pd.Index(postes["epci"].unique(), name="epci"))
    sortie["etp_inferieur_0_2"] = par_epci["etp_valorises"].apply(lambda s: bool((s < SEUIL_AFFECTATION).any()))
    thematiques = par_epci.apply(lambda g: set(g.loc[g["etp_valorises"] > 0, "thematique"]), include_groups=False)
    sortie["thematique_obligatoire_sans_etp"] = thematiques.map(lambda t: not set(OBLIGATOIRES) <= t)
    sortie["etp_reel_inferieur_valorise"] = par_epci.apply(
        lambda g: bool(g["etp_reels"].sum() < g["etp_valorises"].sum() - 1e-9), include_groups=False)
    sortie["sans_copil"] = par_epci["copil"].apply(lambda s: bool(s.fillna(0).sum() == 0))
    # une COF inconnue (l'enquête flash ne la demande pas) ne lève pas d'alerte : seule une COF « non » compte
    sortie["sans_cof"] = par_epci["cof_signee"].apply(lambda s: bool((s.astype(object) == False).any()))  # noqa: E712
    return sortie


def liste_alertes(ligne: pd.Series) -> str:
    """Les identifiants des alertes levées, séparés par « | » (sortie de la ligne de commande)."""
    return "|".join(a for a in ALERTES if bool(ligne.get(a, False)))


def synthese_epci(postes: pd.DataFrame, epci: pd.DataFrame, forfait: float = FORFAIT_ETP) -> pd.DataFrame:
    """Une ligne par EPCI : ETP par thématique, total, ETP pour 1 000 enfants de 0 à 2 ans et pour 10 000 habitants,
    financement estimé, alertes. `epci` : code, nom, enfants_0_2, population (tous les EPCI, même sans poste)."""
    etp = postes.pivot_table(index="epci", columns="thematique", values="etp_valorises", aggfunc="sum")
    etp = etp.reindex(columns=list(THEMATIQUES)).fillna(0.0)
    etp.columns = [f"etp_{t}" for t in etp.columns]
    sortie = epci.set_index("code").join(etp)
    colonnes_etp = [f"etp_{t}" for t in THEMATIQUES]
    sortie[colonnes_etp] = sortie[colonnes_etp].fillna(0.0)
    sortie["etp_total"] = sortie[colonnes_etp].sum(axis=1)
    sortie["etp_pour_1000_enfants_0_2"] = 1000 * sortie["etp_total"] / sortie["enfants_0_2"].where(
        sortie["enfants_0_2"] > 0)
    sortie["etp_pe_pour_1000_enfants_0_2"] = 1000 * sortie["etp_petite_enfance"] / sortie["enfants_0_2"].where(
        sortie["enfants_0_2"] > 0)
    sortie["etp_pour_10000_habitants"] = 10000 * sortie["etp_total"] / sortie["population"].where(
        sortie["population"] > 0)
    sortie["financement_estime"] = sortie["etp_total"] * forfait
    alertes = alertes_postes(postes) if len(postes) else pd.DataFrame(columns=list(ALERTES))
    sortie = sortie.join(alertes)
    sortie[list(ALERTES)] = sortie[list(ALERTES)].astype("boolean").fillna(False).astype(bool)
    sortie["sans_poste"] = sortie["etp_total"] == 0
    sortie["alertes"] = sortie.apply(liste_alertes, axis=1)
    return sortie.reset_index(names="code")


def resume_enquete(postes: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Part de « Oui » de chaque question par thématique, et distribution des comptes de réunions."""
    oui = postes.groupby("thematique")[list(QUESTIONS_OUI_NON)].mean().mul(100)
    oui = oui.rename(columns=QUESTIONS_OUI_NON).T
    oui = oui[[t for t in THEMATIQUES if t in oui.columns]].rename(columns=THEMATIQUES)
    comptes = postes.melt(id_vars=["thematique"], value_vars=list(COMPTES_ACTIVITE), var_name="activite",
                          value_name="nombre")
    comptes["activite"] = comptes["activite"].map(COMPTES_ACTIVITE)
    comptes["thematique"] = comptes["thematique"].map(THEMATIQUES)
    return oui.reset_index(names="question"), comptes


def masquer_noms(postes: pd.DataFrame) -> pd.Series:
    """« Chargé·e de coopération 1, 2… » à la place des noms (donnée personnelle), dans l'ordre d'apparition."""
    numeros = {n: i + 1 for i, n in enumerate(dict.fromkeys(postes["nom"]))}
    return postes["nom"].map(lambda n: f"Chargé·e de coopération {numeros[n]}")


# Valeurs plausibles d'un poste importé (enquête flash, fichier générique) ; la démonstration les respecte
ETP_POSTE_MAX = 1.5  # ETP d'une affectation (une personne, une thématique) : un temps plein et heures en plus
ETP_EPCI_MAX = 300.0  # ETP d'un EPCI pour une année : la Métropole du Grand Paris en compte environ 215


def refus_poste(ligne: dict, annee_min: int, annee_max: int) -> list[tuple[str, str]]:
    """Les valeurs hors plage d'un poste lu : (motif, phrase) ; vide si tout est plausible. ETP de 0 à 1,5, année
    entière de `annee_min` à `annee_max`, comptes de réunions (COPIL…) entiers positifs."""
    refus = []
    annee = ligne.get("annee")
    if annee is not None and not float(annee).is_integer():
        refus.append(("année non entière", f"année {annee:g} non entière"))
    elif annee is not None and not annee_min <= annee <= annee_max:
        refus.append((f"année hors de {annee_min} à {annee_max}", f"année {annee:g} hors de {annee_min} à {annee_max}"))
    for champ in ("etp_valorises", "etp_reels"):
        v = ligne.get(champ)
        if v is not None and not 0 <= v <= ETP_POSTE_MAX:
            refus.append((f"{champ} hors de 0 à 1,5", f"{champ} {v:g} hors de 0 à 1,5 ETP par poste"))
    for champ in COMPTES_ACTIVITE:
        v = ligne.get(champ)
        if v is not None and not (v >= 0 and float(v).is_integer()):
            refus.append((f"{champ} négatif ou non entier", f"{champ} {v:g} : un nombre de réunions entier, 0 ou plus"))
    return refus


def epci_hors_plage(postes: pd.DataFrame) -> pd.Series:
    """Les ETP valorisés des EPCI et années au-delà du maximum (index : annee, epci)."""
    if postes.empty:
        return pd.Series(dtype=float)
    totaux = postes.groupby(["annee", "epci"])["etp_valorises"].sum()
    return totaux[totaux > ETP_EPCI_MAX]
