"""Page « Données » : déposer un fichier, lire le rapport, confirmer, annuler (AppTest)."""

from pathlib import Path

import pytest

from tests.conftest import ouvrir_page

SOURCES = Path(__file__).parent / "sources"


@pytest.fixture
def app(donnees, monkeypatch):
    return ouvrir_page(donnees, monkeypatch, "pages/donnees.py", "commune:44003")


def test_page_donnees_sans_import(app):
    assert app.info[0].value.startswith("Aucun import")


def test_import_puis_annulation_depuis_la_page(app):
    app.file_uploader(key="fichier").upload("txcouv_pe_com.csv", (SOURCES / "txcouv_pe_com.csv").read_bytes(),
                                            "text/csv").run()
    assert "Lignes lues : 3" in app.code[0].value
    app.button(key="confirmer").click().run()
    assert app.success[0].value.startswith("Import ")
    assert list(app.dataframe[0].value["État"]) == ["actif"]
    app.button(key="annuler").click().run()
    assert "annulé" in app.success[0].value


def test_enquete_flash_depuis_la_page(app):
    from tests.test_enquete_flash import REPONSES, export

    app.selectbox(key="source").set_value("enquete_flash").run()
    app.text_input(key="departement_enquete").set_value("44").run()
    app.file_uploader(key="fichier").upload("enquete.csv", export(REPONSES), "text/csv").run()
    assert "« Gama » introuvable" in app.code[0].value
    app.button(key="confirmer").click().run()
    assert app.success[0].value.startswith("Import ")
