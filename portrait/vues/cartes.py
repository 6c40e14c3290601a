"""Cartes choroplèthes hors ligne : contours sur fond blanc (aucun serveur de tuiles), couleurs explicites."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import shapely

from portrait.donnees.requetes import Requetes
from portrait.vues import graphiques

COULEUR_DEPARTEMENT = "#1E1E1E"
# contour des zones d'offre insuffisante : un violet moyen et un trait fin, visibles (4,5:1 sur blanc) mais plus
# légers que les communes en tension qu'ils entourent (le violet foncé de 3 px l'emportait sur elles)
COULEUR_ZONE = "#9460B8"
EPAISSEUR_ZONE = 1.5
EPAISSEUR_DEPARTEMENT = 2
GRIS_CONTOUR = "#9A9A9A"  # les encadrés d'outre-mer ; le carré presque blanc de la légende
HAUTEUR = 640  # px : hauteur de départ ; cadre() la règle sur la forme du territoire
# Le cadre de la carte à l'écran : la largeur de la page (barre latérale ouverte, fenêtre de 1 500 px) ; sa hauteur
# suit la forme du territoire (entre les deux bornes) pour qu'il remplisse le cadre au lieu d'y flotter
LARGEUR_ECRAN = 1040
HAUTEUR_CARTE_MIN, HAUTEUR_CARTE_MAX = 420, 720  # px : la zone dessinée (hors titre, légende et source)
MARGE_BAS = 85  # px : la note de source
MARGE_ZOOM = 0.1  # un dixième de niveau de zoom en moins : le territoire ne touche pas les bords
# Les noms des unités retenues : au plus ETIQUETTES, les plus peuplées d'abord, aucun sur un autre
ETIQUETTES = 25
TAILLE_ETIQUETTE = 13  # px
LIGNE_ETIQUETTE_EM = 10  # largeur (em) au-delà de laquelle MapLibre coupe un nom en lignes
COULEUR_ETIQUETTE = "#1E1E1E"
LIGNE_LEGENDE = 23  # px par ligne de légende (17 px sur une diapositive)
CARACTERES_LEGENDE = 130  # caractères par ligne de la phrase des filtres (14 px sur 1 040 px)
NOMS_OUTRE_MER = {"971": "Guadeloupe", "972": "Martinique", "973": "Guyane", "974": "La Réunion", "976": "Mayotte"}
# Sur une carte qui mêle la métropole et l'outre-mer (la France par EPCI), chaque département d'outre-mer est
# ramené dans un encadré, en colonne à l'ouest de la Bretagne, comme sur les cartes de l'Insee : sinon le cadre
# couvre l'Atlantique et l'océan Indien et la métropole n'est plus qu'un point.
OUTRE_MER = ("971", "972", "973", "974", "976")  # Guadeloupe, Martinique, Guyane, La Réunion, Mayotte
ENCADRE_OUEST, ENCADRE_NORD = -10.6, 51.1  # degrés : coin nord-ouest de la colonne d'encadrés
ENCADRE_LARGEUR, ENCADRE_HAUTEUR, ENCADRE_ECART = 3.2, 1.75, 0.2  # degrés de longitude, de latitude


def contours(req: Requetes, territoire: str, unites: str = "communes") -> pd.DataFrame:
    """Les contours de la carte : les unités (communes ou EPCI ; EPCI pour la France) et les départements touchés."""
    return req.reference("contours_territoire", {"territoire": territoire, "unites": unites})


class GeojsonPartage(dict):
    """Un GeoJSON qu'on ne modifie plus, partagé au lieu d'être recopié : Plotly recopie (copy.deepcopy) les données
    d'une figure à l'ajout d'une trace, à chaque to_dict() et en la figeant (FigureFigee) ; pour les contours d'un
    département (des dizaines de milliers de coordonnées), ces copies faisaient le tiers du calcul de la carte."""

    def __deepcopy__(self, memo: dict) -> GeojsonPartage:
        return self


def collection(lignes: pd.DataFrame) -> GeojsonPartage:
    """FeatureCollection GeoJSON dont chaque entité porte l'identifiant `code` (partagée, jamais recopiée)."""
    return GeojsonPartage(
        type="FeatureCollection",
        features=[{"type": "Feature", "id": c, "properties": {"code": c}, "geometry": json.loads(g)}
                  for c, g in zip(lignes["code"], lignes["geometrie"])])


