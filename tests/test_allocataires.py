"""Le fichier des allocataires de la Cnaf (par commune ou par IRIS) et la règle IRIS -> commune partagée avec la
population par âge de l'Insee (arrondissements de Paris, Lyon et Marseille ramenés à leur commune)."""

from pathlib import Path

import pandas as pd
import pytest

from portrait.imports import depot

SOURCES = Path(__file__).parent / "sources"


def valeurs(df):
    return {(r.niveau, r.code, r.annee, r.indicateur): r.valeur for r in df.itertuples()}


def avec_paris(donnees: Path) -> Path:
    """Le jeu minuscule et Paris (75056), pour les arrondissements municipaux."""
    ref = donnees / "reference"
    ajouts = {
        "communes": {"code": "75056", "nom": "Paris", "departement": "75", "region": "11", "epci": None,
                     "population": 2_100_000},
        "departements": {"code": "75", "nom": "Paris", "region": "11"},
        "regions": {"code": "11", "nom": "Île-de-France"},
    }
    for table, ligne in ajouts.items():
        df = pd.read_parquet(ref / f"{table}.parquet")
        pd.concat([df, pd.DataFrame([ligne])], ignore_index=True).to_parquet(ref / f"{table}.parquet", index=False)
    return donnees


def test_population_par_age_arrondissements_de_paris(donnees, tmp_path):
    f = tmp_path / "base-ic-evol-struct-pop-2021.csv"
    f.write_text("IRIS;COM;TYP_IRIS;P21_POP0002;P21_POP0305;P21_POP0610;P21_POP1117\n"
                 "751010101;75101;H;10;20;30;40\n751020201;75102;H;5;5;5;5\n440010000;44001;Z;60;80;100;120\n",
                 encoding="utf-8")
    df, rapport = depot.verifier(f, avec_paris(donnees))
    assert not rapport.erreurs
    v = valeurs(df)
    assert v[("commune", "75056", 2021, "enfants_0_2")] == 15
    assert v[("commune", "75056", 2021, "enfants_0_17")] == 120
    assert v[("commune", "44001", 2021, "enfants_0_2")] == 60


@pytest.mark.parametrize("code, commune", [
    ("751010101", "75056"), ("75120", "75056"), ("693810101", "69123"), ("69389", "69123"),
    ("132010101", "13055"), ("13216", "13055"), ("13217", "13217"),  # 13217 : une commune, pas un arrondissement
    ("2A0040101", "2A004"), ("2b033", "2B033"), ("440010000", "44001"), ("10010000", "01001"), ("1001", "01001"),
])
def test_iris_et_arrondissements_ramenes_a_la_commune(code, commune):
    from portrait.imports import iris
    assert iris.commune(code) == commune


def test_iris_secret_rend_la_commune_nd():
    from portrait.imports import iris
    sommes = iris.additionner([(2, "440010001", "a", 10.0), (3, "440010002", "a", None), (4, "440010003", "a", 5.0),
                               (5, "440020000", "a", 7.0)])
    assert sommes == {("44001", "a"): (2, None), ("44002", "a"): (5, 7.0)}
