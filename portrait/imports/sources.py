"""Les sources importables, décrites ici seulement (SOURCES) : ce qu'elles sont, leur table, leur lecteur.

Les sources de mesures sont ramenées à des valeurs (niveau, code, année, indicateur) ; les postes de chargés de
coopération (enquête flash, fichier générique) ont leur lecteur dans enquete_flash.py et postes_cooperation.py.

Schémas lus (en-têtes comparés sans casse ni accents) :
- data.caf.fr, taux de couverture `txcouv_pe_{com,epci,dep,nat}` : annee, numcom|numepci|numdep, nom*,
  txcouv_<maille>, txcouv_eaje_<maille>, txcouv_psu_col_<maille>, txcouv_hors_psu_col_<maille>,
  txcouv_prescol_<maille>, txcouv_ind_<maille>, txcouv_am_ind_<maille>, txcouv_gad_ind_<maille> (en %).
- data.caf.fr, places `nbpla_pe_*` : pl_psu_col_, pl_hors_psu_col_, pl_eaje_, pl_prescol_, pl_am_ind_, pl_gad_ind_,
  pl_ind_, tot_offre_ suivis de la maille.
  Pièges : la ligne fictive « XX » / « XXX » est écartée ; `annee` est une date dans le fichier national.
- Insee, naissances `DS_ETAT_CIVIL_NAIS_COMMUNES` : GEO, GEO_OBJECT (COM, DEP, REG, FRANCE), TIME_PERIOD,
  EC_MEASURE, OBS_VALUE ; et l'ancien fichier large `base_naissances` : CODGEO, NAISD16, NAISD17…
- Insee, population par âge `base-ic-evol-struct-pop` (par IRIS) : COM, P21_POP0002, P21_POP0305, P21_POP0610,
  P21_POP1117 ; additionnée par commune (enfants de 0 à 2 et de 0 à 17 ans).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import pandas as pd

from portrait.imports import allocataires, enquete_flash, iris, postes_cooperation
from portrait.imports.lecture import Tableau, lire_nombre
from portrait.imports.rapport import (
    COLONNES_MESURES,
    Contexte,
    ErreurImport,
    Ligne,
    Rapport,
    Referentiel,
    valeurs_remplacees,
    valider,
)

Lecteur = Callable[[Tableau, Contexte], tuple[pd.DataFrame, Rapport]]

MAILLES = {"com": "commune", "epci": "epci", "dep": "departement", "nat": "france"}
CODES_MAILLE = {"com": "numcom", "epci": "numepci", "dep": "numdep"}
FICTIFS = {"XX", "XXX", "XXXXX", "99999"}  # la ligne « XX » des fichiers Cnaf porte une valeur d'apparence réelle
CAF_TAUX = {
    "txcouv": "taux_couverture", "txcouv_eaje": "taux_couverture_eaje", "txcouv_psu_col": "taux_couverture_psu",
    "txcouv_hors_psu_col": "taux_couverture_hors_psu", "txcouv_prescol": "taux_couverture_prescolarisation",
    "txcouv_ind": "taux_couverture_individuel", "txcouv_am_ind": "taux_couverture_am",
    "txcouv_gad_ind": "taux_couverture_garde_domicile",
}
CAF_PLACES = {
    "pl_psu_col": "places_psu", "pl_hors_psu_col": "places_mc_paje", "pl_prescol": "places_prescolarisation",
    "pl_am_ind": "places_am", "pl_gad_ind": "places_garde_domicile", "tot_offre": "places_total",
}
NIVEAUX_INSEE = {"COM": "commune", "ARM": "commune", "DEP": "departement", "REG": "region", "FRANCE": "france",
                 "FRA": "france", "FR": "france"}
MESURES_NAISSANCES = {"LVB", "NAIS", "LIVE_BIRTHS", "BIRTHS"}


def lignes_mesures(tableau: Tableau) -> list[Ligne]:
    """Le fichier générique : une valeur par ligne, colonnes niveau, code, annee, indicateur, valeur."""
    manquantes = [c for c in COLONNES_MESURES if c not in tableau.entetes]
    if manquantes:
        raise ErreurImport(
            f"{tableau.nom_fichier} : colonne(s) absente(s) : {', '.join(manquantes)}. "
            f"La ligne 1 doit porter les en-têtes {', '.join(COLONNES_MESURES)} (séparateur ; ou ,). "
            f"En-têtes lus : {', '.join(tableau.entetes) or 'aucun'}."
        )
    pos = [tableau.entetes.index(c) for c in COLONNES_MESURES]
    sortie = []
    for numero, cellules in zip(tableau.numeros, tableau.lignes):
        valeurs = [cellules[i].strip() if i < len(cellules) else "" for i in pos]
        sortie.append(Ligne(numero, *valeurs))
    return sortie


def maille(entetes: list[str]) -> str | None:
    """La maille d'un fichier Cnaf d'après le suffixe de ses colonnes (txcouv_com, pl_psu_col_epci…)."""
    for m in MAILLES:
        if f"txcouv_{m}" in entetes or f"tot_offre_{m}" in entetes:
            return m
    return None


def lignes_caf(tableau: Tableau) -> list[Ligne]:
    """Fichiers data.caf.fr (taux de couverture ou places) d'une maille : une valeur par colonne connue."""
    m = maille(tableau.entetes)
    if m is None or "annee" not in tableau.entetes:
        raise ErreurImport(f"{tableau.nom_fichier} : ce n'est pas un export data.caf.fr reconnu (il faut « annee » "
                           "et une colonne txcouv_com, txcouv_epci, txcouv_dep, txcouv_nat ou tot_offre_…).")
    col_code = CODES_MAILLE.get(m)
    if col_code and col_code not in tableau.entetes:
        raise ErreurImport(f"{tableau.nom_fichier} : colonne « {col_code} » absente (code du territoire).")
    colonnes = {**CAF_TAUX, **CAF_PLACES}
    pos = {f"{c}_{m}": ind for c, ind in colonnes.items() if f"{c}_{m}" in tableau.entetes}
    i_annee = tableau.entetes.index("annee")
    i_code = tableau.entetes.index(col_code) if col_code else None
    sortie = []
    for numero, cellules in zip(tableau.numeros, tableau.lignes):
        code = cellules[i_code].strip() if i_code is not None and i_code < len(cellules) else "FR"
        if code.upper() in FICTIFS:
            continue
        annee = cellules[i_annee].strip() if i_annee < len(cellules) else ""
        for colonne, ind in pos.items():
            j = tableau.entetes.index(colonne)
            sortie.append(Ligne(numero, MAILLES[m], code, annee, ind, cellules[j] if j < len(cellules) else ""))
    return sortie


