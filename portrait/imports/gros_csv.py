"""Un gros CSV de mesures validé en colonnes (DuckDB) : les valeurs et les phrases de rapport.valider, sans un objet
Python par cellule du fichier entier.

Le fichier est relu au fil de l'eau (lecture.morceaux_csv, sources.lignes_mesures : mêmes cellules, mêmes numéros de
ligne, tout encodage) et réécrit dans un CSV temporaire en UTF-8 (numero;niveau;code;annee;indicateur;valeur) ; une
requête juge chaque ligne (queries/_import_gros_csv.sql). Les lignes « simples » (valides sans un mot) restent en
colonnes ; les autres, et celles dont la clé revient, repassent par rapport.verifier_lignes, qui écrit leurs phrases.
"""

from __future__ import annotations

import csv
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from operator import itemgetter
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from portrait.donnees.connexion import DOSSIER_REQUETES
from portrait.imports.lecture import VALEURS_MANQUANTES, Tableau
from portrait.imports.rapport import (
    ANNEE_MAX,
    ANNEE_MIN,
    COLONNES_MESURES,
    ErreurImport,
    Ligne,
    Rapport,
    Referentiel,
    conclure,
    verifier_lignes,
)
from portrait.imports.registre import PREFIXE_TEMPORAIRE, message_ecriture, nettoyer_temporaires
from portrait.imports.sources import lignes_mesures
from portrait.regles import catalogue

MEMOIRE_DUCKDB = "48MB"  # au-delà, DuckDB passe sur le disque (dossier temporaire de l'import)
LIGNES_PAR_LOT = 16_384  # lignes jugées rendues à Python à la fois
VALEUR_MAX = 1e12  # lecture.lire_nombre refuse un nombre plus grand
SQL = DOSSIER_REQUETES / "_import_gros_csv.sql"
TYPES = {"numero": np.int32, "niveau": np.int8, "code": np.int32, "annee": np.int16, "indicateur": np.int16,
         "valeur": np.float64, "code_court": np.bool_}  # les colonnes des lignes simples


@contextmanager
def dossier_temporaire():
    """Un dossier temporaire effacé à la sortie, même sur une erreur ; celui d'un processus tué l'est à la
    validation suivante (nettoyer_temporaires)."""
    nettoyer_temporaires()
    dossier = Path(tempfile.mkdtemp(prefix=f"{PREFIXE_TEMPORAIRE}{os.getpid()}-"))
    try:
        yield dossier
    finally:
        shutil.rmtree(dossier, ignore_errors=True)


def valider_gros_csv(tableaux: Iterable[Tableau], ref: Referentiel, nom_fichier: str) -> tuple[pd.DataFrame, Rapport]:
    """Comme rapport.valider sur les lignes de tous les morceaux (mêmes valeurs dans le même ordre, mêmes phrases),
    en colonnes : sans garder d'objet Python par cellule."""
    with dossier_temporaire() as dossier:
        fichier = dossier / "lignes.csv"
        try:
            lues = _reecrire(tableaux, fichier)
        except OSError as e:  # disque temporaire plein : une phrase, rien d'écrit dans les données
            raise ErreurImport(message_ecriture(e, dossier, 2 * fichier.stat().st_size if fichier.exists() else 0)
                               ) from None
        try:
            with _connexion(dossier, fichier, ref) as con:  # fermée après : sa mémoire rendue avant les clés
                simples, autres = _juger(con, ref, lues)
            simples, autres = _sans_doubles(simples, autres, ref)
            with _connexion(dossier, fichier, ref) as con:
                while True:  # les lignes qui ne sont pas d'emblée valides : ligne à ligne, phrases de valider
                    rapport = Rapport(nom_fichier, lignes_lues=lues)
                    gardees, vues = verifier_lignes(_lignes(con, autres), ref, nom_fichier, rapport)
                    croisees = _croisees(simples, vues, ref)
                    if not croisees.any():
                        break
                    autres = np.union1d(autres, simples["numero"][croisees])  # même clé qu'une simple : ensemble
                    simples = {c: v[~croisees] for c, v in simples.items()}
        except duckdb.Error as e:  # disque temporaire plein pendant la requête, le plus souvent
            raise ErreurImport(f"{nom_fichier} : validation du fichier impossible ({type(e).__name__}) ; vérifiez "
                               f"la place libre dans {dossier.parent}, puis recommencez. Rien n'a été écrit.") from None
    rapport.valeurs_manquantes += int(np.isnan(simples["valeur"]).sum())
    lignes = _rassembler(simples, gardees, list(vues.values()), ref)
    del simples, gardees, vues
    return conclure(lignes, rapport, fusions=fusions_possibles(lignes))


