"""Un seul chemin d'un fichier vers les données (portrait/imports/depot.py), pour la page Données et la ligne de
commande ; leurs sorties en français."""

import io
import json
import re
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pandas as pd

from portrait.donnees.connexion import Chemins
from portrait.imports import depot, registre
from portrait.surfaces.cli import main, sortie_table
from tests.conftest import ouvrir_page

SOURCES = Path(__file__).parent / "sources"


def lancer(*args) -> tuple[int, str, str]:
    sortie, erreur = io.StringIO(), io.StringIO()
    with redirect_stdout(sortie), redirect_stderr(erreur):
        code = main([str(a) for a in args])
    return code, sortie.getvalue(), erreur.getvalue()


def test_la_page_et_la_ligne_de_commande_passent_par_le_meme_depot(donnees, monkeypatch):
    appels = []
    lire = depot.lire  # la page garde ce qu'elle a lu (cache.depot_lu) ; la ligne de commande passe par verifier

    def espion(fichier, *args, **kwargs):
        appels.append(Path(fichier).name)
        return lire(fichier, *args, **kwargs)

    monkeypatch.setattr(depot, "lire", espion)
    fichier = SOURCES / "txcouv_pe_com.csv"
    page = ouvrir_page(donnees, monkeypatch, "pages/donnees.py", "commune:44003")
    page.file_uploader(key="fichier").upload(fichier.name, fichier.read_bytes(), "text/csv").run()
    code, sortie, _ = lancer("import", "auto", fichier, "--verifier", "--data-dir", donnees)
    assert appels == ["txcouv_pe_com.csv", "txcouv_pe_com.csv"]
    assert code == 0 and sortie == page.code[0].value + "\n"
    assert "Lignes lues : 3 ; valeurs gardées : 16 ; erreurs : 0" in sortie
    assert not Chemins(donnees).lac.exists()  # vérifier n'écrit rien


def test_verifier_des_postes_de_cooperation_n_importe_rien(donnees, tmp_path):
    """`import cooperation --verifier` importait le fichier : l'option n'était lue que pour les mesures."""
    f = tmp_path / "postes.csv"
    f.write_text("annee;niveau;code;thematique;etp_valorises\n2023;epci;200000002;handicap;0,5\n", encoding="utf-8")
    code, sortie, _ = lancer("import", "cooperation", f, "--verifier", "--data-dir", donnees)
    assert code == 0 and "Fichier : postes.csv (postes de chargés de coopération)" in sortie
    assert not Chemins(donnees).lac.exists()


def test_import_en_ligne_de_commande_puis_liste_et_annulation(donnees, tmp_path):
    f = tmp_path / "postes.csv"
    f.write_text("annee;niveau;code;thematique;etp_valorises\n2023;epci;200000002;handicap;0,5\n", encoding="utf-8")
    code, sortie, _ = lancer("import", "cooperation", f, "--data-dir", donnees)
    ident = registre.liste(donnees)["id"].iloc[0]
    assert code == 0
    assert (f"Import {ident} enregistré : il remplace les chargés de coopération du département 44 en 2023.\n"
            f"Pour l'annuler : python -m portrait imports rollback {ident}") in sortie
    code, sortie, _ = lancer("imports", "list", "--data-dir", donnees)
    assert ident in sortie and "postes de chargés de coopération" in sortie
    assert lancer("imports", "rollback", ident, "--data-dir", donnees)[0] == 0


def test_enquete_flash_sans_departement(donnees, tmp_path):
    f = tmp_path / "enquete.csv"
    f.write_text("a;b\n1;2\n", encoding="utf-8")
    code, _, erreur = lancer("import", "enquete-flash", f, "--data-dir", donnees)
    assert code == 2 and "Précisez le département de l'enquête : --departement 44." in erreur


def test_page_enquete_flash_propose_le_departement_du_territoire(donnees, monkeypatch):
    """Sur un EPCI, la page proposait « 20 », les deux premiers chiffres du Siren."""
    page = ouvrir_page(donnees, monkeypatch, "pages/donnees.py", "epci:200000001")
    page.selectbox(key="source").set_value("enquete_flash").run()
    assert page.text_input(key="departement_enquete").value == "44"


def test_sortie_texte_a_la_francaise():
    """Les ETP s'écrivaient « 1.13 » et le financement « 27120.0 » ; les formats machine gardent leur point."""
    df = pd.DataFrame({"code": ["200000001", "200000002"], "annee": [2023, 2023], "etp_total": [1.13, None],
                       "financement_estime": [27120.0, 0.0], "taux_couverture": [76.93, None],
                       "population": [16130, 500], "alertes": ["sans_copil", None]})
    texte = sortie_table(df, "texte")
    assert "1,13" in texte and "27\u202f120" in texte and "76,9\u00a0%" in texte and "16\u202f130" in texte
    assert "2023" in texte and "200000001" in texte and "n.d." in texte
    assert "1.13" not in texte and not re.search(r"\b(None|nan|NaN)\b", texte)
    assert "1.13" in sortie_table(df, "csv") and json.loads(sortie_table(df, "json"))[0]["etp_total"] == 1.13


def test_un_fichier_deja_importe_est_dit_au_rapport(donnees, tmp_path):
    """Le même fichier déposé une seconde fois (même SHA-256, son import encore actif) : le rapport le dit en tête,
    avec l'import et sa date ; un autre contenu, ou le même après l'annulation de son import, rien (essai d'un
    référent : trois imports identiques du même gros fichier, sans un mot)."""
    from portrait.vues import donnees as vue_donnees

    f = tmp_path / "naissances.csv"
    f.write_text("niveau;code;annee;indicateur;valeur\ncommune;44001;2023;naissances;12\n", encoding="utf-8")
    assert not [a for a in depot.lire(f, donnees).rapport.avertissements if "déjà importé" in a]
    entree, _ = depot.importer(f, donnees)
    lu = depot.lire(f, donnees)
    date = registre.liste(donnees)["date"].iloc[0]
    assert lu.rapport.avertissements[0] == (
        f"Ce fichier est déjà importé, avec le même contenu (empreinte SHA-256) : import {entree['id']} du "
        f"{date[8:10]}/{date[5:7]}/{date[:4]} à {date[11:16]}, toujours actif. L'importer de nouveau l'ajoute une "
        "seconde fois au registre.")
    assert vue_donnees.libelle_importer(lu.rapport) == "Importer 1 valeur"
    autre = tmp_path / "autre.csv"
    autre.write_text(f.read_text(encoding="utf-8").replace(";12", ";13"), encoding="utf-8")
    assert not [a for a in depot.lire(autre, donnees).rapport.avertissements if "déjà importé" in a]
    registre.annuler(donnees, entree["id"], "chef@caf44.fr")
    assert not [a for a in depot.lire(f, donnees).rapport.avertissements if "déjà importé" in a]
