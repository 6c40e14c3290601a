"""Page « Données » : déposer un fichier, lire le rapport, confirmer, annuler (AppTest)."""

import re
from pathlib import Path

import pytest

from portrait.donnees import jeux
from portrait.donnees.connexion import connecter
from portrait.donnees.requetes import Requetes
from tests.conftest import ouvrir_page

SOURCES = Path(__file__).parent / "sources"


@pytest.fixture
def app(donnees, monkeypatch):
    return ouvrir_page(donnees, monkeypatch, "pages/donnees.py", "commune:44003")


def couverture_gamma(donnees) -> float:
    """Le taux de couverture 2023 de Gamma, relu sur l'état courant des données."""
    return jeux.portrait_territoire(Requetes(connecter(donnees)), "commune:44003", 2023).iloc[0]["taux_couverture"]


def test_page_donnees_sans_import(app):
    assert [i.value for i in app.info] == ["Aucun import : l'application montre les données de démonstration."]


def test_import_puis_annulation_depuis_la_page(app, donnees):
    app.file_uploader(key="fichier").upload("txcouv_pe_com.csv", (SOURCES / "txcouv_pe_com.csv").read_bytes(),
                                            "text/csv").run()
    assert app.code[0].value.splitlines()[:3] == [
        "Fichier : txcouv_pe_com.csv (data.caf.fr (taux de couverture ou places))",
        "Lignes lues : 3 ; valeurs gardées : 16 ; erreurs : 0", "Années : 2022, 2023"]
    assert [b.label for b in app.button] == ["Importer 16 valeurs"]
    assert couverture_gamma(donnees) == pytest.approx(100 * 240 / 330)  # rien d'écrit avant la confirmation
    app.button(key="confirmer").click().run()
    ident = re.fullmatch(r"Import (\S+) enregistré : txcouv\\_pe\\_com\\\.csv\.", app.success[0].value).group(1)
    assert list(app.dataframe[0].value["État"]) == ["actif"]
    assert couverture_gamma(donnees) == 91.2  # la valeur publiée l'emporte sur le calcul
    app.button(key="annuler").click().run()
    assert [s.value for s in app.success] == [f"Import {ident} annulé : les valeurs précédentes reviennent."]
    assert list(app.dataframe[0].value["État"]) == ["annulé"]
    assert couverture_gamma(donnees) == pytest.approx(100 * 240 / 330)


def test_apres_l_import_plus_de_second_bouton_et_le_lien_d_alors_garde_la_vue(app, donnees):
    """Après « Importer », le rapport et son bouton restaient : un second clic faisait un second import du même
    fichier. Le lien « Données d'alors » ouvrait l'EPCI par défaut au lieu du territoire de la page."""
    octets = (SOURCES / "txcouv_pe_com.csv").read_bytes()
    app.file_uploader(key="fichier").upload("txcouv_pe_com.csv", octets, "text/csv").run()
    app.button(key="confirmer").click().run()
    ident = app.session_state["a_annuler"]
    assert not [b for b in app.button if b.label.startswith("Importer")]
    assert f"Ce fichier vient d'être importé (import {ident}). Déposez un autre fichier pour un nouvel import." in [
        i.value for i in app.info]
    lien = app.dataframe[0].value["Données d'alors"].iloc[0]
    assert "territoire=commune%3A44003" in lien and lien.endswith(f"au={ident}")


def test_enquete_flash_depuis_la_page(app, donnees):
    from tests.test_enquete_flash import REPONSES, export

    app.selectbox(key="source").set_value("enquete_flash").run()
    app.text_input(key="departement_enquete").set_value("44").run()
    app.file_uploader(key="fichier").upload("enquete.csv", export(REPONSES), "text/csv").run()
    assert "Erreur : enquete.csv, ligne 4 : commune « Gama » introuvable" in app.code[0].value
    app.button(key="confirmer").click().run()
    assert re.fullmatch(r"Import \S+ enregistré : enquete\\\.csv\.", app.success[0].value)
    # l'année des réponses (2024, leur horodatage) : les postes d'Alpha et de Bêta ; 2023 garde la démonstration
    req = Requetes(connecter(donnees))
    _, postes = jeux.cooperation(req, "departement:44", 2024)
    assert set(postes["source"]) == {"enquete-flash"}
    assert sorted(zip(postes["code"], postes["thematique"], postes["etp_valorises"])) == [
        ("44001", "enfance_jeunesse", 0.3), ("44001", "petite_enfance", 0.5), ("44002", "petite_enfance", 1.0)]
    assert set(jeux.cooperation(req, "departement:44", 2023)[1]["source"]) == {"demo"}


def test_fichier_sans_annee_la_page_la_demande(app, donnees):
    # un fichier des allocataires dont le nom ne porte pas d'année : la page demande l'année (la ligne de commande
    # a --annee), puis lit le fichier avec elle ; rien d'écrit avant « Importer »
    app.file_uploader(key="fichier").upload("allocataires_communes.csv",
                                            (SOURCES / "allocataires_communes.csv").read_bytes(), "text/csv").run()
    assert "champ « Année des données »" in app.error[0].value
    assert app.number_input(key="annee_donnees").value is None
    app.number_input(key="annee_donnees").set_value(2020).run()
    assert not app.error
    assert app.code[0].value.splitlines()[2] == "Années : 2020"
    # l'année vient du champ de la page, pas de l'option --annee de la ligne de commande que le rapport nommait
    assert "Reconnu : Cnaf, fichier des allocataires par commune, année donnée à l'import, 2020" in \
        app.code[0].value.splitlines()
    app.button(key="confirmer").click().run()
    assert app.success[0].value.startswith("Import ")


def test_le_fichier_depose_n_est_hache_qu_une_fois_par_depot(app, donnees, monkeypatch):
    """Le SHA-256 d'un fichier déposé (44 ms pour 79 Mo) : une fois pour la clé de sa lecture, une fois à sa lecture
    (« déjà importé ? ») ; ni les passages suivants de la page ni le clic sur « Importer » ne le recalculent."""
    from portrait.imports import registre

    haches = []
    vraie = registre.empreinte
    monkeypatch.setattr(registre, "empreinte", lambda octets: haches.append(len(octets)) or vraie(octets))
    octets = (SOURCES / "txcouv_pe_com.csv").read_bytes()
    app.file_uploader(key="fichier").upload("txcouv_pe_com.csv", octets, "text/csv").run()
    assert haches == [len(octets)] * 2
    app.run().run()
    assert haches == [len(octets)] * 2
    app.button(key="confirmer").click().run()
    # l'import ne rehache pas ; la page d'après relit le fichier, les données ayant changé (une fois de plus)
    assert app.success and haches == [len(octets)] * 3
    assert registre.liste(donnees)["sha256"].tolist() == [vraie(octets)[1]]  # l'empreinte reprise est la bonne
