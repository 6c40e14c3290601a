"""Lecteurs des sources réelles (data.caf.fr, Insee) : chacune ramenée à des valeurs (niveau, code, année, indicateur).

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

from portrait.imports.lecture import Tableau
from portrait.imports.mesures import ErreurImport, Ligne, lignes_mesures

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
    """Population par âge Insee (base-ic-evol-struct-pop, par IRIS) additionnée par commune."""
    e = tableau.entetes
    prefixes = sorted({m.group(1) for c in e if (m := re.fullmatch(r"p(\d{2})_pop0002", c))})
    if "com" not in e or not prefixes:
        raise ErreurImport(f"{tableau.nom_fichier} : colonnes attendues : COM et Pxx_POP0002 "
                           "(population par âge Insee).")
    from portrait.imports.lecture import lire_nombre

    sommes: dict[tuple[str, int, str], float | None] = {}
    premiere: dict[tuple[str, int, str], int] = {}
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
                cle = (com, annee, ind)
                premiere.setdefault(cle, numero)
                ancien = sommes.get(cle, 0.0)
                sommes[cle] = None if total is None or ancien is None else ancien + total
    return [Ligne(premiere[(com, a, ind)], "commune", com, str(a), ind, "" if v is None else repr(round(v, 3)))
            for (com, a, ind), v in sommes.items()]


LECTEURS = {"mesures": lignes_mesures, "caf": lignes_caf, "naissances": lignes_naissances,
            "population_age": lignes_population_age}
LIBELLES = {"mesures": "fichier de mesures générique", "caf": "data.caf.fr (taux de couverture ou places)",
            "naissances": "Insee, naissances", "population_age": "Insee, population par âge"}


def detecter(tableau: Tableau) -> str:
    """Reconnaît la source d'un fichier à ses en-têtes."""
    e = tableau.entetes
    if sum(c in e for c in ("niveau", "code", "annee", "indicateur", "valeur")) >= 3:
        return "mesures"  # un fichier de mesures incomplet reçoit le message précis des colonnes manquantes
    if maille(e):
        return "caf"
    if "codgeo" in e and any(re.fullmatch(r"naisd\d{2}", c) for c in e) or ("geo" in e and "obs_value" in e):
        return "naissances"
    if "com" in e and any(re.fullmatch(r"p\d{2}_pop0002", c) for c in e):
        return "population_age"
    raise ErreurImport(f"{tableau.nom_fichier} : source non reconnue. En-têtes lus : {', '.join(e[:12]) or 'aucun'}. "
                       "Sources connues : fichier de mesures (niveau, code, annee, indicateur, valeur), data.caf.fr "
                       "(txcouv_*, nbpla_*), Insee naissances, Insee population par âge.")
