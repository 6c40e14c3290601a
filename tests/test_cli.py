"""La ligne de commande `python -m portrait`."""

import io
import json
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pandas as pd
import pytest

from portrait.regles import catalogue
from portrait.surfaces.cli import main

RACINE = Path(__file__).resolve().parent.parent


def lancer(*args) -> tuple[int, str, str]:
    sortie, erreur = io.StringIO(), io.StringIO()
    with redirect_stdout(sortie), redirect_stderr(erreur):
        code = main(list(args))
    return code, sortie.getvalue(), erreur.getvalue()


def test_tensions_pornic_agglo_sur_la_demo():
    """Le « fini quand » de la fondation : les 15 communes de Pornic Agglo, puis l'EPCI et la Loire-Atlantique."""
    res = subprocess.run([sys.executable, "-m", "portrait", "tensions", "--territoire", "epci:200067346",
                          "--annee", "2023", "--format", "csv", "--tout-voir"], capture_output=True, text=True,
                         cwd=RACINE, check=True)
    df = pd.read_csv(io.StringIO(res.stdout), dtype={"code": str})
    assert list(df.columns) == ["niveau", "code", "nom", *catalogue.INDICATEURS_TENSION, "criteres_remplis",
                                "en_tension"]
    assert list(df["niveau"]) == ["commune"] * 15 + ["epci", "departement"]
    assert "Pornic" in set(df["nom"]) and "Préfailles" in set(df["nom"])
    assert list(df["nom"].tail(2)) == ["CA Pornic Agglo Pays de Retz", "Loire-Atlantique"]
    assert df.iloc[-2]["taux_couverture"] == pytest.approx(76.9, abs=0.1)


def test_tensions_texte_a_la_francaise(donnees):
    code, sortie, _ = lancer("tensions", "--territoire", "epci:200000001", "--annee", "2023",
                             "--data-dir", str(donnees))
    assert code == 0
    assert "Alpha" in sortie and "+10\u00a0%" in sortie and "45,5\u00a0%" in sortie


def test_tensions_json(donnees):
    code, sortie, _ = lancer("tensions", "--territoire", "epci:200000001", "--annee", "2023", "--format", "json",
                             "--data-dir", str(donnees))
    lignes = json.loads(sortie)
    # les lignes du tableau de la page : la commune en tension (Alpha), puis l'EPCI et le département
    assert [ligne["code"] for ligne in lignes] == ["44001", "200000001", "44"]
    assert lignes[0]["taux_couverture"] == pytest.approx(100 * 50 / 110)  # point décimal, nombre réel
    assert (lignes[0]["criteres_remplis"], lignes[0]["en_tension"]) == (2, True)
    code, sortie, _ = lancer("tensions", "--territoire", "epci:200000001", "--annee", "2023", "--format", "json",
                             "--tout-voir", "--data-dir", str(donnees))
    assert [ligne["code"] for ligne in json.loads(sortie)] == ["44001", "44002", "200000001", "44"]


def test_portrait_csv_une_colonne_par_indicateur(donnees):
    code, sortie, _ = lancer("portrait", "--territoire", "commune:16001", "--annee", "2023", "--format", "csv",
                             "--data-dir", str(donnees))
    df = pd.read_csv(io.StringIO(sortie), dtype={"code": str})
    assert list(df.columns) == ["niveau", "code", "nom", *catalogue.PAR_ID]
    assert list(df["niveau"]) == ["commune", "epci", "departement", "france"]
    assert df.loc[2, "taux_couverture"] == 55.5
    assert pd.isna(df.loc[0, "part_am_60_plus"])


def test_territoire_inconnu(donnees):
    code, _, erreur = lancer("portrait", "--territoire", "epci:123", "--data-dir", str(donnees))
    assert code == 2 and "inconnu" in erreur


def test_import_puis_liste_puis_annulation(donnees, tmp_path):
    f = tmp_path / "m.csv"
    f.write_text("niveau;code;annee;indicateur;valeur\ncommune;16001;2023;naissances;3\n", encoding="utf-8")
    code, sortie, _ = lancer("import", "mesures", str(f), "--data-dir", str(donnees))
    assert code == 0 and "Lignes lues : 1" in sortie
    ident = sortie.split("Import ")[-1].split(" ")[0]
    code, sortie, _ = lancer("imports", "list", "--data-dir", str(donnees))
    assert ident in sortie and "m.csv" in sortie
    code, sortie, _ = lancer("imports", "rollback", ident, "--data-dir", str(donnees))
    assert code == 0 and "annulé" in sortie


def test_import_refuse_code_retour_1(donnees, tmp_path):
    f = tmp_path / "faux.csv"
    f.write_text("niveau;code;annee;indicateur;valeur\ncommune;16001;2023;naissances;abc\n", encoding="utf-8")
    code, _, erreur = lancer("import", "mesures", str(f), "--data-dir", str(donnees))
    assert code == 1 and "faux.csv, ligne 2" in erreur
