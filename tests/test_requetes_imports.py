"""Le jugement des lignes d'un gros CSV (queries/_import_gros_csv.sql, fichier « _ » que le runner ne charge pas) et
les sauts d'une année à l'autre (rapport.sauts_import), chacun sur sa propre connexion : lignes exactes sur des
tables minuscules."""

import duckdb
import pandas as pd

from portrait.donnees.connexion import DOSSIER_REQUETES
from portrait.imports.rapport import sauts_import


def lancer(tables: dict[str, pd.DataFrame], requete: str, params: dict) -> list[tuple]:
    """La requête sur une connexion neuve qui ne contient que `tables`, ses lignes triées."""
    con = duckdb.connect()
    for nom, table in tables.items():
        con.register(f"{nom}_df", table)
        con.execute(f"create table {nom} as select * from {nom}_df")
    return sorted(con.execute((DOSSIER_REQUETES / requete).read_text(encoding="utf-8"), params).fetchall())


def test_import_gros_csv_dit_simple_ce_que_valider_garderait_sans_un_mot():
    references = {
        "ref_niveaux": pd.DataFrame({"niveau": ["commune", "departement"], "id": [0, 1]}),
        "ref_codes": pd.DataFrame({"niveau": ["commune", "commune", "departement"], "code": ["01001", "44003", "44"],
                                   "id": [0, 1, 2]}),
        "ref_indicateurs": pd.DataFrame({"indicateur": ["naissances", "taux_couverture"], "id": [0, 1],
                                         "minimum": [0.0, 0.0], "maximum": [None, 1000.0], "entier": [True, False],
                                         "usuel_max": [None, 150.0]}),
        "manquantes": pd.DataFrame({"texte": ["", "s", "n.d."]}),
    }
    lues = pd.DataFrame([
        (2, "commune", "44003", "2023", "naissances", "12"),
        (3, "commune", "1001", "2023", "naissances", "1\u202f234"),  # zéro de tête perdu, espace fine
        (4, "commune", "44003", "2023", "taux_couverture", "76,9 %"),
        (5, "commune", "44003", "2023", "naissances", "12,5"),  # un compte entier : non
        (6, "commune", "99999", "2023", "naissances", "3"),  # code inconnu
        (7, "commune", "44003", "1980", "naissances", "3"),  # année hors plage
        (8, "departement", "44", "2023", "naissances", "s"),  # secret : gardé manquant
        (9, "commune", "44003", "2023", "taux_couverture", "180"),  # au-delà de l'usuel : signalé par valider
    ], columns=["numero", "niveau", "code", "annee", "indicateur", "valeur"])
    lignes = lancer({**references, "lignes_lues": lues}, "_import_gros_csv.sql",
                    {"annee_min": 1990, "annee_max": 2026, "valeur_max": 1e15})
    # numero, simple, niveau, code, annee, indicateur, valeur, code_court
    assert lignes == [
        (2, True, 0, 1, 2023, 0, 12.0, False),
        (3, True, 0, 0, 2023, 0, 1234.0, True),
        (4, True, 0, 1, 2023, 1, 76.9, False),
        (5, False, 0, 1, 2023, 0, 12.5, False),
        (6, False, 0, 0, 2023, 0, 3.0, False),
        (7, False, 0, 1, 1980, 0, 3.0, False),
        (8, True, 1, 2, 2023, 0, None, False),
        (9, False, 0, 1, 2023, 1, 180.0, False),
    ]


def test_sauts_dans_le_fichier_et_face_aux_valeurs_deja_la():
    colonnes = ["niveau", "code", "annee", "indicateur", "valeur"]
    nouvelles = pd.DataFrame([
        ("commune", "44003", 2022, "naissances", 40.0), ("commune", "44003", 2023, "naissances", 45.0),
        ("commune", "44001", 2022, "naissances", 5.0), ("commune", "44001", 2023, "naissances", 20.0),
        ("commune", "44002", 2022, "naissances", 7.0), ("commune", "44002", 2023, "naissances", 2.0),
        ("commune", "44002", 2024, "naissances", 9.0),  # sous le plancher (10) : une petite commune, pas signalée
    ], columns=colonnes)
    mesures = pd.DataFrame([
        ("commune", "44003", 2021, "naissances", 10.0),
        ("commune", "44003", 2022, "naissances", 11.0),  # remplacée par le fichier : pas comparée
        ("commune", "44003", 2024, "naissances", 200.0),
        ("commune", "44001", 2021, "places_psu", 1.0),  # autre série que celles du fichier : pas lue
    ], columns=colonnes)
    con = duckdb.connect()
    con.register("mesures", mesures)
    # indicateur, niveau, code, annee, valeur, valeur_avant, avant_deja_la, deja_la, total
    tous = [("naissances", "commune", "44001", 2023, 20.0, 5.0, False, False, 3),
            ("naissances", "commune", "44003", 2022, 40.0, 10.0, True, False, 3),
            ("naissances", "commune", "44003", 2024, 200.0, 45.0, False, True, 3)]
    assert sorted(sauts_import(con, nouvelles, 3.0, 5)) == tous
    # les deux premiers par année, niveau, code, indicateur ; le total compte tous les sauts
    assert sorted(sauts_import(con, nouvelles, 3.0, 2)) == tous[:2]


def test_valeurs_remplacees_cle_entiere_des_valeurs_deja_la():
    """queries/_valeurs_remplacees.sql : chaque valeur déjà là dont le niveau, le code et l'indicateur sont ceux du
    fichier et l'année dans sa plage, sous sa clé entière (((niveau × codes + code) × années + année − min) ×
    indicateurs + indicateur) ; les autres (code, indicateur absents du fichier, année hors plage) n'y sont pas."""
    mesures = pd.DataFrame(
        [("commune", "44003", 2022, "naissances", 10.0), ("commune", "44003", 2023, "taux_couverture", 76.9),
         ("commune", "01001", 2023, "naissances", None), ("departement", "44", 2022, "naissances", 16_134.0),
         ("commune", "99999", 2023, "naissances", 5.0), ("commune", "44003", 2023, "enfants_0_2", 5.0),
         ("commune", "44003", 2021, "naissances", 5.0), ("region", "52", 2022, "naissances", 5.0)],
        columns=["niveau", "code", "annee", "indicateur", "valeur"])
    cles = {  # les valeurs distinctes du fichier, rangées dans l'ordre du texte
        "cles_niveau": pd.DataFrame({"texte": ["commune", "departement"], "rang": [0, 1]}),
        "cles_code": pd.DataFrame({"texte": ["01001", "44", "44003"], "rang": [0, 1, 2]}),
        "cles_indicateur": pd.DataFrame({"texte": ["naissances", "taux_couverture"], "rang": [0, 1]}),
    }
    lignes = lancer({"mesures": mesures, **cles}, "_valeurs_remplacees.sql",
                    {"codes": 3, "annees": 2, "indicateurs": 2, "annee_min": 2022, "annee_max": 2023})
    assert lignes == [
        (((0 * 3 + 0) * 2 + 1) * 2 + 0, None),  # commune 01001, 2023, naissances : manquante
        (((0 * 3 + 2) * 2 + 0) * 2 + 0, 10.0),  # commune 44003, 2022, naissances
        (((0 * 3 + 2) * 2 + 1) * 2 + 1, 76.9),  # commune 44003, 2023, taux_couverture
        (((1 * 3 + 1) * 2 + 0) * 2 + 0, 16_134.0),  # departement 44, 2022, naissances
    ]