def y_merc(lat: float) -> float:
    """La latitude en ordonnée Web Mercator, en « degrés » (même unité que la longitude)."""
    return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


def lat_merc(y: float) -> float:
    """L'inverse de y_merc."""
    return math.degrees(2 * math.atan(math.exp(math.radians(y))) - math.pi / 2)


def pixels(lon: float, lat: float, zoom: float) -> tuple[float, float]:
    """La position d'un point en pixels au niveau de zoom donné (MapLibre : un monde de 512 × 2^zoom px)."""
    monde = 512 * 2 ** zoom
    return (lon + 180) / 360 * monde, -y_merc(lat) / 360 * monde


def cadrage(bornes: tuple[float, float, float, float], largeur: float, hauteur: float) -> tuple[dict, float]:
    """Centre et zoom (projection Web Mercator, tuiles de 512 px) qui font tenir l'étendue `bornes` (lon min, lat
    min, lon max, lat max) dans une zone dessinée de `largeur` × `hauteur` px."""
    x0, y0, x1, y1 = bornes
    dx, dy = max(x1 - x0, 1e-3), max(y_merc(y1) - y_merc(y0), 1e-3)
    zoom = min(math.log2(360 * largeur / (512 * dx)), math.log2(360 * hauteur / (512 * dy))) - MARGE_ZOOM
    centre = {"lon": (x0 + x1) / 2, "lat": lat_merc((y_merc(y0) + y_merc(y1)) / 2)}
    return centre, float(max(0.5, min(12.0, zoom)))


def hauteur_zone(bornes: tuple[float, float, float, float], largeur: float = LARGEUR_ECRAN) -> int:
    """La hauteur (px) de la zone dessinée où le territoire, sur `largeur` px, remplit le cadre dans les deux sens
    (bornée : un territoire très allongé garde une carte lisible)."""
    x0, y0, x1, y1 = bornes
    rapport = max(y_merc(y1) - y_merc(y0), 1e-3) / max(x1 - x0, 1e-3)
    return int(max(HAUTEUR_CARTE_MIN, min(HAUTEUR_CARTE_MAX, largeur * rapport)))


def recadrer(mise: dict, largeur: float, hauteur: float) -> dict:
    """La mise en page (dictionnaire) d'une carte de choroplethe() refaite pour une image de `largeur` × `hauteur`
    px (une diapositive, le mode présentation) : le territoire y remplit à nouveau le cadre."""
    bornes = (mise.get("meta") or {}).get("bornes")
    if not bornes or "map" not in mise:
        return mise
    marges = mise.get("margin", {})
    centre, zoom = cadrage(bornes, largeur - marges.get("l", 0) - marges.get("r", 0),
                           hauteur - marges.get("t", 0) - marges.get("b", 0))
    return {**mise, "map": {**mise["map"], "center": centre, "zoom": zoom}}


COUCHES_DE_NOMS = ("noms", "noms des encadrés")
ANCRES = {"top center": ("center", "bottom", 0, 5), "bottom center": ("center", "top", 0, -5),
          "middle right": ("left", "middle", 5, 0), "middle left": ("right", "middle", -5, 0)}


def nom_en_lignes(nom: str) -> str:
    """Un nom de plus de 10 em coupé après le trait d'union ou l'espace le plus proche de son milieu (comme MapLibre
    le coupe)."""
    coupures = [i + 1 for i, c in enumerate(nom[:-1]) if c in "- " and i > 0]
    if len(nom) * 0.6 <= LIGNE_ETIQUETTE_EM or not coupures:
        return nom
    i = min(coupures, key=lambda j: abs(j - len(nom) / 2))
    return nom[:i].rstrip() + "<br>" + nom[i:].lstrip()


