"""Entrées hostiles ou malchanceuses (issue 16) : paramètres d'URL, chemins, noms de fichiers, disque plein."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from tests.conftest import ouvrir_page


@pytest.mark.parametrize("forfait", ["nan", "inf", "-inf", "abc"])
def test_forfait_illisible_dans_l_url(donnees, monkeypatch, forfait):
    # forfait=nan donnait « Financement Caf estimé 0 € » et l'URL gardait nan : la vue fausse se partageait
    at = ouvrir_page(donnees, monkeypatch, "pages/cooperation.py", "departement:44", forfait=forfait)
    assert {m.label: m.value for m in at.metric}["Financement Caf estimé"] == "46\u202f800\u00a0€"
    assert "forfait" not in at.query_params
    alertes = [w.value for w in at.sidebar.warning]
    assert any(f"forfait : « {forfait} » n'est pas un nombre" in a and "24\u202f000" in a for a in alertes), alertes


def test_filtres_illisibles_dans_l_url(donnees, monkeypatch):
    at = ouvrir_page(donnees, monkeypatch, "pages/tensions.py", "departement:44",
                     am60="nan", zone="inf", couverture="abc", k="nan")
    for nom in ("am60", "zone", "couverture", "k"):
        assert nom not in at.query_params, nom
    alerte = " ".join(w.value for w in at.sidebar.warning)
    for texte in ("am60 : « nan »", "zone : « inf »", "couverture : « abc »", "k : « nan »"):
        assert texte in alerte, alerte


@pytest.mark.parametrize("texte", ["nan", "NaN", "inf", "-Infinity"])
def test_la_ligne_de_commande_refuse_nan(texte):
    from portrait.surfaces.url import PARAMETRES

    with pytest.raises(ValueError, match="n'est pas un nombre"):
        PARAMETRES["forfait"].valider(texte)


@pytest.mark.parametrize("nom", ["data*", "data?", "data[1]"])
def test_dossier_de_donnees_au_nom_de_motif(donnees, tmp_path, nom):
    # un dossier « data* » faisait lire à DuckDB ses voisins : la population de la France triplait (269 M)
    import shutil

    from portrait.donnees.connexion import connecter
    from portrait.donnees.jeux import portrait_territoire
    from portrait.donnees.requetes import Requetes
    from portrait.imports import depot

    for voisin in ("data1", "dataX", "data[1]"):
        shutil.copytree(donnees, tmp_path / "freres" / voisin)
    dossier = tmp_path / "freres" / nom
    if not dossier.exists():
        shutil.copytree(donnees, dossier)
    f = tmp_path / "mesures.csv"
    f.write_text("niveau;code;annee;indicateur;valeur\ncommune;16001;2023;places_psu;1234,5\n", encoding="utf-8")
    for racine in (dossier, donnees):  # deux fichiers de mesures : la macro `remplacer` retrouve le rang de chacun
        depot.importer(f, racine)
    lu, attendu = (portrait_territoire(Requetes(connecter(r)), "france", 2023) for r in (dossier, donnees))
    pd.testing.assert_frame_equal(lu, attendu)
    assert portrait_territoire(Requetes(connecter(dossier)), "commune:16001", 2023).iloc[0]["places_psu"] == 1234.5


NOM_MARKDOWN = "[clic](https://exemple.org) ![image](https://exemple.org/x.png) **gras** _i_ <b>x</b> :red[rouge].csv"


def test_nom_de_fichier_markdown_affiche_tel_quel(donnees, monkeypatch):
    # un nom de fichier en Markdown devenait un vrai lien et une image dans le message de la page Données
    from portrait.vues.texte import markdown_litteral

    at = ouvrir_page(donnees, monkeypatch, "pages/donnees.py", "commune:44003")
    contenu = b"niveau;code;annee;indicateur;valeur\ncommune;16001;2023;places_psu;12\n"
    at.file_uploader(key="fichier").upload(NOM_MARKDOWN, contenu, "text/csv").run()
    at.button(key="confirmer").click().run()
    message = at.success[0].value
    assert message.endswith(f" enregistré : {markdown_litteral(NOM_MARKDOWN)}.")
    # aucune ponctuation Markdown du nom n'est laissée nue : chacune est précédée d'une barre oblique inverse
    nom = message.split(" enregistré : ", 1)[1]
    assert not re.search(r"(?<!\\)[\[\]()!*_<>:]", nom[:-1].replace("\\\\", "")), nom


def test_markdown_litteral():
    from portrait.vues.texte import markdown_litteral

    assert markdown_litteral("[a](b) *c*") == r"\[a\]\(b\) \*c\*"
    assert markdown_litteral("éà 1 2") == "éà 1 2"


def test_imports_list_sans_sequences_de_terminal(donnees, tmp_path, capsys):
    # `imports list` écrivait les séquences ANSI du nom de fichier telles quelles : le terminal les exécutait
    from portrait.surfaces.cli import main

    f = tmp_path / "\x1b[2J\x1b[31mrouge\x07.csv"
    f.write_text("niveau;code;annee;indicateur;valeur\ncommune;16001;2023;places_psu;12\n", encoding="utf-8")
    assert main(["import", "mesures", str(f), "--data-dir", str(donnees)]) == 0
    capsys.readouterr()
    assert main(["imports", "list", "--data-dir", str(donnees)]) == 0
    sortie = capsys.readouterr().out
    assert "\x1b" not in sortie and "\x07" not in sortie
    assert "\\x1b[2J\\x1b[31mrouge\\x07.csv" in sortie