def _reecrire(tableaux: Iterable[Tableau], fichier: Path) -> int:
    """Réécrit les cellules lues (sources.lignes_mesures) en CSV UTF-8 numéroté ; rend le nombre de lignes lues."""
    lues = 0
    with open(fichier, "w", encoding="utf-8", newline="") as f:
        ecrivain = csv.writer(f, delimiter=";", lineterminator="\n")
        ecrivain.writerow(["numero", *COLONNES_MESURES])
        for tableau in tableaux:
            lues += len(tableau.lignes)
            ecrivain.writerows(_cellules(tableau))
    return lues


def _cellules(tableau: Tableau) -> Iterator[list]:
    """Numéro et cellules de chaque ligne, comme sources.lignes_mesures (qui vérifie les en-têtes, phrase d'une
    colonne absente comprise) mais sans un objet Ligne par ligne : la moitié du temps d'un gros fichier."""
    lignes_mesures(replace(tableau, lignes=[], numeros=[]))
    pos = [tableau.entetes.index(c) for c in COLONNES_MESURES]
    prendre, complet = itemgetter(*pos), max(pos) + 1
    for numero, cellules in zip(tableau.numeros, tableau.lignes):
        if len(cellules) >= complet:
            yield [numero, *(c.strip() for c in prendre(cellules))]
        else:
            yield [numero, *(cellules[i].strip() if i < len(cellules) else "" for i in pos)]


def _litteral(chemin: Path) -> str:
    """Le chemin en littéral SQL, `*`, `?` et `[` entre crochets : read_csv le lit comme un motif."""
    return "'" + "".join(f"[{c}]" if c in "*?[" else c for c in str(chemin)).replace("'", "''") + "'"


def _references(ref: Referentiel) -> dict[str, pd.DataFrame]:
    """Les tables de référence de la requête : niveaux, codes (leur id : rang dans `_categories_codes`),
    indicateurs importables et leurs plages, écritures d'une valeur manquante."""
    codes = _categories_codes(ref)
    rang = {c: i for i, c in enumerate(codes)}
    plages = {i: catalogue.plage(i) for i in _indicateurs()}
    return {
        "ref_niveaux": pd.DataFrame({"niveau": list(catalogue.NIVEAUX), "id": range(len(catalogue.NIVEAUX))}),
        "ref_codes": pd.DataFrame([(n, c, rang[c]) for n in catalogue.NIVEAUX for c in ref.codes[n]],
                                  columns=["niveau", "code", "id"]),
        "ref_indicateurs": pd.DataFrame(
            [(i, j, p.minimum, p.maximum, p.entier, p.usuel_max) for j, (i, p) in enumerate(plages.items())],
            columns=["indicateur", "id", "minimum", "maximum", "entier", "usuel_max"]).astype(
                {"maximum": "float64", "usuel_max": "float64"}),
        "manquantes": pd.DataFrame({"texte": sorted(VALEURS_MANQUANTES)}),
    }


def _categories_codes(ref: Referentiel) -> list[str]:
    """Tous les codes connus, triés, sans doublon (un département et une région peuvent avoir le même code)."""
    return sorted(set().union(*ref.codes.values()))


def _indicateurs() -> list[str]:
    """Les indicateurs importables, triés (l'ordre des avertissements par indicateur de rapport.valider)."""
    return sorted(i.id for i in catalogue.CATALOGUE if i.nature != "evolution")


