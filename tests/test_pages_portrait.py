"""Pages « Synthèse petite enfance » et « Détail par indicateur » (AppTest), sur le jeu minuscule."""

import pytest

from portrait.donnees import jeux
from portrait.vues import francais
from tests.conftest import lignes


def test_synthese_epci(ouvrir, req):
    app = ouvrir("pages/synthese.py", "epci:200000001")
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


def test_synthese_departement_compare_aux_voisins(ouvrir):
    app = ouvrir("pages/synthese.py", "departement:44")
    assert app.caption[0].value == "2023 · comparé à Vendée, France"
    besoins, offre = (d.value for d in app.dataframe)
    # les autres départements de la région (voisins.sql), puis la France ; Vendée = Epsilon seule :
    # 50 enfants dont 40 de parents actifs, aucune place PSU, 10 places chez 4 AM actives dont 2 de 60 ans et plus
    assert lignes(besoins, ["Territoire", "naissances", "enfants 0-2 ans"]) == [
        ("Loire-Atlantique", None, 620.0), ("Vendée", None, 50.0), ("France", None, 710.0)]
    assert list(besoins["part enfants 0-2 ans avec parents actifs"]) == pytest.approx(
        [100 * 420 / 620, 100 * 40 / 50, 100 * 460 / 710])
    assert lignes(offre, ["Territoire", "places PSU", "places assistantes maternelles", "places, tous modes",
                          "AM actives", "AM 60 ans et plus"]) == [
        ("Loire-Atlantique", 230.0, 180.0, 410.0, 60.0, 9.0), ("Vendée", 0.0, 10.0, 10.0, 4.0, 2.0),
        ("France", 230.0, 200.0, 430.0, 64.0, 11.0)]
    # places AM × part des AM de 60 ans et plus
    assert list(offre["places AM 60 ans et plus (estim.)"]) == pytest.approx([180 * 9 / 60, 10 * 2 / 4, 200 * 11 / 64])
    couverture = [(m.label, m.value) for m in app.metric[-2:]]
    assert couverture == [("Loire-Atlantique", "66,1\u00a0%"), ("France", "60,6\u00a0%")]


def test_detail_change_d_indicateur_et_de_mode(ouvrir, req):
    app = ouvrir("pages/detail.py", "epci:200000001")
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


def test_detail_vue_rouverte_depuis_l_url(ouvrir):
    app = ouvrir("pages/detail.py", "commune:44002", theme="enfants 0-2 ans", mode="Évolution")
    assert app.selectbox(key="theme").value == "enfants 0-2 ans"
    assert app.radio(key="mode").value == "Évolution"
    assert app.multiselect(key="communes").value == ["commune:44002"]
    tableau = app.dataframe[0].value
    assert list(tableau["évolution enfants 0-2 ans"]) == pytest.approx([10.0, -10.0, 100 * (620 / 600 - 1),
                                                                       100 * (290 / 300 - 1)])


def test_detail_parametres_d_url_hors_du_theme_ou_du_territoire(ouvrir):
    """Un mode que le thème n'a pas prend son premier mode ; des communes d'un autre territoire (Gamma, hors de CC Test
    Un) laissent place aux communes par défaut, au lieu d'une liste vide ; l'URL est réécrite en conséquence."""
    app = ouvrir("pages/detail.py", "epci:200000001", theme="enfants 0-2 ans", mode="Inconnu",
                 communes="commune:44003")
    assert app.radio(key="mode").value == "Nombre"
    assert app.multiselect(key="communes").value == ["commune:44001", "commune:44002"]
    assert app.query_params["communes"] == "commune:44001,commune:44002"
    app.multiselect(key="communes").set_value([]).run()  # une liste vidée à la main reste vide
    assert app.multiselect(key="communes").value == []
    assert "communes" not in app.query_params


def test_chaque_figure_a_son_alternative_textuelle(ouvrir, req):
    # RGAA : sous chaque figure, un volet « Lire la figure en texte » (clavier, lecteur d'écran) avec ses données
    from portrait.vues import commun
    from portrait.vues import synthese as vue_synthese

    app = ouvrir("pages/synthese.py", "epci:200000001")
    vue = vue_synthese.synthese(req, "epci:200000001", 2023)
    figures = [vue.series_naissances, vue.series_enfants, vue.places, vue.ages, vue.figure_couverture]
    volets = [e.label for e in app.expander if e.label.startswith("Lire la figure en texte : ")]
    assert len(volets) == len(figures) == 5
    # les données de la figure de couverture : une ligne par territoire comparé, valeurs à la française
    donnees = commun.donnees_figure(vue.figure_couverture.figure)
    assert len(donnees) > 0 and list(donnees.columns) == ["Série", "Abscisse", "Valeur"]
    assert not donnees["Valeur"].str.contains(r"\.\d").any()  # virgule décimale, jamais de point
    html = commun.html_donnees(donnees, vue.figure_couverture.titre)
    assert f"Données de la figure : {vue.figure_couverture.titre}" in html and 'scope="col"' in html