def projeter(lon, lat, zoom: float, cx: float, cy: float) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes et latitudes (None : une coupure de tracé) en pixels du dessin, l'ordonnée vers le haut, le centre
    de la carte en (0, 0)."""
    lon = np.array([np.nan if v is None else v for v in lon], dtype=float)
    lat = np.array([np.nan if v is None else v for v in lat], dtype=float)
    monde = 512 * 2 ** zoom
    x = (lon + 180) / 360 * monde - cx
    y = np.degrees(np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))) / 360 * monde + cy
    return x, y


def _liste(v: np.ndarray) -> list:
    return [None if np.isnan(a) else round(float(a), 1) for a in v]


def anneaux(geometrie: dict) -> list[list]:
    """Les contours extérieurs d'un polygone ou multipolygone GeoJSON."""
    polygones = geometrie["coordinates"] if geometrie["type"] == "MultiPolygon" else [geometrie["coordinates"]]
    return [p[0] for p in polygones]


def couleur_classe(z: float, zmin: float, zmax: float, echelle: list) -> str:
    """La couleur d'une unité de la choroplèthe : la marche de l'échelle en escalier où tombe sa valeur."""
    position = (z - zmin) / ((zmax - zmin) or 1)
    return next((c for seuil, c in echelle if seuil >= position), echelle[-1][1])


def pour_image(d: dict, largeur: float, hauteur: float) -> dict:
    """Une carte de choroplethe() (en dictionnaire) pour une image fixe de `largeur` × `hauteur` px (diapositive,
    PNG, SVG, PDF) : recadrée, et dessinée en vecteurs (polygones et traits sur des axes cachés, projection Web
    Mercator, les noms en annotations) au lieu de MapLibre. Dans Kaleido, MapLibre (WebGL sans carte graphique)
    prenait 2 à 5 s par carte, et ses noms attendaient hors ligne un serveur de polices 6 à 8 s de plus ; le dessin
    est le même, au même cadrage, et le SVG est enfin un vrai dessin vectoriel."""
    mise = recadrer(d.get("layout", {}), largeur, hauteur)
    if mise is d.get("layout") or "map" not in mise:
        return d
    marges = mise.get("margin", {})
    l_, h_ = largeur - marges.get("l", 0) - marges.get("r", 0), hauteur - marges.get("t", 0) - marges.get("b", 0)
    centre, zoom = mise["map"]["center"], mise["map"]["zoom"]
    cx, cy = pixels(centre["lon"], centre["lat"], zoom)
    # les noms s'écartent ou se rapprochent avec le zoom : leur police suit (12 px au moins, pour la projection)
    agrandi = min(max(2 ** (zoom - mise["meta"].get("zoom_ecran", zoom)), 12 / TAILLE_ETIQUETTE), 1.4)
    traces, annotations = [], list(mise.get("annotations", []))
    for t in d.get("data", []):
        if t.get("type") == "choroplethmap":  # une couche de polygones pleins par couleur
            formes = {f["id"]: f["geometry"] for f in t["geojson"]["features"]}
            par_couleur: dict[str, tuple[list, list]] = {}
            for code, z in zip(t["locations"], t["z"]):
                lon, lat = par_couleur.setdefault(couleur_classe(z, t["zmin"], t["zmax"], t["colorscale"]), ([], []))
                for anneau in anneaux(formes[code]):
                    lon += [p[0] for p in anneau] + [None]
                    lat += [p[1] for p in anneau] + [None]
            for couleur, (lon, lat) in par_couleur.items():
                x, y = projeter(lon, lat, zoom, cx, cy)
                traces.append({"type": "scatter", "x": _liste(x), "y": _liste(y), "mode": "lines", "fill": "toself",
                               "fillcolor": couleur, "opacity": t.get("marker", {}).get("opacity", 1),
                               "line": {"color": "white", "width": 0.6}, "hoverinfo": "skip", "showlegend": False})
        elif t.get("name") in COUCHES_DE_NOMS:
            xa, ya, dx, dy = ANCRES.get(t.get("textposition", "top center"), ANCRES["top center"])
            x, y = projeter(t["lon"], t["lat"], zoom, cx, cy)
            for a, b, nom in zip(x, y, t["text"]):
                annotations.append({"text": nom_en_lignes(nom), "xref": "x", "yref": "y", "x": float(a),
                                    "y": float(b), "xanchor": xa, "yanchor": ya, "xshift": dx, "yshift": dy,
                                    "showarrow": False,
                                    "font": {"size": round(TAILLE_ETIQUETTE * agrandi), "color": COULEUR_ETIQUETTE}})
            if t.get("marker", {}).get("size"):
                traces.append({"type": "scatter", "x": _liste(x), "y": _liste(y), "mode": "markers",
                               "marker": {"size": t["marker"]["size"], "color": COULEUR_ETIQUETTE},
                               "hoverinfo": "skip", "showlegend": False})
        else:  # les traits : limites départementales, offre insuffisante, encadrés
            x, y = projeter(t["lon"], t["lat"], zoom, cx, cy)
            traces.append({"type": "scatter", "x": _liste(x), "y": _liste(y), "mode": "lines", "line": t["line"],
                           "hoverinfo": "skip", "showlegend": False})
    # des axes cachés aux pixels près : le cadre de la carte, une unité = un pixel dans les deux sens
    axe = {"visible": False, "fixedrange": True, "showgrid": False, "zeroline": False}
    mise = {k: v for k, v in mise.items() if k != "map"}
    mise.update(annotations=annotations, xaxis={**axe, "range": [-l_ / 2, l_ / 2]},
                yaxis={**axe, "range": [-h_ / 2, h_ / 2]}, plot_bgcolor="white")
    return {**d, "data": traces, "layout": mise}


