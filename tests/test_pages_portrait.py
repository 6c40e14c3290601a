"""Pages « Synthèse petite enfance » et « Détail par indicateur » (AppTest), sur le jeu minuscule."""

import pytest
from streamlit.testing.v1 import AppTest

from portrait.donnees import jeux
from portrait.vues import francais

DELAI = 60


@pytest.fixture
def app(donnees, monkeypatch):
    monkeypatch.setenv("PORTRAIT_DATA_DIR", str(donnees))
    return AppTest.from_file("../dashboard.py", default_timeout=DELAI)


def ouvrir(app, page: str, territoire: str, **params) -> AppTest:
    app.query_params["territoire"] = territoire
    app.query_params["annee"] = "2023"
    app.run()
    for cle, valeur in params.items():
        app.query_params[cle] = valeur
    app.switch_page(page).run()
    assert not app.exception, app.exception
    return app


def test_synthese_epci(app, req):
    ouvrir(app, "pages/synthese.py", "epci:200000001")
    assert app.title[0].value == "Synthèse petite enfance · CC Test Un"
    naissances = [(m.label, m.value) for m in app.metric[:3]]
    couverture = [(m.label, m.value) for m in app.metric[-3:]]
    attendu = jeux.synthese(req, "epci:200000001", 2023).set_index("nom")["taux_couverture"]
    assert couverture == [("CC Test Un", francais.pourcent(attendu["CC Test Un"])), ("Loire-Atlantique", "66,1\u00a0%"),
                          ("France", "60,6\u00a0%")]
    assert couverture[0][1] == "58,6\u00a0%"
    assert naissances[0] == ("CC Test Un", "n.d.")  # aucune naissance dans le jeu : n.d., jamais 0
    besoins, offre = (d.value for d in app.dataframe)
    assert list(besoins["Territoire"]) == ["CC Test Un", "Loire-Atlantique", "France"]
    assert list(offre["places PSU"]) == [80, 230, 230]
    assert offre["places AM 60 ans et plus (estim.)"].iloc[0] == pytest.approx(90 * 20 / 100)
    assert app.warning[0].value.startswith("Données de démonstration")


def test_synthese_departement_compare_aux_voisins(app, req):
    ouvrir(app, "pages/synthese.py", "departement:44")
    besoins = app.dataframe[0].value
    # les autres départements de la région (voisins.sql), puis la France
    assert list(besoins["Territoire"]) == ["Loire-Atlantique", "Vendée", "France"]


def test_detail_change_d_indicateur_et_de_mode(app, req):
    ouvrir(app, "pages/detail.py", "epci:200000001")
    tableau = app.dataframe[0].value
    assert list(tableau["Territoire"]) == ["Alpha", "Bêta", "Loire-Atlantique", "CC Test Un"]  # ordre du document 004
    attendu = jeux.detail(req, "epci:200000001", "taux_couverture", 2023)["valeur"]
    assert list(tableau["taux de couverture"]) == pytest.approx(list(attendu))
    app.selectbox(key="theme").set_value("assistantes maternelles 60 ans et plus").run()
    app.radio(key="mode").set_value("Part").run()
    assert list(app.dataframe[0].value["part AM 60 ans et plus"]) == pytest.approx([10.0, 25.0, 15.0, 20.0])
    app.radio(key="mode").set_value("Nombre").run()
    assert list(app.dataframe[0].value["AM 60 ans et plus"]) == [1, 5, 9, 6]
    assert app.query_params["theme"] == "assistantes maternelles 60 ans et plus"
    assert app.query_params["mode"] == "Nombre"


def test_detail_vue_rouverte_depuis_l_url(app):
    ouvrir(app, "pages/detail.py", "commune:44002", theme="enfants 0-2 ans", mode="Évolution")
    assert app.selectbox(key="theme").value == "enfants 0-2 ans"
    assert app.radio(key="mode").value == "Évolution"
    assert app.multiselect(key="communes").value == ["commune:44002"]
    tableau = app.dataframe[0].value
    assert list(tableau["évolution enfants 0-2 ans"]) == pytest.approx([10.0, -10.0, 100 * (620 / 600 - 1),
                                                                       100 * (290 / 300 - 1)])
