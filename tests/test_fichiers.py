"""Les tables lues dans des fichiers (queries/_fichiers.sql) : la démonstration, remplacée par les imports actifs."""

import duckdb
import pandas as pd
import pytest

from portrait.donnees.connexion import DOSSIER_REQUETES, Chemins, connecter
from portrait.imports import depot, registre
from portrait.regles import cooperation

MESURES_16 = ("select niveau, code, annee, indicateur, valeur, source from mesures where code in ('16001', '16') "
              "and indicateur in ('enfants_0_2', 'naissances', 'places_am', 'taux_couverture') order by all")
DEMO_16 = [
    ("commune", "16001", 2018, "enfants_0_2", 50.0, "demo"),
    ("commune", "16001", 2023, "enfants_0_2", 40.0, "demo"),
    ("commune", "16001", 2023, "places_am", 10.0, "demo"),
    ("departement", "16", 2023, "taux_couverture", 55.5, "caf"),
]
POSTES = "select epci, nom, thematique, etp_valorises, source from cooperation order by all"
POSTES_DEMO = [
    ("200000001", "Anne Durand", "enfance_jeunesse", 0.15, "demo"),
    ("200000001", "Anne Durand", "petite_enfance", 0.5, "demo"),
    ("200000001", "Bruno Petit", "parentalite", 0.3, "demo"),
    ("200000002", "Chloé Roux", "petite_enfance", 1.0, "demo"),
]


def test_avec_imports_remplace_cle_par_cle(tmp_path):
    """La macro seule : la démonstration (un fichier) et les lignes importées en vigueur (une table, recopiée du
    magasin) ; une clé (k) et une valeur (v). Entre imports, le plus récent l'emporte dans le magasin
    (tests/test_lac.py)."""
    demo = str(tmp_path / "demo.parquet")
    pd.DataFrame([("a", 0), ("b", 0), ("c", 0)], columns=["k", "v"]).to_parquet(demo, index=False)
    con = duckdb.connect()
    con.execute((DOSSIER_REQUETES / "_fichiers.sql").read_text(encoding="utf-8"))
    con.execute("create table importees as select * from (values ('a', 2), ('b', 1), ('d', 2)) t(k, v)")
    lignes = con.execute("from avec_imports($demo, 'importees', row(k)) order by k", {"demo": demo}).fetchall()
    assert lignes == [("a", 2), ("b", 1), ("c", 0), ("d", 2)]


def test_avec_imports_un_groupe_entier(tmp_path):
    """Clé (departement, annee) : l'import remplace tous les postes du groupe, même ceux qu'il ne nomme pas."""
    demo = str(tmp_path / "demo.parquet")
    pd.DataFrame([("44", 2023, "p1"), ("44", 2023, "p2"), ("44", 2024, "p3"), ("16", 2023, "p4")],
                 columns=["departement", "annee", "nom"]).to_parquet(demo, index=False)
    con = duckdb.connect()
    con.execute((DOSSIER_REQUETES / "_fichiers.sql").read_text(encoding="utf-8"))
    con.execute("create table importees as select * from (values ('44', 2023, 'nouveau')) t(departement, annee, nom)")
    lignes = con.execute("from avec_imports($demo, 'importees', row(departement, annee)) order by all",
                         {"demo": demo}).fetchall()
    assert lignes == [("16", 2023, "p4"), ("44", 2023, "nouveau"), ("44", 2024, "p3")]


def test_mesures_demo_seule(donnees):
    assert connecter(donnees).execute(MESURES_16).fetchall() == DEMO_16


def test_mesures_un_import_remplace_une_valeur_puis_annulation(donnees, tmp_path):
    f = tmp_path / "m.csv"
    f.write_text("niveau;code;annee;indicateur;valeur\ncommune;16001;2023;enfants_0_2;45\n"
                 "commune;16001;2023;naissances;12\n", encoding="utf-8")
    entree, _ = depot.importer(f, donnees)
    source = f"import:{entree['id']}"
    assert connecter(donnees).execute(MESURES_16).fetchall() == [
        ("commune", "16001", 2018, "enfants_0_2", 50.0, "demo"),
        ("commune", "16001", 2023, "enfants_0_2", 45.0, source),
        ("commune", "16001", 2023, "naissances", 12.0, source),
        ("commune", "16001", 2023, "places_am", 10.0, "demo"),
        ("departement", "16", 2023, "taux_couverture", 55.5, "caf"),
    ]
    registre.annuler(donnees, entree["id"])
    assert connecter(donnees).execute(MESURES_16).fetchall() == DEMO_16


def test_cooperation_un_import_remplace_le_departement_et_l_annee_puis_annulation(donnees, tmp_path):
    assert connecter(donnees).execute(POSTES).fetchall() == POSTES_DEMO
    f = tmp_path / "postes.csv"
    f.write_text("annee;niveau;code;thematique;etp_valorises;nom\n2023;epci;200000002;handicap;0,5;Zoé Test\n",
                 encoding="utf-8")
    entree, _ = depot.importer(f, donnees, source="cooperation")
    # les quatre postes de 2023 en Loire-Atlantique partent, même ceux de CC Test Un que l'import ne nomme pas
    assert connecter(donnees).execute(POSTES).fetchall() == [("200000002", "Zoé Test", "handicap", 0.5, "import")]
    registre.annuler(donnees, entree["id"])
    assert connecter(donnees).execute(POSTES).fetchall() == POSTES_DEMO


def test_sans_aucun_fichier_les_tables_sont_vides_avec_leurs_colonnes(donnees):
    Chemins(donnees).demo.unlink()
    Chemins(donnees).demo_cooperation.unlink()
    con = connecter(donnees)
    assert con.execute("select count(*) from mesures").fetchone() == (0,)
    assert [c[0] for c in con.execute("describe mesures").fetchall()] == [
        "niveau", "code", "annee", "indicateur", "valeur", "source"]
    assert [c[0] for c in con.execute("describe cooperation").fetchall()] == cooperation.COLONNES


@pytest.mark.parametrize("table", ["mesures", "cooperation"])
def test_un_seul_fichier_est_lu_directement(donnees, table):
    """Sans import, la table est la démonstration telle quelle : pas de macro à préparer à chaque lecture."""
    sql = connecter(donnees).execute("select sql from duckdb_views() where view_name = $t", {"t": table}).fetchone()
    assert "remplacer" not in sql[0] and "read_parquet" in sql[0].lower()
