"""La démonstration livrée : calée sur les chiffres 2023 du document 004, toujours étiquetée « demo »."""

from pathlib import Path

import pandas as pd
import pytest

from portrait.donnees import demo, jeux

DEMO = Path(__file__).resolve().parent.parent / "data" / "demo" / "mesures.parquet"

# territoire -> (naissances, enfants 0-2 ans, AM agréées, AM actives, taux de couverture %)
DOCUMENT_004 = {
    "departement:44": (16130, 43670, 8963, 6474, 76.2),
    "epci:200067346": (576, 1633, 433, 295, 76.9),
    "epci:244400586": (258, 800, 189, 136, 84.1),
}


@pytest.mark.parametrize("territoire", DOCUMENT_004)
def test_calage_a_2_pourcent(req_demo, territoire):
    ligne = jeux.portrait_territoire(req_demo, territoire, 2023).iloc[0]
    obtenu = [ligne[i] for i in ("naissances", "enfants_0_2", "am_agreees", "am_actives", "taux_couverture")]
    assert obtenu == pytest.approx(DOCUMENT_004[territoire], rel=0.02)
    assert bool(ligne["demo"])


def test_part_des_0_2_ans_loire_atlantique(req_demo):
    ligne = jeux.portrait_territoire(req_demo, "departement:44", 2023).iloc[0]
    assert ligne["part_enfants_0_2"] == pytest.approx(14, abs=0.5)


def test_toutes_les_communes_tous_les_comptes():
    table = pd.read_parquet(DEMO, columns=["code", "annee", "indicateur", "source"])
    comptes = table[table["source"] == "demo"]
    assert set(comptes["annee"]) == set(range(2016, 2025))
    assert comptes["code"].nunique() == 34_875
    assert comptes.groupby(["annee", "indicateur"]).size().eq(34_875).all()
    assert set(table["source"]) == {"demo", demo.SOURCE_POPULATION}


def test_coherence_des_comptes(req_demo):
    df = req_demo.con.execute("""
        pivot (select code, indicateur, valeur from mesures where annee = 2023 and niveau = 'commune')
        on indicateur using first(valeur)
    """).df()
    assert (df["am_actives"] <= df["am_agreees"]).all()
    ages = df[["am_actives_moins_35", "am_actives_35_49", "am_actives_50_59", "am_actives_60_plus"]].sum(axis=1)
    assert (ages == df["am_actives"]).all()
    assert (df["enfants_0_2_parents_actifs"] <= df["enfants_0_2"]).all()
    ratio = df["enfants_0_2"].sum() / df["naissances"].sum()
    assert 2.5 < ratio < 3.3  # environ trois années de naissances
    taux = 100 * df[list(demo.MODES)].sum(axis=1) / df["enfants_0_2"]
    assert taux[df["enfants_0_2"] >= 30].between(10, 150).mean() > 0.9


def test_generation_deterministe(tmp_path):
    (tmp_path / "reference").symlink_to(DEMO.parent.parent / "reference")
    nouvelle = demo.generer(tmp_path)
    livree = pd.read_parquet(DEMO)
    pd.testing.assert_frame_equal(nouvelle.reset_index(drop=True), livree, check_dtype=False)
