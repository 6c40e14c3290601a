"""Charge (issue 18, §4) : la préchauffe du serveur, les lignes lues gardées d'un filtre à l'autre, la carte dont
les contours ne sont plus recopiés."""

import copy

import pytest

from portrait.donnees import jeux
from portrait.regles import tensions
from portrait.surfaces import cache
from portrait.vues import tensions as vue_tensions
from tests.conftest import ouvrir_page


@pytest.fixture(autouse=True)
def caches_vides():
    cache.vue_tensions.clear()
    cache.table_tensions.clear()
    yield


def test_changer_de_filtre_ne_relit_pas_les_donnees(donnees, monkeypatch):
    # la page relisait les lignes du département (deux requêtes) à chaque changement de seuil ou de k
    lus = []
    lire = jeux.tensions
    monkeypatch.setattr(jeux, "tensions", lambda *a, **k: lus.append(a[1]) or lire(*a, **k))
    at = ouvrir_page(donnees, monkeypatch, "pages/tensions.py", "departement:44")
    at.radio(key="k").set_value(3).run()
    assert at.subheader[0].value == "0 commune sur 3 en tension"
    at.radio(key="k").set_value(1).run()
    assert at.subheader[0].value == "3 communes sur 3 en tension"
    assert lus == ["departement:44"]


def test_les_contours_de_la_carte_ne_sont_pas_recopies(req):
    # Plotly recopiait (copy.deepcopy) le GeoJSON à chaque to_dict() et en figeant la carte
    fig = vue_tensions.vue_tensions(req, "departement:44", 2023, tensions.Filtres()).carte.figure
    geojson = fig.to_dict()["data"][0]["geojson"]
    assert [f["id"] for f in geojson["features"]] == ["44001", "44002", "44003"]
    assert fig.to_dict()["data"][0]["geojson"] is geojson and copy.deepcopy(fig).data[0].geojson is geojson
