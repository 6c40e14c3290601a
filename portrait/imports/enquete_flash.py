"""Import de l'« enquête flash » des chargés de coopération (document 000) : une réponse par commune et par ligne."""

from __future__ import annotations

import difflib
import re
from datetime import datetime

import pandas as pd

from portrait.imports.lecture import Tableau, lire_nombre
from portrait.imports.rapport import (
    ANNEE_MAX,
    ANNEE_MIN,
    Contexte,
    ErreurImport,
    Rapport,
    motif_annee,
    poste_refuse,
    sans_epci_hors_plage,
)
from portrait.regles import cooperation

# Thématiques des blocs de questions, repérées dans le texte de chaque question (ordre : la plus précise d'abord).
BLOCS = (("petite enfance", "petite_enfance"), ("enfance jeunesse", "enfance_jeunesse"), ("handicap", "handicap"))
# Repérage des questions par leur contenu (texte normalisé : minuscules, sans accents ni ponctuation).
QUESTIONS = (
    ("combien d etp sont ils valorises", "etp_valorises"),
    ("nom du ou des professionnel", "nom"),
    ("intitule de son ou de leur poste", "intitule_poste"),
    ("quel temps de travail", "etp_reels"),
    ("diagnostics", "diagnostic"),
    ("attentes des familles", "attentes_familles"),
    ("demarche associant les habitants", "demarche_habitants"),
    ("assistance et de conseil", "conseil_elus"),
    ("combien de reunions ont elles ete organisees", "reunions_elus"),
    ("comite de pilotage", "copil"),
    ("plan d actions", "plan_actions"),
    ("responsables de la mise en oeuvre", "mise_en_oeuvre"),
    ("transversale", "transversalite"),
    ("suivi des projets", "suivi_projets"),
    ("combien de groupes de travail", "groupes_travail"),
    ("groupes de travail", "anime_groupes"),
    ("combien de reunions de reseau", "reunions_reseau"),
    ("reseau d acteurs", "reseau"),
    ("diffusent ils de l information", "information_habitants"),
    ("participent ils a l evaluation", "evaluation"),
    ("adaptee aux besoins", "offre_adaptee"),
    ("rendant compte annuellement", "compte_rendu_caf"),
)
QUESTION_COMMUNE = "nom de votre commune"
COLONNES_DEBUT = ("heure de debut", "start time", "date de debut")


def normaliser(texte: str) -> str:
    """Texte comparable : minuscules, sans accents, apostrophes ni ponctuation, espaces simples, œ -> oe."""
    return cooperation.sans_accents(str(texte))


def normaliser_commune(nom: str) -> str:
    """« St-Michel-Chef-Chef » et « SAINT MICHEL CHEF CHEF » donnent la même clé."""
    n = normaliser(nom)
    n = re.sub(r"\bste\b", "sainte", re.sub(r"\bst\b", "saint", n))
    return n


def colonnes(entetes_bruts: list[str]) -> dict[int, tuple[str, str]]:
    """Pour chaque colonne de question reconnue : (thématique, champ) ; la commune a pour thématique « »."""
    sortie = {}
    for j, texte in enumerate(entetes_bruts):
        n = normaliser(texte)
        if QUESTION_COMMUNE in n:
            sortie[j] = ("", "commune")
            continue
        bloc = next((t for cle, t in BLOCS if cle in n), None)
        if bloc is None:
            continue
        champ = next((c for cle, c in QUESTIONS if cle in n), None)
        if champ is not None and (bloc, champ) not in sortie.values():
            sortie[j] = (bloc, champ)
    return sortie


def oui_non(texte: str) -> bool | None:
    """« Oui » -> True, « Non » -> False, vide -> None (réponse facultative non donnée)."""
    t = normaliser(texte)
    return True if t == "oui" else (False if t == "non" else None)


