"""La ligne de commande telle qu'un nouvel utilisateur la tape (essai en utilisateur) : sous-commandes en français,
erreurs d'argparse en français, un fichier non reconnu qui dit quoi faire, un tube fermé sans trace d'erreur."""

import os
import subprocess
import sys

import pytest

from portrait.surfaces.cli import main as cli
from tests.conftest import RACINE
from tests.test_acces import FICHIER, SOURCES


def test_fichier_non_reconnu_en_tetes_tels_qu_ecrits_et_quoi_faire(donnees, tmp_path, capsys):
    f = tmp_path / "maison.csv"
    f.write_text("Commune (code);Libellé;Millésime\n44001;Alpha;2023\n", encoding="utf-8")
    assert cli(["import", "auto", str(f), "--verifier", "--data-dir", str(donnees)]) == 1
    message = capsys.readouterr().err
    assert message.startswith("maison.csv : source non reconnue. En-têtes lus : Commune (code) ; Libellé ; "
                              "Millésime. ")
    assert "--colonnes code=…,niveau=…,annee=…,<indicateur>=<colonne>" in message
    assert "--profil NOM" in message and "page Données" in message


def test_sous_commandes_imports_en_francais(donnees, capsys):
    assert cli(["import", "auto", str(SOURCES / FICHIER), "--data-dir", str(donnees)]) == 0
    capsys.readouterr()
    assert cli(["imports", "liste", "--data-dir", str(donnees)]) == 0
    ident = capsys.readouterr().out.splitlines()[1].split()[0]
    assert cli(["imports", "annuler", ident, "--data-dir", str(donnees)]) == 0
    assert capsys.readouterr().out.startswith(f"Import {ident} ({FICHIER}) annulé")


@pytest.mark.parametrize("argv, erreur", [
    (["imports", "lister"], "python -m portrait imports : erreur : argument action : « lister » inconnu ; "
                            "choisissez parmi list, liste, rollback, annuler"),
    (["import"], "python -m portrait import : erreur : argument(s) obligatoire(s) manquant(s) : source, fichier"),
    (["tensions", "--territoire", "france", "--annee", "deux"],
     "python -m portrait tensions : erreur : argument --annee : « deux » n'est pas un nombre entier"),
])
def test_erreurs_d_argparse_en_francais(argv, erreur, capsys):
    with pytest.raises(SystemExit):
        cli(argv)
    sortie = capsys.readouterr().err
    assert sortie.startswith("utilisation : python -m portrait") and sortie.rstrip().endswith(erreur)


def test_tube_ferme_sans_trace(donnees):
    # python -m portrait imports list | head -1 : le lecteur ferme le tube avant la fin
    assert cli(["import", "auto", str(SOURCES / FICHIER), "--data-dir", str(donnees)]) == 0
    p = subprocess.Popen([sys.executable, "-m", "portrait", "imports", "list", "--data-dir", str(donnees)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=RACINE,
                         env={**os.environ, "PYTHONPATH": str(RACINE)})
    p.stdout.close()
    erreur = p.stderr.read().decode()
    assert p.wait(timeout=60) == 0 and "Traceback" not in erreur and "BrokenPipe" not in erreur, erreur