def encadre(rang: int) -> tuple[float, float, float, float]:
    """L'encadré n° rang de la colonne (lon min, lat min, lon max, lat max), du nord au sud."""
    nord = ENCADRE_NORD - rang * (ENCADRE_HAUTEUR + ENCADRE_ECART)
    return ENCADRE_OUEST, nord - ENCADRE_HAUTEUR, ENCADRE_OUEST + ENCADRE_LARGEUR, nord


def encadrer_outre_mer(geo: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[float, float, float, float]]]:
    """Si la carte mêle métropole et outre-mer, déplace chaque département d'outre-mer dans son encadré (agrandi
    ou réduit pour le remplir, proportions gardées) ; rend les contours et les encadrés utilisés."""
    drom = geo["departement"].isin(OUTRE_MER)
    if not drom.any() or drom.all():
        return geo, []
    geo, encadres = geo.copy(), []
    for dep in OUTRE_MER:
        lignes = geo["departement"].eq(dep) & geo["couche"].eq("unite")
        if not lignes.any():
            continue
        formes = shapely.from_geojson(list(geo.loc[lignes, "geometrie"]))
        x0, y0, x1, y1 = shapely.total_bounds(formes)
        cadre = encadre(len(encadres))
        encadres.append(cadre)
        # un degré de longitude est plus court au nord : cos(latitude) rapporte les deux lieux à la même mesure
        cos_source, cos_cadre = math.cos(math.radians((y0 + y1) / 2)), math.cos(math.radians((cadre[1] + cadre[3]) / 2))
        echelle = 0.9 * min((cadre[2] - cadre[0]) * cos_cadre / max((x1 - x0) * cos_source, 1e-6),
                            (cadre[3] - cadre[1]) / max(y1 - y0, 1e-6))
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        kx, ky = (cadre[0] + cadre[2]) / 2, (cadre[1] + cadre[3]) / 2
        def deplacer(xy, cx=cx, cy=cy, kx=kx, ky=ky, e=echelle, r=cos_source / cos_cadre):
            return np.column_stack([kx + (xy[:, 0] - cx) * e * r, ky + (xy[:, 1] - cy) * e])
        geo.loc[lignes, "geometrie"] = shapely.to_geojson(shapely.transform(formes, deplacer))
    return geo, encadres


