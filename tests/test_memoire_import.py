"""Mémoire bornée d'un gros import (issue 16, § 1) : le chemin pris, pas un chronomètre. Le pic lui-même (≤ 5 × le
fichier de 2 millions de lignes) est mesuré par le banc (`python -m bench --mode imports_hostiles`)."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from portrait.donnees import lac
from portrait.imports import depot, gros_csv, registre
from portrait.imports.rapport import Referentiel

RACINE = Path(__file__).resolve().parent.parent
CODES = ("44001", "44002", "44003", "85001", "16001")
INDICATEURS = ("naissances", "places_psu", "places_am", "enfants_0_2")


def csv_propre(chemin: Path) -> Path:
    """Un fichier de mesures sans un défaut : chaque ligne est « simple » pour _import_gros_csv.sql."""
    lignes = [f"commune;{c};{a};{i};{(k * 7) % 97 + 1}" for k, (a, i, c) in enumerate(
        (a, i, c) for a in range(1995, 2024) for i in INDICATEURS for c in CODES)]
    chemin.write_text("niveau;code;annee;indicateur;valeur\n" + "\n".join(lignes) + "\n", encoding="utf-8")
    return chemin


def test_gros_csv_sans_objet_python_par_cellule(donnees, monkeypatch, tmp_path):
    """Un gros CSV propre passe tout entier en colonnes : aucune ligne rendue une à une à Python (rapport.Ligne),
    le référentiel sans les parents des communes (15 Mo d'objets pour 35 000 communes), et le magasin reçoit des
    colonnes de catégories et de nombres, pas des objets Python ; ses Parquet s'écrivent par petits groupes de
    lignes (l'écrivain garde un groupe en mémoire). Gardien contre un retour du chemin ligne à ligne, qui coûtait
    40 × la taille du fichier."""
    fichier = csv_propre(tmp_path / "gros.csv")
    monkeypatch.setattr(depot, "SEUIL_MORCEAUX", 0)
    monkeypatch.setattr(depot, "TAILLE_MORCEAU", 50)
    en_colonnes, une_a_une, recu = [], [], []
    monkeypatch.setattr(gros_csv, "valider_gros_csv", lambda *a, f=gros_csv.valider_gros_csv: en_colonnes.append(1)
                        or f(*a))
    monkeypatch.setattr(gros_csv, "Ligne", lambda *a, f=gros_csv.Ligne: une_a_une.append(a) or f(*a))
    monkeypatch.setattr(Referentiel, "parents", property(lambda self: pytest.fail("parents lus pour des mesures")))
    monkeypatch.setattr(registre, "enregistrer", lambda racine, table, lignes, *a, f=registre.enregistrer:
                        recu.append(lignes.dtypes.to_dict()) or f(racine, table, lignes, *a))

    entree, rapport = depot.importer(fichier, donnees)

    assert (rapport.lignes_lues, rapport.lignes_gardees, rapport.erreurs) == (580, 580, [])
    assert en_colonnes == [1] and une_a_une == []
    assert recu == [{"niveau": "category", "code": "category", "annee": "int16", "indicateur": "category",
                     "valeur": "float64"}]
    with lac.magasin(registre.config(donnees)) as m:
        options = dict(m.con.execute("select option_name, value from lac.options()").fetchall())
        assert options["parquet_row_group_size"] == str(lac.LIGNES_PAR_GROUPE)
        assert len(m.lire("mesures")) == 580
    assert entree["lignes_gardees"] == 580


def test_import_en_ligne_de_commande_sans_streamlit(donnees, tmp_path):
    """`python -m portrait import` ne charge ni Streamlit ni Plotly (les options des filtres de tension, lues par
    surfaces/url.py, ne servent qu'aux commandes des vues) : 45 Mo de moins au pic d'un import. Avant : chargés."""
    fichier = csv_propre(tmp_path / "mesures.csv")
    script = ("import sys\nfrom portrait.surfaces.cli import main\n"
              f"code = main(['import', 'auto', {str(fichier)!r}, '--data-dir', {str(donnees)!r}])\n"
              "print(code, sorted({m.split('.')[0] for m in sys.modules} & {'streamlit', 'plotly'}))")
    sortie = subprocess.run([sys.executable, "-c", script], cwd=RACINE, capture_output=True, text=True, check=True)
    assert sortie.stdout.strip().splitlines()[-1] == "0 []", sortie.stdout + sortie.stderr
    assert not pd.isna(registre.liste(donnees)["lignes_gardees"].iloc[0])


def test_catalogue_d_avant_recoit_les_groupes_reduits(tmp_path):
    """Un magasin créé avant le réglage (sans parquet_row_group_size) le reçoit à sa prochaine ouverture, sans
    version nouvelle dans son historique."""
    config = lac.Config(tmp_path)
    with lac.ouvrir(config) as m:
        m.con.execute(f"delete from {lac.METADONNEES}.ducklake_metadata where key = 'parquet_row_group_size'")
        versions = len(m.historique())
    with lac.ouvrir(config) as m:
        options = dict(m.con.execute("select option_name, value from lac.options()").fetchall())
        assert options["parquet_row_group_size"] == str(lac.LIGNES_PAR_GROUPE)
        assert len(m.historique()) == versions