def _connexion(dossier: Path, fichier: Path, ref: Referentiel) -> duckdb.DuckDBPyConnection:
    """Une connexion DuckDB à mémoire bornée (un fil, le reste sur le disque, la mémoire libérée rendue au système
    au-delà de la limite) et ses tables."""
    con = duckdb.connect()
    con.execute(f"set threads = 1; set enable_progress_bar = false; set memory_limit = '{MEMOIRE_DUCKDB}'; "
                f"set allocator_flush_threshold = '{MEMOIRE_DUCKDB}'; "
                f"set temp_directory = {_litteral(dossier / 'duckdb')}")
    for nom, table in _references(ref).items():
        con.register(f"{nom}_df", table)
        con.execute(f"create table {nom} as select * from {nom}_df")
        con.unregister(f"{nom}_df")
    con.execute(f"""create view lignes_lues as select * from read_csv({_litteral(fichier)}, header = true,
        delim = ';', quote = '"', escape = '"', auto_detect = false, new_line = '\\n',
        max_line_size = 1048576, buffer_size = 4194304,
        columns = {{'numero': 'INTEGER', 'niveau': 'VARCHAR', 'code': 'VARCHAR', 'annee': 'VARCHAR',
                   'indicateur': 'VARCHAR', 'valeur': 'VARCHAR'}})""")
    return con


def _juger(con: duckdb.DuckDBPyConnection, ref: Referentiel, lues: int) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Les lignes simples en colonnes (ids, année, valeur), et les numéros des autres. Colonnes remplies en place
    (`lues` lignes au plus) : pas de copie de tout le fichier."""
    # execute puis lecteur : le résultat vient par lots ; con.sql(…).to_arrow_reader le calculerait d'abord tout
    # entier en mémoire (2 millions de lignes : + 350 Mo et cinq fois le temps)
    lots = con.execute(SQL.read_text(encoding="utf-8"),
                       {"annee_min": ANNEE_MIN, "annee_max": ANNEE_MAX, "valeur_max": VALEUR_MAX}
                       ).to_arrow_reader(LIGNES_PAR_LOT)
    simples = {c: np.empty(lues, dtype=t) for c, t in TYPES.items()}
    autres, n = [], 0
    for lot in lots:
        simple = lot.column("simple").to_numpy(zero_copy_only=False)
        k = int(simple.sum())
        for c in TYPES:
            simples[c][n:n + k] = lot.column(c).to_numpy(zero_copy_only=False)[simple]
        autres.append(lot.column("numero").to_numpy(zero_copy_only=False)[~simple])
        n += k
    return {c: v[:n] for c, v in simples.items()}, np.concatenate(autres)


def _sans_doubles(simples: dict[str, np.ndarray], autres: np.ndarray,
                  ref: Referentiel) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Une clé qui revient parmi les lignes simples les envoie toutes avec les autres (le doublon se dit ligne à
    ligne) ; après la fermeture de la connexion, pour que sa mémoire et celle des clés ne s'additionnent pas."""
    doubles = _doubles(_cles(simples, ref))
    autres = np.union1d(np.concatenate([autres, simples["numero"][doubles]]), []).astype(np.int64)
    return ({c: v[~doubles] for c, v in simples.items()} if doubles.any() else simples), autres


def _cles(colonnes: dict[str, np.ndarray], ref: Referentiel) -> np.ndarray:
    """La clé de doublon de rapport.valider (niveau, code, année, indicateur, code écrit) en un entier : le code
    écrit d'une ligne simple est le code connu, ou lui sans son zéro de tête (code_court)."""
    cle = colonnes["niveau"].astype(np.int64)
    for c, n in (("code", len(_categories_codes(ref))), ("annee", ANNEE_MAX + 1), ("indicateur", len(_indicateurs())),
                 ("code_court", 2)):
        cle *= n  # en place : pas de copie de la clé à chaque colonne
        cle += colonnes[c]
    return cle


def _doubles(cle: np.ndarray) -> np.ndarray:
    """Chaque ligne dont la clé revient (toutes, la première comprise)."""
    ordre = np.argsort(cle, kind="stable")
    cle = cle[ordre]
    egales = cle[1:] == cle[:-1]
    doubles = np.zeros(len(cle), dtype=bool)
    del cle
    doubles[ordre[1:][egales]] = True
    doubles[ordre[:-1][egales]] = True
    return doubles


