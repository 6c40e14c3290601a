"""Lecteurs des sources réelles, sur de petits fichiers au format des exports data.caf.fr et Insee (tests/sources/)."""

from pathlib import Path

import pandas as pd
import pytest

from portrait.donnees.connexion import connecter
from portrait.donnees.jeux import portrait_territoire
from portrait.donnees.requetes import Requetes
from portrait.imports import depot, registre
from portrait.imports.rapport import ErreurImport

SOURCES = Path(__file__).parent / "sources"


def valeurs(df):
    return {(r.niveau, r.code, r.annee, r.indicateur): r.valeur for r in df.itertuples()}


def test_caf_taux_communes_latin1_ligne_fictive_ecartee(donnees):
    df, rapport = depot.verifier(SOURCES / "txcouv_pe_com.csv", donnees)
    assert rapport.source.startswith("data.caf.fr")
    v = valeurs(df)
    assert v[("commune", "44003", 2023, "taux_couverture")] == 91.2
    assert v[("commune", "44003", 2023, "taux_couverture_am")] == 45.0
    assert pd.isna(v[("commune", "44003", 2022, "taux_couverture_psu")])  # « s » : secret, reste manquant
    assert not any(code == "XX" for _, code, _, _ in v)
    assert rapport.lignes_lues == 3 and not rapport.erreurs  # la ligne « XX » est lue puis écartée


def test_caf_places_departement_et_national_date(donnees):
    df, _ = depot.verifier(SOURCES / "nbpla_pe_dep.csv", donnees)
    v = valeurs(df)
    assert v[("departement", "44", 2023, "places_psu")] == 10567
    assert v[("departement", "44", 2023, "places_total")] == 33270
    assert len(df) == 6  # la ligne « XXX » est écartée
    df, _ = depot.verifier(SOURCES / "txcouv_pe_nat.csv", donnees)
    assert valeurs(df)[("france", "FR", 2021, "taux_couverture")] == 59.8


def test_naissances_insee_long_avec_commune_fusionnee(donnees):
    df, rapport = depot.verifier(SOURCES / "DS_ETAT_CIVIL_NAIS_COMMUNES.csv", donnees)
    assert valeurs(df) == {  # décès (DTH) ignorés
        ("commune", "44001", 2023, "naissances"): 12, ("commune", "44002", 2023, "naissances"): 10,  # 44099 + 44002
        ("departement", "44", 2023, "naissances"): 16130, ("commune", "44001", 2022, "naissances"): 11}
    assert rapport.inconnus == {"commune 44099": "fusionnée, reportée sur la commune actuelle 44002"}
    assert rapport.ecartees == {"EC_MEASURE « DTH » : autre mesure que LVB, NAIS, LIVE_BIRTHS, BIRTHS": 1}


def test_naissances_insee_ancien_fichier_large(donnees):
    df, _ = depot.verifier(SOURCES / "base_naissances.csv", donnees)
    v = valeurs(df)
    assert v[("commune", "44001", 2021, "naissances")] == 10
    assert pd.isna(v[("commune", "16001", 2022, "naissances")])


def test_population_par_age_additionnee_par_commune(donnees):
    df, _ = depot.verifier(SOURCES / "base-ic-evol-struct-pop-2021.csv", donnees)
    v = valeurs(df)
    assert v[("commune", "44001", 2021, "enfants_0_2")] == pytest.approx(100.5)
    assert v[("commune", "44001", 2021, "enfants_0_17")] == pytest.approx(500.5)
    assert pd.isna(v[("commune", "16001", 2021, "enfants_0_2")])


def test_source_inconnue(donnees, tmp_path):
    f = tmp_path / "autre.csv"
    f.write_text("a;b\n1;2\n", encoding="utf-8")
    with pytest.raises(ErreurImport, match="source non reconnue"):
        depot.verifier(f, donnees)


def test_import_caf_remplace_la_demo_puis_annulation(donnees):
    avant = portrait_territoire(Requetes(connecter(donnees)), "commune:44003", 2023).iloc[0]
    assert bool(avant["demo"])
    entree, _ = depot.importer(SOURCES / "txcouv_pe_com.csv", donnees)
    apres = portrait_territoire(Requetes(connecter(donnees)), "commune:44003", 2023).iloc[0]
    assert apres["taux_couverture"] == 91.2
    assert entree["type"].startswith("data.caf.fr")
    registre.annuler(donnees, entree["id"])
    assert portrait_territoire(Requetes(connecter(donnees)), "commune:44003", 2023).iloc[0]["taux_couverture"] == \
        pytest.approx(avant["taux_couverture"])