def traits(geometries: pd.Series) -> tuple[list, list]:
    """Contours extérieurs de quelques géométries, en listes lon / lat séparées par None (tracé de lignes)."""
    lon, lat = [], []
    for g in shapely.from_geojson(list(geometries)):
        for poly in getattr(g, "geoms", [g]):
            x, y = poly.exterior.coords.xy
            lon += [*x, None]
            lat += [*y, None]
    return lon, lat


def boite_etiquette(x: float, y: float, nom: str, position: str) -> tuple[float, float, float, float]:
    """La boîte (px) d'un nom posé près du point (x, y) à `position` (« top center », « bottom center »,
    « middle right », « middle left ») : MapLibre renvoie à la ligne un nom de plus de 10 em (deux lignes)."""
    em = len(nom) * 0.6
    largeur = min(em, LIGNE_ETIQUETTE_EM) * TAILLE_ETIQUETTE + 12
    hauteur = math.ceil(em / LIGNE_ETIQUETTE_EM) * TAILLE_ETIQUETTE * 1.2 + 8
    if position == "top center":
        return x - largeur / 2, y - hauteur - 4, x + largeur / 2, y + 4
    if position == "bottom center":
        return x - largeur / 2, y - 4, x + largeur / 2, y + hauteur + 4
    if position == "middle right":
        return x - 4, y - hauteur / 2, x + largeur + 4, y + hauteur / 2
    return x - largeur - 4, y - hauteur / 2, x + 4, y + hauteur / 2


POSITIONS = ("top center", "bottom center", "middle right", "middle left")  # essayées dans cet ordre


def etiquettes(unites: pd.DataFrame, codes: list[str], noms: dict[str, str], zoom: float) -> pd.DataFrame:
    """Les noms à écrire sur la carte (colonnes lon, lat, nom, position) : ceux des unités `codes`, dans cet ordre
    (les plus importantes d'abord), au plus ETIQUETTES. Chaque nom essaie quatre places autour de son point (au-dessus,
    dessous, à droite, à gauche) ; s'il touche partout un nom déjà posé, au zoom de l'écran, il est laissé (à un zoom
    plus fort, diapositive ou présentation, les noms s'écartent encore)."""
    geometries = dict(zip(unites["code"], unites["geometrie"]))
    codes = [c for c in codes if c in geometries]
    points = shapely.point_on_surface(shapely.from_geojson([geometries[c] for c in codes])) if codes else []
    gardees, boites = [], []
    for code, point in zip(codes, points):
        x, y = pixels(point.x, point.y, zoom)
        for position in POSITIONS:
            boite = boite_etiquette(x, y, noms[code], position)
            if not any(boite[0] < b[2] and b[0] < boite[2] and boite[1] < b[3] and b[1] < boite[3] for b in boites):
                boites.append(boite)
                gardees.append({"lon": point.x, "lat": point.y, "nom": noms[code], "position": position})
                break
        if len(gardees) == ETIQUETTES:
            break
    return pd.DataFrame(gardees, columns=["lon", "lat", "nom", "position"])


