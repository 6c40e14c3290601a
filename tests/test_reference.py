"""La géographie de référence livrée sous data/reference/ (construite par `python -m portrait build-reference`)."""

import json
from pathlib import Path

import pandas as pd
import pytest

REF = Path(__file__).resolve().parent.parent / "data" / "reference"


def lire(nom):
    return pd.read_parquet(REF / f"{nom}.parquet")


def test_taille_sous_25_mo():
    assert sum(f.stat().st_size for f in REF.glob("*")) < 25e6


def test_communes_2026_101_departements():
    communes = lire("communes")
    assert len(communes) == 34_875  # 34 969 communes actuelles moins les 94 des collectivités d'outre-mer
    assert communes["code"].is_unique
    assert communes["departement"].nunique() == 101
    assert communes["code"].map(type).eq(str).all()
    assert {"01001", "2A004", "2B033", "97411"} <= set(communes["code"])  # zéros et Corse gardés
    pornic = communes.set_index("code").loc["44131"]
    assert (pornic["nom"], pornic["epci"], pornic["departement"], pornic["region"]) == (
        "Pornic", "200067346", "44", "52")


def test_epci():
    epci = lire("epci")
    assert len(epci) == 1255
    pornic = epci.set_index("code").loc["200067346"]
    assert (pornic["nom"], pornic["type"], pornic["departement"], pornic["nb_communes"]) == (
        "CA Pornic Agglo Pays de Retz", "CA", "44", 15)
    membres = lire("epci_membres")
    assert (membres["epci"] == "200067346").sum() == 15


def test_communes_sans_contour_au_plus_0_1_pourcent():
    communes = set(lire("communes")["code"])
    contours = set(lire("contours_communes")["code"])
    sans = sorted(communes - contours)
    print("Communes sans contour :", sans)
    assert len(sans) <= 0.001 * len(communes)
    assert contours <= communes


@pytest.mark.parametrize("nom", ["contours_communes", "contours_epci", "contours_departements"])
def test_contours_geojson_valides(nom):
    shapely = pytest.importorskip("shapely")
    df = lire(nom)
    geoms = shapely.from_geojson(df["geometrie"].tolist())
    assert shapely.is_valid(geoms).all()
    assert not shapely.is_empty(geoms).any()
    assert json.loads(df["geometrie"].iloc[0])["type"] in ("Polygon", "MultiPolygon")


def test_historique_des_populations():
    pop = lire("populations")
    assert sorted(pop["edition"].unique()) == [2021, 2022, 2023, 2024, 2025]
    assert pop.groupby("edition")["population"].sum().between(66e6, 70e6).all()