def lignes_naissances(tableau: Tableau) -> list[Ligne]:
    """Naissances Insee : export long DS_ETAT_CIVIL_NAIS_COMMUNES, ou ancien fichier large base_naissances."""
    e = tableau.entetes
    sortie = []
    if "codgeo" in e:
        annees = {c: 2000 + int(c[5:]) for c in e if re.fullmatch(r"naisd\d{2}", c)}
        i_code = e.index("codgeo")
        for numero, cellules in zip(tableau.numeros, tableau.lignes):
            for colonne, annee in annees.items():
                j = e.index(colonne)
                sortie.append(Ligne(numero, "commune", cellules[i_code], str(annee), "naissances",
                                    cellules[j] if j < len(cellules) else ""))
        return sortie
    requis = ["geo", "geo_object", "time_period", "obs_value"]
    if any(c not in e for c in requis):
        raise ErreurImport(f"{tableau.nom_fichier} : colonnes attendues pour les naissances Insee : GEO, GEO_OBJECT, "
                           "TIME_PERIOD, OBS_VALUE (ou CODGEO et NAISDxx).")
    i = {c: e.index(c) for c in [*requis, "ec_measure"] if c in e}
    for numero, cellules in zip(tableau.numeros, tableau.lignes):
        def cell(c, cellules=cellules):
            return cellules[i[c]].strip() if c in i and i[c] < len(cellules) else ""
        if "ec_measure" in i and cell("ec_measure").upper() not in MESURES_NAISSANCES:
            continue
        niveau = NIVEAUX_INSEE.get(cell("geo_object").upper())
        if niveau is None:
            continue  # arrondissements, EPCI au sens Insee… : agrégés par l'outil, pas importés
        sortie.append(Ligne(numero, niveau, cell("geo") if niveau != "france" else "FR", cell("time_period"),
                            "naissances", cell("obs_value")))
    return sortie


