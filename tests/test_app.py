"""L'application Streamlit, simulée par AppTest : territoire lu dans l'URL, chiffres égaux aux requêtes."""

from portrait.donnees import jeux
from portrait.vues import francais
from tests.conftest import ouvrir_page


def metriques(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_accueil_territoire_de_l_url(donnees, monkeypatch, req):
    app = ouvrir_page(donnees, monkeypatch, None, "epci:200000001")
    assert app.title[0].value == "Portrait de territoire · CC Test Un"
    attendu = jeux.portrait_territoire(req, "epci:200000001", 2023).iloc[0]
    m = metriques(app)
    assert m["Enfants de 0 à 2 ans"] == francais.nombre(attendu["enfants_0_2"]) == "290"
    assert m["Taux de couverture petite enfance"] == francais.pourcent(attendu["taux_couverture"]) == "58,6\u00a0%"
    assert m["Nombre de naissances"] == "n.d."
    assert [s.value for s in app.sidebar.selectbox] == ["departement:44", "epci:200000001", None, 2023]
    assert app.warning[0].value.startswith("Données de démonstration")


def test_choix_d_une_commune_met_a_jour_l_url(donnees, monkeypatch):
    app = ouvrir_page(donnees, monkeypatch, None, "epci:200000001", annee=None)
    app.sidebar.selectbox(key="sel_commune").set_value("commune:44002").run()
    assert not app.exception
    assert app.query_params["territoire"] == "commune:44002"
    assert app.title[0].value == "Portrait de territoire · Bêta"
    tableau = app.dataframe[0].value
    assert list(tableau.columns) == ["Bêta (Commune)", "CC Test Un (EPCI)", "Loire-Atlantique (Département)", "France"]
    app.sidebar.selectbox(key="sel_departement").set_value("departement:16").run()
    assert app.query_params["territoire"] == "departement:16"
    assert [s.value for s in app.sidebar.selectbox] == ["departement:16", None, None, 2023]
    assert metriques(app)["Taux de couverture petite enfance"] == "55,5\u00a0%"  # valeur publiée


def test_url_invalide_message_et_territoire_par_defaut(monkeypatch):
    app = ouvrir_page(None, monkeypatch, None, "commune:99999", annee=None)  # les données livrées
    assert [w.value for w in app.sidebar.warning] == [
        "Territoire « commune:99999 » inconnu de la géographie 2026 (codes Insee, Siren des EPCI). "
        "Affichage de CA Pornic Agglo Pays de Retz."]
    assert app.title[0].value == "Portrait de territoire · CA Pornic Agglo Pays de Retz"
    assert metriques(app)["Nombre de naissances"] == "576"