def textes(lon: list[float], lat: list[float], noms: list[str], nom_trace: str, position: str = "top center",
           point: int = 4) -> go.Scattermap:
    """Une couche de noms posés sur la carte, chacun près d'un point de `point` px (ni survol ni clic : le clic reste
    aux unités dessous). Un point, même nul : sans lui (mode « text » seul), Kaleido ne dessine pas la carte."""
    return go.Scattermap(lon=lon, lat=lat, text=noms, mode="markers+text", textposition=position, name=nom_trace,
                         marker={"size": point, "color": COULEUR_ETIQUETTE},
                         textfont={"size": TAILLE_ETIQUETTE, "color": COULEUR_ETIQUETTE}, hoverinfo="skip",
                         showlegend=False)


def choroplethe(table: pd.DataFrame, geo: pd.DataFrame, colonne: str, couleurs: dict[str, str], titre: str,
                note: str, zones: list[str] | None = None, survol: list[str] | None = None,
                nommees: list[str] | None = None, filtre: str = "") -> go.Figure:
    """Carte des unités colorées par classe, avec les frontières départementales et les zones d'offre insuffisante ;
    cadrée sur le territoire (qui remplit le cadre), les noms des unités `nommees` (codes, les plus importantes
    d'abord) écrits sans se chevaucher, une légende (les classes, puis `filtre`, la sélection en une phrase) au-dessus
    de la carte, les encadrés d'outre-mer nommés.

    table : une ligne par unité, colonnes code, nom, `colonne` (la classe) et les textes de survol.
    """
    geo, encadres = encadrer_outre_mer(geo)
    unites = geo[geo["couche"] == "unite"]
    fig = go.Figure()
    survol = survol or []
    texte_survol = "<b>%{customdata[0]}</b><br>" + "<br>".join(
        f"%{{customdata[{i + 1}]}}" for i in range(len(survol))) + "<extra></extra>"
    # une seule couche pour toutes les unités (une source MapLibre) : la classe devient un indice, l'échelle
    # de couleurs est en escalier ; la légende est une annotation (legende)
    classes = [c for c in couleurs if (table[colonne] == c).any()]
    indice = {c: i for i, c in enumerate(classes)}
    n = max(len(classes), 1)
    echelle = []
    for i, c in enumerate(classes):
        echelle += [[i / n, couleurs[c]], [(i + 1) / n, couleurs[c]]]
    lignes = table[table[colonne].isin(classes)]
    fig.add_trace(go.Choroplethmap(
        geojson=collection(unites[unites["code"].isin(lignes["code"])]), locations=lignes["code"],
        z=[indice[c] + 0.5 for c in lignes[colonne]], zmin=0, zmax=n, colorscale=echelle or [[0, "#FFFFFF"],
                                                                                          [1, "#FFFFFF"]],
        featureidkey="properties.code", showscale=False, showlegend=False, name="",
        marker={"line": {"color": "white", "width": 0.6}, "opacity": 0.9},
        selected={"marker": {"opacity": 1.0}}, unselected={"marker": {"opacity": 0.9}},
        customdata=lignes[["nom", *survol]].values, hovertemplate=texte_survol))
    departements = geo[geo["couche"] == "departement"]
    lignes_legende = [(couleurs[c], c, "carré") for c in classes]
    if not departements.empty:
        lon, lat = traits(departements["geometrie"])
        fig.add_trace(go.Scattermap(lon=lon, lat=lat, mode="lines",
                                    line={"color": COULEUR_DEPARTEMENT, "width": EPAISSEUR_DEPARTEMENT},
                                    name="limite départementale", hoverinfo="skip", showlegend=False))
        lignes_legende.append((COULEUR_DEPARTEMENT, "limite départementale", "trait"))
    if zones:
        lon, lat = traits(unites.loc[unites["code"].isin(zones), "geometrie"])
        fig.add_trace(go.Scattermap(lon=lon, lat=lat, mode="lines",
                                    line={"color": COULEUR_ZONE, "width": EPAISSEUR_ZONE},
                                    name="offre insuffisante", hoverinfo="skip", showlegend=False))
        lignes_legende.append((COULEUR_ZONE, "offre insuffisante", "trait"))
    formes = unites["geometrie"] if not unites.empty else departements["geometrie"]
    bornes = tuple(float(b) for b in shapely.total_bounds(shapely.from_geojson(list(formes))))
    hauteur_carte = hauteur_zone(bornes)
    centre, zoom = cadrage(bornes, LARGEUR_ECRAN, hauteur_carte)
    if encadres:
        lon = [v for x0, y0, x1, y1 in encadres for v in (x0, x1, x1, x0, x0, None)]
        lat = [v for x0, y0, x1, y1 in encadres for v in (y0, y0, y1, y1, y0, None)]
        fig.add_trace(go.Scattermap(lon=lon, lat=lat, mode="lines", line={"color": GRIS_CONTOUR, "width": 1},
                                    name="outre-mer", hoverinfo="skip", showlegend=False))
        deps = [d for d in OUTRE_MER if (unites["departement"] == d).any()]
        fig.add_trace(textes([c[2] + 0.15 for c in encadres], [(c[1] + c[3]) / 2 for c in encadres],
                             [NOMS_OUTRE_MER[d] for d in deps], "noms des encadrés", "middle right", point=0))
    if nommees:
        noms = etiquettes(unites, nommees, dict(zip(table["code"], table["nom"])), zoom)
        for position, groupe in noms.groupby("position", sort=False):  # une couche par place autour du point
            fig.add_trace(textes(list(groupe["lon"]), list(groupe["lat"]), list(groupe["nom"]), "noms", position))
    annotation, lignes_haut = legende(lignes_legende, filtre)
    haut = 64 + LIGNE_LEGENDE * lignes_haut
    fig.update_layout(map={"style": "white-bg", "center": centre, "zoom": zoom}, clickmode="event+select",
                      meta={"bornes": list(bornes), "zoom_ecran": zoom})
    graphiques.mise_en_page(fig, titre, note, hauteur=haut + hauteur_carte + MARGE_BAS)
    fig.update_layout(margin={"l": 0, "r": 0, "t": haut, "b": MARGE_BAS}, showlegend=False)
    fig.add_annotation(annotation)
    return fig