def lignes_population_age(tableau: Tableau) -> list[Ligne]:
    """Population par âge Insee (base-ic-evol-struct-pop, par IRIS) additionnée par commune (iris.additionner :
    arrondissements ramenés à leur commune, un IRIS secret rend sa commune n.d.)."""
    e = tableau.entetes
    prefixes = sorted({m.group(1) for c in e if (m := re.fullmatch(r"p(\d{2})_pop0002", c))})
    if "com" not in e or not prefixes:
        raise ErreurImport(f"{tableau.nom_fichier} : colonnes attendues : COM et Pxx_POP0002 "
                           "(population par âge Insee).")
    lues: list[tuple[int, str, tuple[int, str], float | None]] = []
    i_com = e.index("com")
    for numero, cellules in zip(tableau.numeros, tableau.lignes):
        com = cellules[i_com].strip() if i_com < len(cellules) else ""
        for p in prefixes:
            annee = 2000 + int(p)
            groupes = {"enfants_0_2": ["0002"], "enfants_0_17": ["0002", "0305", "0610", "1117"]}
            for ind, tranches in groupes.items():
                total = 0.0
                for t in tranches:
                    c = f"p{p}_pop{t}"
                    if c not in e:
                        total = None
                        break
                    try:
                        v = lire_nombre(cellules[e.index(c)] if e.index(c) < len(cellules) else "")
                    except ValueError:
                        v = None
                    total = None if v is None or total is None else total + v
                lues.append((numero, com, (annee, ind), total))
    return [Ligne(numero, "commune", com, str(a), ind, iris.texte(v))
            for (com, (a, ind)), (numero, v) in iris.additionner(lues).items()]


def lecteur_mesures(lignes: Callable[[Tableau], list[Ligne]]) -> Lecteur:
    """Le lecteur d'une source de mesures : ses valeurs, vérifiées par rapport.valider, et combien de valeurs déjà
    présentes elles remplaceront."""
    def lire(tableau: Tableau, contexte: Contexte) -> tuple[pd.DataFrame, Rapport]:
        ref = contexte.referentiel or Referentiel.charger(contexte.chemins)
        df, rapport = valider(lignes(tableau), ref, tableau.nom_fichier, len(tableau.lignes))
        if not rapport.erreurs and contexte.compter_remplacees:
            rapport.valeurs_remplacees = valeurs_remplacees(contexte.chemins, df)
        return df, rapport
    return lire


def sans_correspondance(tableau: Tableau, contexte: Contexte) -> tuple[pd.DataFrame, Rapport]:
    """La source « correspondance » sans correspondance dite (correspondance.py la lui donne) : quoi préciser."""
    raise ErreurImport(f"{tableau.nom_fichier} : dites ce que contient chaque colonne, sur la page Données ou avec "
                       "--colonnes code=COLONNE,niveau=commune,annee=2021,INDICATEUR=COLONNE (ou --profil NOM).")


def est_mesures(e: list[str]) -> bool:
    """Au moins trois des colonnes du fichier générique : un fichier incomplet reçoit le message précis des colonnes
    manquantes plutôt que « source non reconnue »."""
    return sum(c in e for c in COLONNES_MESURES) >= 3


