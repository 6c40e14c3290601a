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
    assert [t.name for t in fig.data[1:]] == ["outre-mer", "noms des encadrés"] and len(fig.data[1].lon) == 5 * 6
    # cinq encadrés, chacun nommé (ils ne l'étaient pas)
    assert list(fig.data[2].text) == ["Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte"]
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


def emprise(fig) -> tuple[float, float, float, float]:
    """La part (largeur, hauteur) de la zone dessinée qu'occupe le territoire, et sa largeur et hauteur en px."""
    x0, y0, x1, y1 = fig.layout.meta["bornes"]
    zoom = fig.layout.map.zoom
    (a, b), (c, d) = cartes.pixels(x0, y1, zoom), cartes.pixels(x1, y0, zoom)
    m = fig.layout.margin
    largeur, hauteur = cartes.LARGEUR_ECRAN - m.l - m.r, fig.layout.height - m.t - m.b
    return (c - a) / largeur, (d - b) / hauteur, largeur, hauteur


def test_la_loire_atlantique_remplit_son_cadre(req_demo):
    # avant : zoom calculé pour 900 × 480 px, carte de 1 040 × 460 : le département en occupait moins de la moitié
    from portrait.vues import tensions as vue_tensions

    fig = vue_tensions.vue_tensions(req_demo, "departement:44", 2023).carte.figure
    part_x, part_y, _, _ = emprise(fig)
    assert part_x <= 1 and part_y <= 1  # tout le département se voit
    assert max(part_x, part_y) >= 0.9 and part_x * part_y >= 0.6


def test_la_carte_d_une_diapositive_est_recadree_et_dessinee_en_vecteurs(req_demo):
    # l'image 1 600 × 900 : le territoire remplit à nouveau le cadre ; dessinée sans MapLibre (2 à 5 s par carte
    # dans Kaleido, et ses noms attendaient hors ligne un serveur de polices)
    import numpy as np

    from portrait.surfaces import fiche
    from portrait.vues import tensions as vue_tensions

    fig = vue_tensions.vue_tensions(req_demo, "departement:44", 2023).carte.figure
    d = fiche.pour_diapositive(fig, demo=True)
    assert "map" not in d["layout"] and {t["type"] for t in d["data"]} == {"scatter"}
    pleins = [t for t in d["data"] if t.get("fill") == "toself"]
    x = np.array([v for t in pleins for v in t["x"] if v is not None])
    y = np.array([v for t in pleins for v in t["y"] if v is not None])
    (x0, x1), (y0, y1) = d["layout"]["xaxis"]["range"], d["layout"]["yaxis"]["range"]
    assert x0 <= x.min() and x.max() <= x1 and y0 <= y.min() and y.max() <= y1  # tout le département se voit
    assert (y.max() - y.min()) / (y1 - y0) >= 0.9  # et remplit la hauteur
    marges = d["layout"]["margin"]
    assert x1 - x0 == fiche.LARGEUR - marges["l"] - marges["r"]  # un pixel par unité : la carte n'est pas déformée
    assert y1 - y0 == fiche.HAUTEUR - marges["t"] - marges["b"]


def test_noms_des_communes_retenues_sans_chevauchement(req_demo):
    from portrait.regles import tensions
    from portrait.vues import tensions as vue_tensions

    filtres = tensions.Filtres(seuils=tensions.Seuils(exiges=("taux_couverture", "part_am_60_plus")))
    vue = vue_tensions.vue_tensions(req_demo, "departement:44", 2023, filtres)
    fig = vue.carte.figure
    couches = [t for t in fig.data if t.name == "noms"]
    # les 11 communes qui cumulent faible couverture et départs en retraite : toutes nommées, aucune autre
    assert sorted(n for t in couches for n in t.text) == sorted(vue.retenues) and len(vue.retenues) == 11
    # au zoom de l'écran, deux noms ne se touchent pas
    boites = [cartes.boite_etiquette(*cartes.pixels(lon, lat, fig.layout.map.zoom), nom, t.textposition)
              for t in couches for lon, lat, nom in zip(t.lon, t.lat, t.text)]
    for i, p in enumerate(boites):
        for q in boites[i + 1:]:
            assert not (p[0] < q[2] and q[0] < p[2] and p[1] < q[3] and q[1] < p[3])


def test_au_plus_les_plus_peuplees_sont_nommees_sans_chevauchement():
    # 40 communes empilées au même endroit : une seule nommée, la première (la plus peuplée)
    unites = geo(*((f"C{i}", "44", -1.5, 47.2) for i in range(40)))
    noms = cartes.etiquettes(unites, [f"C{i}" for i in range(40)], {f"C{i}": f"Commune {i}" for i in range(40)}, 9)
    assert list(noms["nom"]) == ["Commune 0"]
    # éloignées, au plus ETIQUETTES
    unites = geo(*((f"C{i}", "44", -5 + i * 0.5, 47.2) for i in range(40)))
    noms = cartes.etiquettes(unites, [f"C{i}" for i in range(40)], {f"C{i}": "X" for i in range(40)}, 9)
    assert len(noms) == cartes.ETIQUETTES


def test_la_legende_dit_les_classes_et_le_filtre(req_demo):
    from portrait.vues import tensions as vue_tensions

    vue = vue_tensions.vue_tensions(req_demo, "departement:44", 2023)
    legende = vue.carte.figure.layout.annotations[-1].text.replace("<br>", " ").replace("\u00a0;", " ;")
    assert "2 critères" in legende and "hors filtre" in legende and "offre insuffisante" in legende
    assert vue.filtres in legende  # la phrase même de la page et de la fiche


def test_l_image_exportee_dit_titre_source_annee_filtres_et_demonstration(req_demo):
    # la carte exportée (bouton PNG ou SVG, page PDF) : une seule mise en page, fiche.pour_diapositive ; avant,
    # l'appareil photo de la barre d'outils n'avait ni la mention de démonstration ni les filtres
    from portrait.regles import tensions
    from portrait.surfaces import fiche
    from portrait.vues import tensions as vue_tensions

    filtres = tensions.Filtres(seuils=tensions.Seuils(exiges=("taux_couverture", "part_am_60_plus")))
    vue = vue_tensions.vue_tensions(req_demo, "departement:44", 2023, filtres)
    d = fiche.pour_diapositive(vue.carte.figure, demo=True)
    textes = " ".join(a["text"] for a in d["layout"]["annotations"]).replace("<br>", " ").replace("\u00a0;", " ;")
    assert d["layout"]["title"]["text"] == vue.carte.titre and "2023" in vue.carte.titre
    assert "Sources : Insee" in textes and "Année 2023." in textes
    assert vue.filtres in textes and fiche.MENTION_DEMO in textes
    # les noms : des annotations au même endroit (MapLibre attendait hors ligne ses polices 6 à 8 s dans Kaleido)
    assert not [t for t in d["data"] if "text" in (t.get("mode") or "")]
    noms = [a["text"].replace("<br>", "") for a in d["layout"]["annotations"] if "xshift" in a]
    assert sorted(noms) == sorted(vue.retenues)
