"""Chargés de coopération CTG : règles du référentiel CAF, alertes par EPCI, démonstration calée sur la Cnaf."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from portrait.donnees.connexion import SOURCE_DEMO, Chemins

FORFAIT_ETP = 24_000  # € par ETP et par an (référentiel de la CAF Touraine, circulaire Cnaf)
SEUIL_AFFECTATION = 0.2  # ETP minimum par affectation
ETP_NATIONAL_2023 = 4_227  # ETP financés fin 2023 (circulaire Cnaf, fiche 1)
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

# CAF de la Charente, 2021 (document 003) : ETP contractualisés par EPCI, 14,75 ETP en tout.
CHARENTE_DOCUMENT_003 = {
    "grand angouleme": 2.5, "rochefoucauld": 1.5, "lavalette": 1.5, "4b": 1.0, "val de charente": 1.0,
    "coeur de charente": 1.0, "rouillacais": 0.75, "grand cognac": 4.0, "charente limousine": 1.5,
}
PRENOMS = ["Camille", "Claire", "Julien", "Sophie", "Nicolas", "Aurélie", "Thomas", "Élodie", "Karim", "Nadia",
           "Mathieu", "Laure", "Sébastien", "Inès", "Yann", "Céline"]
NOMS = ["Martin", "Bernard", "Moreau", "Laurent", "Garnier", "Rousseau", "Fontaine", "Chevalier", "Robin",
        "Mercier", "Blanc", "Guérin", "Boyer", "Perrin", "Morel", "Girard"]


def sans_accents(texte: str) -> str:
    """Minuscules sans accents ni ponctuation : « Cœur de Charente » -> « coeur de charente »."""
    t = unicodedata.normalize("NFKD", texte.replace("œ", "oe").replace("Œ", "Oe")).encode("ascii", "ignore").decode()
    return " ".join("".join(c if c.isalnum() else " " for c in t.lower()).split())


def etp_charente(epci: pd.DataFrame) -> dict[str, float]:
    """Les ETP réels du document 003 pour les EPCI de la Charente, retrouvés par leur nom."""
    sortie = {}
    for code, nom in zip(epci["code"], epci["nom"]):
        n = sans_accents(nom)
        for cle, etp in CHARENTE_DOCUMENT_003.items():
            if cle in n:
                sortie[code] = etp
    return sortie


def generer_demo(racine: Path, annees: tuple[int, ...] = (2023, 2024), graine: int = 4227) -> pd.DataFrame:
    """Postes de démonstration pour chaque EPCI de France, environ 4 227 ETP ; la Charente du document 003."""
    chemins = Chemins(racine)
    epci = pd.read_parquet(chemins.table("epci")).sort_values("code").reset_index(drop=True)
    rng = np.random.default_rng(graine)
    poids = epci["population"].astype(float) ** 0.8
    couverts = rng.random(len(epci)) > 0.1  # un EPCI sur dix sans chargé de coopération
    totaux = np.where(couverts, poids / poids[couverts].sum() * ETP_NATIONAL_2023, 0.0)
    reels_charente = etp_charente(epci[epci["departement"] == "16"])
    autres_16 = (epci["departement"] == "16") & ~epci["code"].isin(reels_charente)
    totaux = np.where(autres_16, 0.0, totaux)
    lignes = []
    for i, e in epci.iterrows():
        total = reels_charente.get(e["code"], round(totaux[i] * 4) / 4)
        if total <= 0:
            continue
        n_postes = int(min(max(1, round(total / 0.8)), 8))
        cof = bool(rng.random() < 0.93)  # une convention d'objectifs et de financement par EPCI
        parts = rng.dirichlet(np.ones(n_postes)) * total
        parts = np.maximum(np.round(parts * 20) / 20, 0.25)
        if n_postes > 1 and rng.random() < 0.12:
            parts[0] = 0.15  # une petite affectation, sous le minimum du référentiel
        parts = np.round(parts * total / parts.sum(), 2)
        parts[-1] = round(total - parts[:-1].sum(), 2)  # la somme tombe juste (document 003 pour la Charente)
        for j, etp in enumerate(parts):
            thematique = rng.choice(list(THEMATIQUES), p=[0.34, 0.3, 0.14, 0.08, 0.04, 0.10])
            for annee in annees:
                reel = etp * (1 if rng.random() > 0.2 else rng.uniform(0.6, 0.95))
                oui = {q: bool(rng.random() < p) for q, p in zip(QUESTIONS_OUI_NON, np.linspace(0.95, 0.55, 14))}
                lignes.append({
                    "annee": annee, "departement": e["departement"], "niveau": "epci", "code": e["code"],
                    "epci": e["code"], "employeur": e["nom"], "intitule_poste": f"Chargé·e de coopération CTG "
                    f"{THEMATIQUES[thematique].lower()}", "nom": f"{PRENOMS[(i + j) % 16]} {NOMS[(3 * i + j) % 16]}",
                    "thematique": thematique, "etp_valorises": round(float(etp), 2), "etp_reels": round(float(reel), 2),
                    "cof_signee": cof, "reunions_elus": int(rng.poisson(4)),
                    "copil": int(rng.poisson(1.6)), "groupes_travail": int(rng.poisson(3)),
                    "reunions_reseau": int(rng.poisson(5)), **oui, "source": SOURCE_DEMO,
                })
    table = pd.DataFrame(lignes, columns=COLONNES)
    chemins.demo.parent.mkdir(parents=True, exist_ok=True)
    table.to_parquet(chemins.racine / "demo" / "cooperation.parquet", index=False, compression="zstd")
    return table


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