def est_naissances(e: list[str]) -> bool:
    """Naissances Insee : l'ancien fichier large (CODGEO, NAISDxx) ou l'export long (GEO, OBS_VALUE)."""
    return "codgeo" in e and any(re.fullmatch(r"naisd\d{2}", c) for c in e) or ("geo" in e and "obs_value" in e)


def est_population_age(e: list[str]) -> bool:
    """Population par âge Insee : COM et Pxx_POP0002."""
    return "com" in e and any(re.fullmatch(r"p\d{2}_pop0002", c) for c in e)


@dataclass(frozen=True)
class Source:
    """Une sorte de fichier importable, décrite ici seulement : la page Données, la ligne de commande, le dépôt
    (depot.py) et le registre la prennent dans SOURCES."""

    nom: str  # identifiant : choix de la page Données ; sur la ligne de commande, avec des tirets (option)
    libelle: str  # dans le rapport de validation et le registre des imports
    lire: Lecteur  # le fichier lu -> les lignes de la table et le rapport de validation, sans rien écrire
    table: str = "mesures"  # la table que ses lignes remplacent (queries/_fichiers.sql)
    reconnaitre: Callable[[list[str]], bool] | None = None  # d'après les en-têtes (import « auto ») ; sinon à choisir
    titre: str = ""  # dans le choix de la page Données, s'il diffère du libellé
    departement: bool = False  # l'utilisateur dit le département (enquête flash)
    erreurs_bloquantes: bool = True  # une erreur refuse le fichier ; sinon seule la ligne fautive est écartée

    @property
    def option(self) -> str:
        """Le nom de la source sur la ligne de commande (python -m portrait import population-age FICHIER)."""
        return self.nom.replace("_", "-")


SOURCES = {s.nom: s for s in (
    Source("mesures", "fichier de mesures générique", lecteur_mesures(lignes_mesures), reconnaitre=est_mesures),
    Source("caf", "data.caf.fr (taux de couverture ou places)", lecteur_mesures(lignes_caf),
           reconnaitre=lambda e: maille(e) is not None),
    Source("naissances", "Insee, naissances", lecteur_mesures(lignes_naissances), reconnaitre=est_naissances),
    Source("population_age", "Insee, population par âge", lecteur_mesures(lignes_population_age),
           reconnaitre=est_population_age),
    Source("allocataires", "Cnaf, fichier des allocataires (FILEAS / BCA)",
           lambda t, c: lecteur_mesures(partial(allocataires.lignes, annee_donnee=c.annee))(t, c),
           reconnaitre=allocataires.reconnaitre),
    Source("enquete_flash", "enquête flash", enquete_flash.lire, table="cooperation",
           titre="Enquête flash des chargés de coopération", departement=True, erreurs_bloquantes=False),
    Source("cooperation", "postes de chargés de coopération", postes_cooperation.lire, table="cooperation",
           titre="Postes de chargés de coopération (fichier générique)"),
    Source("correspondance", "correspondance de colonnes", sans_correspondance,
           titre="Autre fichier : dire ce que contient chaque colonne"),
)}


def detecter(tableau: Tableau) -> Source:
    """Reconnaît la source d'un fichier à ses en-têtes."""
    for source in SOURCES.values():
        if source.reconnaitre is not None and source.reconnaitre(tableau.entetes):
            return source
    e = tableau.entetes
    raise ErreurImport(f"{tableau.nom_fichier} : source non reconnue. En-têtes lus : {', '.join(e[:12]) or 'aucun'}. "
                       "Sources connues : fichier de mesures (niveau, code, annee, indicateur, valeur), data.caf.fr "
                       "(txcouv_*, nbpla_*), Insee naissances, Insee population par âge, Cnaf allocataires "
                       "(CODGEO, A, PERCOU…).")
