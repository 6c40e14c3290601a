"""Cartes : l'outre-mer en encadrés sur la carte de la France, rien ne bouge ailleurs."""

import json

import pandas as pd
import shapely

from portrait.vues import cartes


def carre(lon: float, lat: float, cote: float = 0.2) -> str:
    return json.dumps({"type": "Polygon", "coordinates": [[[lon, lat], [lon + cote, lat], [lon + cote, lat + cote],
                                                           [lon, lat + cote], [lon, lat]]]})


def geo(*unites: tuple[str, str, float, float]) -> pd.DataFrame:
    return pd.DataFrame([{"couche": "unite", "territoire": f"epci:{c}", "code": c, "departement": d,
                          "geometrie": carre(lon, lat)} for c, d, lon, lat in unites])


def bornes(df: pd.DataFrame, code: str) -> tuple[float, ...]:
    return tuple(shapely.bounds(shapely.from_geojson(df.loc[df["code"] == code, "geometrie"].iloc[0])))


def test_la_reunion_rejoint_son_encadre_la_metropole_ne_bouge_pas():
    avant = geo(("A", "44", -1.5, 47.2), ("B", "974", 55.4, -21.2), ("C", "974", 55.6, -21.0))
    apres, encadres = cartes.encadrer_outre_mer(avant)
    assert encadres == [cartes.encadre(0)]
    assert apres.loc[0, "geometrie"] == avant.loc[0, "geometrie"]
    x0, y0, x1, y1 = encadres[0]
    for code in ("B", "C"):
        bx0, by0, bx1, by1 = bornes(apres, code)
        assert x0 < bx0 < bx1 < x1 and y0 < by0 < by1 < y1
    assert bornes(apres, "B")[0] < bornes(apres, "C")[0]  # l'ouest reste à l'ouest
    assert avant.loc[1, "geometrie"] == carre(55.4, -21.2)  # la table d'origine (en cache) n'est pas modifiée


def test_un_departement_d_outre_mer_seul_reste_ou_il_est():
    seul = geo(("B", "974", 55.4, -21.2), ("C", "974", 55.6, -21.0))
    apres, encadres = cartes.encadrer_outre_mer(seul)
    assert encadres == [] and apres.equals(seul)


def test_la_carte_de_la_france_tient_dans_le_cadre_de_la_metropole(req_demo):
    # 1 255 EPCI dont 23 outre-mer : sans encadrés, le cadre allait de la Guadeloupe à Mayotte
    contours = cartes.contours(req_demo, "france", "epci")
    fig = cartes.choroplethe(pd.DataFrame({"code": contours["code"], "nom": contours["code"], "classe": "a"}),
                             contours, "classe", {"a": "#FC8D59"}, "France", "")
    x0, y0, x1, y1 = shapely.total_bounds(shapely.from_geojson([json.dumps(f["geometry"])
                                                                 for f in fig.data[0].geojson["features"]]))
    assert -11 < x0 and x1 < 10 and 41 < y0 and y1 < 51.2
    assert [t.name for t in fig.data[1:]] == ["outre-mer"] and len(fig.data[1].lon) == 5 * 6  # cinq encadrés
    assert fig.layout.map.zoom > 4  # la métropole remplit la carte


def test_contour_offre_insuffisante_plus_leger_que_les_communes_en_tension():
    # avant : violet foncé (#7B3294) de 3 px, plus épais que la limite départementale, qui l'emportait sur les
    # communes rouges retenues ; il reste visible (contraste d'au moins 3:1 sur blanc, RGAA 3.3 / WCAG 1.4.11)
    table = pd.DataFrame({"code": ["A", "B"], "nom": ["A", "B"], "classe": ["2 critères", "hors filtre"]})
    fig = cartes.choroplethe(table, geo(("A", "44", -1.5, 47.2), ("B", "44", -1.2, 47.2)), "classe",
                             {"2 critères": "#D7301F", "hors filtre": "#E0E0E0"}, "Carte", "Sources.", zones=["B"])
    zone = next(t for t in fig.data if t.name == "offre insuffisante")

    def luminance(h: str) -> float:
        c = [int(h[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        c = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
    assert zone.line.width < cartes.EPAISSEUR_DEPARTEMENT
    assert luminance(zone.line.color) > luminance("#7B3294")
    assert 1.05 / (luminance(zone.line.color) + 0.05) >= 3