def lire(tableau: Tableau, contexte: Contexte) -> tuple[pd.DataFrame, Rapport]:
    """Lit un export de l'enquête (département et, à défaut d'horodatage, année donnés par l'utilisateur) : une ligne
    par commune et thématique dotée d'ETP ; rien n'est écrit."""
    departement, annee = contexte.departement or "", contexte.annee
    if annee is not None:
        verifier_annee(annee, tableau.nom_fichier, "l'année précisée")
    rapport = Rapport(tableau.nom_fichier, lignes_lues=len(tableau.lignes))
    bruts = tableau.entetes_bruts
    cols = colonnes(bruts)
    if ("", "commune") not in cols.values():
        raise ErreurImport(f"{tableau.nom_fichier} : question « Quel est le nom de votre commune ? » introuvable ; "
                           "est-ce bien l'export de l'enquête flash ?")
    j_commune = next(j for j, v in cols.items() if v == ("", "commune"))
    j_debut = next((j for j, t in enumerate(bruts) if normaliser(t) in COLONNES_DEBUT), None)
    communes = pd.read_parquet(contexte.chemins.table("communes"))
    communes = communes[communes["departement"] == departement]
    if communes.empty:
        raise ErreurImport(f"Département « {departement} » inconnu : écrivez son code (16, 44, 2A…).")
    par_nom = {normaliser_commune(n): (c, e) for n, c, e in zip(communes["nom"], communes["code"], communes["epci"])}
    lignes, annees = [], set()
    for numero, cellules in zip(tableau.numeros, tableau.lignes):
        def cell(j, cellules=cellules):
            return cellules[j].strip() if j is not None and j < len(cellules) else ""
        nom_commune = cell(j_commune)
        trouve = par_nom.get(normaliser_commune(nom_commune))
        if trouve is None:
            proches = difflib.get_close_matches(normaliser_commune(nom_commune), list(par_nom), n=3, cutoff=0.6)
            noms = [communes.loc[communes["code"] == par_nom[p][0], "nom"].iloc[0] for p in proches]
            rapport.erreurs.append(f"{tableau.nom_fichier}, ligne {numero} : commune « {nom_commune} » introuvable "
                                   f"dans le département {departement}"
                                   + (f" ; noms proches : {', '.join(noms)}." if noms else ".")
                                   + " Réponse non importée.")
            continue
        if annee is None and cell(j_debut):
            annees.add(int(cell(j_debut)[:4]) if cell(j_debut)[:4].isdigit() else _annee_date(cell(j_debut)))
        code, epci = trouve
        for bloc in {b for b, _ in cols.values() if b}:
            champs = {champ: cell(j) for j, (b, champ) in cols.items() if b == bloc}
            try:
                etp = lire_nombre(champs.get("etp_valorises", ""))
                reels = lire_nombre(champs.get("etp_reels", ""))
            except ValueError:
                rapport.erreurs.append(f"{tableau.nom_fichier}, ligne {numero} : ETP illisible pour {bloc} "
                                       f"(« {champs.get('etp_valorises')} », « {champs.get('etp_reels')} ») ; "
                                       "écrivez 0,5 ou 0.5.")
                continue
            if not etp:
                continue
            ligne = {"departement": departement, "niveau": "commune", "code": code, "epci": epci,
                     "employeur": nom_commune, "intitule_poste": champs.get("intitule_poste", ""),
                     "nom": champs.get("nom", ""), "thematique": bloc, "etp_valorises": etp,
                     "etp_reels": reels if reels is not None else etp, "cof_signee": None}
            for q in cooperation.QUESTIONS_OUI_NON:
                ligne[q] = oui_non(champs.get(q, ""))
            for c in cooperation.COMPTES_ACTIVITE:
                try:
                    ligne[c] = lire_nombre(champs.get(c, ""))
                except ValueError:
                    ligne[c] = None
            if poste_refuse(f"{tableau.nom_fichier}, ligne {numero} ({bloc})", ligne, rapport):
                continue  # ETP −5 ou 1 000 000, COPIL négatif : la réponse de ce bloc est refusée
            ligne.update({c: int(ligne[c]) if ligne[c] is not None else None for c in cooperation.COMPTES_ACTIVITE})
            lignes.append(ligne)
    if annee is None:
        if len(annees) > 1:
            raise ErreurImport(f"{tableau.nom_fichier} : réponses de plusieurs années ({sorted(annees)}) ; "
                               "précisez --annee.")
        annee = annees.pop() if annees else None
        if annee is None:
            raise ErreurImport(f"{tableau.nom_fichier} : pas d'horodatage des réponses ; précisez --annee.")
        verifier_annee(annee, tableau.nom_fichier, "l'année des réponses (horodatage)")
    df = pd.DataFrame(lignes).assign(annee=annee, source="enquete-flash")
    df = sans_epci_hors_plage(df.reindex(columns=cooperation.COLONNES), rapport)
    rapport.lignes_gardees = len(df)
    rapport.annees = [annee]
    rapport.indicateurs = sorted(cooperation.THEMATIQUES[t] for t in df["thematique"].dropna().unique())
    return df, rapport


def verifier_annee(annee: float, nom_fichier: str, quoi: str) -> None:
    """Refuse une année des réponses hors de la plage des autres années (entière, de 1990 à l'année en cours) :
    la même règle que les fichiers de mesures (rapport.motif_annee), pour la ligne de commande et la page Données."""
    if refus := motif_annee(annee):
        raise ErreurImport(f"{nom_fichier} : {quoi}, {annee:g}, est refusée ({refus}) ; les réponses doivent "
                           f"dater d'une année de {ANNEE_MIN} à {ANNEE_MAX} (--annee {ANNEE_MAX - 1}, par "
                           "exemple). Rien n'a été importé.")


def _annee_date(texte: str) -> int:
    """Année d'un horodatage « 15/09/2024 10:32:00 »."""
    m = re.search(r"(19|20)\d{2}", texte)
    return int(m.group(0)) if m else datetime.now().year
