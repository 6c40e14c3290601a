"""La ligne de commande `python -m portrait`."""

import io
import json
import re
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pandas as pd
import pytest

from portrait.donnees.connexion import Chemins
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
    titre, decompte, vide, _, *lignes = sortie.splitlines()
    assert (titre, vide) == ("Identification des tensions, CC Test Un, 2023", "")
    assert decompte == ("1 commune sur 2 en tension. Filtres : évolution des 0-2 ans ≥ +5\u00a0%, AM de 60 ans et "
                        "plus ≥ 15\u00a0%, parents actifs ≥ 75\u00a0%, couverture sous la valeur du département ; en "
                        "tension = au moins 2 critères.")
    # Alpha seule en tension, puis l'EPCI et le département ; nombres à la française (colonnes alignées par des
    # espaces ordinaires, les espaces des nombres sont insécables)
    assert [re.split(" +", ligne.strip()) for ligne in lignes] == [
        ["Alpha", "Commune", "44001", "1\u202f000", "+10\u00a0%", "10,0\u00a0%", "72,7\u00a0%", "45,5\u00a0%", "2", "/",
         "4", "oui"],
        ["CC", "Test", "Un", "EPCI", "200000001", "5\u202f000", "\u22123\u00a0%", "20,0\u00a0%", "58,6\u00a0%",
         "58,6\u00a0%"],
        ["Loire-Atlantique", "Département", "44", "17\u202f000", "+3\u00a0%", "15,0\u00a0%", "67,7\u00a0%",
         "66,1\u00a0%"]]


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
    code, sortie, erreur = lancer("portrait", "--territoire", "epci:123", "--data-dir", str(donnees))
    assert (code, sortie) == (2, "")
    assert erreur == "Territoire « epci:123 » inconnu de la géographie 2026 (codes Insee, Siren des EPCI).\n"


def test_import_puis_liste_puis_annulation(donnees, tmp_path):
    f = tmp_path / "m.csv"
    f.write_text("niveau;code;annee;indicateur;valeur\ncommune;16001;2023;naissances;3\n", encoding="utf-8")
    code, sortie, _ = lancer("import", "mesures", str(f), "--data-dir", str(donnees))
    assert code == 0
    *rapport, enregistre, annulation = sortie.splitlines()
    assert rapport == ["Fichier : m.csv (fichier de mesures générique)",
                       "Lignes lues : 1 ; valeurs gardées : 1 ; erreurs : 0", "Années : 2023",
                       "Niveaux : commune", "Indicateurs : naissances (1 valeur)",
                       "Valeurs existantes remplacées : 0"]
    ident = re.fullmatch(r"Import (\S+) enregistré\.", enregistre)[1]
    assert annulation == f"Pour l'annuler : python -m portrait imports rollback {ident}"
    assert naissances_delta(donnees) == 3
    code, sortie, _ = lancer("imports", "list", "--data-dir", str(donnees))
    entete, liste = sortie.splitlines()
    assert entete.split() == ["id", "date", "type", "fichier_source", "lignes_lues", "lignes_gardees", "actif"]
    assert liste.split()[0] == ident and liste.split()[-4:] == ["m.csv", "1", "1", "True"]
    code, sortie, _ = lancer("imports", "rollback", ident, "--data-dir", str(donnees))
    assert (code, sortie) == (0, f"Import {ident} (m.csv) annulé ; ses valeurs ne sont plus lues.\n")
    assert pd.isna(naissances_delta(donnees))  # de nouveau n.d.


def naissances_delta(donnees) -> float:
    """Les naissances 2023 de Delta (16001), relues sur l'état courant des données."""
    from portrait.donnees.connexion import connecter
    from portrait.donnees.jeux import portrait_territoire
    from portrait.donnees.requetes import Requetes

    return portrait_territoire(Requetes(connecter(donnees)), "commune:16001", 2023).iloc[0]["naissances"]


def test_import_refuse_code_retour_1(donnees, tmp_path):
    f = tmp_path / "faux.csv"
    f.write_text("niveau;code;annee;indicateur;valeur\ncommune;16001;2023;naissances;abc\n", encoding="utf-8")
    code, _, erreur = lancer("import", "mesures", str(f), "--data-dir", str(donnees))
    assert code == 1
    assert erreur.splitlines()[0] == "Import refusé, rien n'a été écrit."
    assert erreur.splitlines()[-1] == ("Erreur : faux.csv, ligne 2 : valeur « abc » illisible ; écrivez un nombre "
                                       "(1234,5 ou 1 234,5), ou laissez vide si elle est secrète.")
    assert not Chemins(donnees).lac.exists()


def test_fiche_message_a_la_francaise(donnees, tmp_path, monkeypatch):
    """« Fiche PDF écrite : … (1,5 Mo, 2,0 s) » : la taille et la durée à la française (avant : « 1.5 Mo, 2.0 s »)."""
    from portrait.surfaces import fiche

    monkeypatch.setattr(fiche, "fiche", lambda *a, **k: b"x" * 1_500_000)
    horloge = iter([100.0, 102.0])
    monkeypatch.setattr("portrait.surfaces.cli.time.time", lambda: next(horloge))
    sortie = tmp_path / "fiche.pdf"
    code, texte, _ = lancer("fiche", "--territoire", "epci:200000001", "--annee", "2023", "--format", "pdf",
                            "--out", str(sortie), "--data-dir", str(donnees))
    assert code == 0
    assert texte == f"Fiche PDF écrite : {sortie} (1,5 Mo, 2,0 s).\n"
