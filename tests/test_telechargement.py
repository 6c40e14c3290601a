"""`python -m portrait fetch caf` : testé sur des réponses enregistrées, jamais sur le réseau."""

import io
import time
import urllib.error
from pathlib import Path

from portrait.imports import telechargement
from portrait.surfaces.cli import main

SOURCES = Path(__file__).parent / "sources"
REPONSES = {"txcouv_pe_com": SOURCES / "txcouv_pe_com.csv", "nbpla_pe_dep": SOURCES / "nbpla_pe_dep.csv",
            "txcouv_pe_nat": SOURCES / "txcouv_pe_nat.csv"}


class Reponse(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def portail_enregistre(url, timeout):
    jeu = url.split("/datasets/")[1].split("/")[0]
    assert "refine=annee%3A2023" in url and timeout == telechargement.DELAI
    return Reponse(REPONSES[jeu].read_bytes())


def test_fetch_telecharge_et_importe(donnees, monkeypatch, capsys):
    monkeypatch.setattr(telechargement, "JEUX", ("txcouv_pe_{maille}",))
    monkeypatch.setattr("urllib.request.urlopen", portail_enregistre)
    assert main(["fetch", "caf", "--annee", "2023", "--maille", "com", "nat", "--data-dir", str(donnees)]) == 0
    sortie = capsys.readouterr().out
    assert sortie.count("enregistré") == 2
    dossier = donnees / "imports" / "telechargements"
    assert sorted(f.name for f in dossier.iterdir()) == ["txcouv_pe_com_2023.csv", "txcouv_pe_nat_2023.csv"]
    for jeu in ("txcouv_pe_com", "txcouv_pe_nat"):  # gardés tels que le portail les a envoyés
        assert (dossier / f"{jeu}_2023.csv").read_bytes() == REPONSES[jeu].read_bytes()
    # puis importés : le taux publié de Gamma l'emporte sur le calcul
    from portrait.donnees.connexion import connecter
    from portrait.donnees.jeux import portrait_territoire
    from portrait.donnees.requetes import Requetes

    assert portrait_territoire(Requetes(connecter(donnees)), "commune:44003", 2023).iloc[0]["taux_couverture"] == 91.2


def test_fetch_hors_ligne_echoue_tout_de_suite(donnees, monkeypatch, capsys):
    def hors_ligne(url, timeout):
        raise urllib.error.URLError("Temporary failure in name resolution")

    monkeypatch.setattr("urllib.request.urlopen", hors_ligne)
    debut = time.time()
    assert main(["fetch", "caf", "--annee", "2023", "--data-dir", str(donnees)]) == 3
    assert time.time() - debut < 2
    erreur = capsys.readouterr().err
    assert "data.caf.fr injoignable" in erreur and "python -m portrait import caf FICHIER" in erreur