def _lignes(con: duckdb.DuckDBPyConnection, numeros: np.ndarray) -> Iterator[Ligne]:
    """Les lignes de ces numéros, telles que lues, dans l'ordre du fichier."""
    con.register("autres", pa.table({"numero": pa.array(numeros, pa.int32())}))
    curseur = con.execute("select l.* from lignes_lues as l semi join autres using (numero) order by numero")
    while lot := curseur.fetchmany(LIGNES_PAR_LOT):
        for numero, *cellules in lot:
            yield Ligne(numero, *(c or "" for c in cellules))
    con.unregister("autres")


def _croisees(simples: dict[str, np.ndarray], vues: dict[tuple, int], ref: Referentiel) -> np.ndarray:
    """Les lignes simples de même clé qu'une ligne gardée par verifier_lignes (elles doivent y passer ensemble)."""
    ids = _ids(ref)
    cles = []
    for niveau, code, annee, ind, ecrit in vues:
        if niveau in ids["niveau"] and code in ids["code"] and ind in ids["indicateur"] and ecrit in (code, code[1:]):
            cles.append((ids["niveau"][niveau], ids["code"][code], annee, ids["indicateur"][ind], ecrit != code))
    if not cles:
        return np.zeros(len(simples["numero"]), dtype=bool)
    colonnes = dict(zip(("niveau", "code", "annee", "indicateur", "code_court"), np.array(cles, dtype=np.int64).T))
    return np.isin(_cles(simples, ref), _cles(colonnes, ref))


def _ids(ref: Referentiel) -> dict[str, dict[str, int]]:
    """Le rang de chaque niveau, code et indicateur dans les tables de la requête."""
    return {"niveau": {n: i for i, n in enumerate(catalogue.NIVEAUX)},
            "code": {c: i for i, c in enumerate(_categories_codes(ref))},
            "indicateur": {c: i for i, c in enumerate(_indicateurs())}}


def _rassembler(simples: dict[str, np.ndarray], gardees: list[tuple], numeros: list[int],
                ref: Referentiel) -> pd.DataFrame:
    """Les lignes simples et celles gardées ligne à ligne, dans l'ordre du fichier, colonnes de texte en catégories
    (un code par valeur, pas un objet Python) ; sans copie quand seules des lignes simples, déjà en ordre, restent."""
    ids = _ids(ref)
    colonnes = {c: simples[c] for c in ("niveau", "code", "annee", "indicateur", "valeur")}
    if gardees:
        autres = list(zip(*gardees))
        ajouts = {"niveau": [ids["niveau"][n] for n in autres[0]], "code": [ids["code"][c] for c in autres[1]],
                  "annee": autres[2], "indicateur": [ids["indicateur"][i] for i in autres[3]],
                  "valeur": np.array(autres[4], dtype=float)}
        colonnes = {c: np.concatenate([v, np.asarray(ajouts[c], dtype=v.dtype)]) for c, v in colonnes.items()}
    numero = np.concatenate([simples["numero"], np.asarray(numeros, dtype=np.int32)]) if numeros \
        else simples["numero"]
    if not (numero[1:] >= numero[:-1]).all():
        ordre = np.argsort(numero, kind="stable")
        colonnes = {c: v[ordre] for c, v in colonnes.items()}
    categories = {"niveau": list(catalogue.NIVEAUX), "code": _categories_codes(ref), "indicateur": _indicateurs()}
    return pd.DataFrame({c: pd.Categorical.from_codes(v, categories=pd.Index(categories[c], dtype="str"))
                         if c in categories else v
                         for c, v in colonnes.items()}, copy=False)


def fusions_possibles(df: pd.DataFrame) -> bool:
    """Vrai si une clé (niveau, code, année, indicateur) revient : rapport.regrouper_fusions a alors à faire."""
    cle = df["niveau"].cat.codes.to_numpy().astype(np.int64)
    for c, n in (("code", len(df["code"].cat.categories)), ("annee", ANNEE_MAX + 1),
                 ("indicateur", len(df["indicateur"].cat.categories))):
        cle *= n
        cle += df[c].cat.codes.to_numpy() if c != "annee" else df[c].to_numpy()
    return bool(_doubles(cle).any())