def tres_clair(couleur: str) -> bool:
    """Vrai pour une couleur « #RRGGBB » presque blanche (luminance relative > 0,85)."""
    if not (couleur.startswith("#") and len(couleur) == 7):
        return False
    r, v, b = (int(couleur[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * v + 0.0722 * b > 0.85


def legende(lignes: list[tuple[str, str, str]], filtre: str = "") -> tuple[dict, int]:
    """La légende de la carte, au-dessus d'elle (elle ne couvre aucune commune) : un carré par classe, un trait par
    contour, puis la sélection en une phrase ; et son nombre de lignes.

    Une annotation plutôt que des traces vides : chaque trace ajoute à MapLibre une source et ses couches,
    que le navigateur prépare avant de dessiner la carte."""
    def symbole(couleur: str, forme: str) -> str:
        if forme == "trait":
            return f'<span style="color:{couleur}">━</span>'
        if tres_clair(couleur):  # un carré presque blanc ne se verrait pas : son contour en gris
            return f'<span style="color:{GRIS_CONTOUR}">□</span>'
        return f'<span style="color:{couleur}">■</span>'
    texte = "    ".join(f"{symbole(couleur, forme)} {libelle}" for couleur, libelle, forme in lignes)
    if filtre:
        # « France ; en tension » : l'espace avant le point-virgule est insécable (pas de ligne qui commence par « ; »)
        texte += "<br>" + graphiques.couper(filtre.replace(" ;", "\u00a0;"), CARACTERES_LEGENDE)
    # la police de la figure (13 px à l'écran, 17 px sur une diapositive) : la légende se lit projetée
    annotation = {"text": texte, "xref": "paper", "yref": "paper", "x": 0, "y": 1, "yshift": 6, "xanchor": "left",
                  "yanchor": "bottom", "align": "left", "showarrow": False}
    return annotation, texte.count("<br>") + 1
