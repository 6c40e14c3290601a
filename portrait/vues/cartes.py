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
HAUTEUR = 640  # px : la carte occupe la largeur de la page ; assez haute pour lire une commune en COPIL
# Sur une carte qui mêle la métropole et l'outre-mer (la France par EPCI), chaque département d'outre-mer est
# ramené dans un encadré, en colonne à l'ouest de la Bretagne, comme sur les cartes de l'Insee : sinon le cadre
# couvre l'Atlantique et l'océan Indien et la métropole n'est plus qu'un point.
OUTRE_MER = ("971", "972", "973", "974", "976")  # Guadeloupe, Martinique, Guyane, La Réunion, Mayotte
ENCADRE_OUEST, ENCADRE_NORD = -10.6, 51.1  # degrés : coin nord-ouest de la colonne d'encadrés
ENCADRE_LARGEUR, ENCADRE_HAUTEUR, ENCADRE_ECART = 3.2, 1.75, 0.2  # degrés de longitude, de latitude


def contours(req: Requetes, territoire: str, unites: str = "communes") -> pd.DataFrame:
    """Les contours de la carte : les unités (communes ou EPCI ; EPCI pour la France) et les départements touchés."""
    return req.reference("contours_territoire", {"territoire": territoire, "unites": unites})


def collection(lignes: pd.DataFrame) -> dict:
    """FeatureCollection GeoJSON dont chaque entité porte l'identifiant `code`."""
    return {"type": "FeatureCollection",
            "features": [{"type": "Feature", "id": c, "properties": {"code": c}, "geometry": json.loads(g)}
                         for c, g in zip(lignes["code"], lignes["geometrie"])]}


def cadrage(geometries: pd.Series, largeur: int = 900, hauteur: int = 480) -> tuple[dict, float]:
    """Centre et zoom (projection Web Mercator, tuiles de 512 px) qui font tenir les géométries dans la carte."""
    formes = shapely.from_geojson(list(geometries))
    x0, y0, x1, y1 = shapely.total_bounds(formes)
    def y_merc(lat: float) -> float:
        return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))
    dx, dy = max(x1 - x0, 1e-3), max(y_merc(y1) - y_merc(y0), 1e-3)
    zoom = min(math.log2(360 * largeur / (512 * dx)), math.log2(360 * hauteur / (512 * dy))) - 0.15
    return {"lon": (x0 + x1) / 2, "lat": (y0 + y1) / 2}, float(max(0.5, min(12.0, zoom)))


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


def choroplethe(table: pd.DataFrame, geo: pd.DataFrame, colonne: str, couleurs: dict[str, str], titre: str,
                note: str, zones: list[str] | None = None, survol: list[str] | None = None,
                hauteur: int = HAUTEUR) -> go.Figure:
    """Carte des unités colorées par classe, avec les frontières départementales et les zones d'offre insuffisante.

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
    if encadres:
        lon = [v for x0, y0, x1, y1 in encadres for v in (x0, x1, x1, x0, x0, None)]
        lat = [v for x0, y0, x1, y1 in encadres for v in (y0, y0, y1, y1, y0, None)]
        fig.add_trace(go.Scattermap(lon=lon, lat=lat, mode="lines", line={"color": GRIS_CONTOUR, "width": 1},
                                    name="outre-mer", hoverinfo="skip", showlegend=False))
    centre, zoom = cadrage(unites["geometrie"] if not unites.empty else departements["geometrie"])
    fig.update_layout(map={"style": "white-bg", "center": centre, "zoom": zoom}, clickmode="event+select")
    graphiques.mise_en_page(fig, titre, note, hauteur=hauteur)
    fig.update_layout(margin={"l": 0, "r": 0, "t": 95, "b": 85}, showlegend=False)
    fig.add_annotation(legende(lignes_legende))
    return fig


def tres_clair(couleur: str) -> bool:
    """Vrai pour une couleur « #RRGGBB » presque blanche (luminance relative > 0,85)."""
    if not (couleur.startswith("#") and len(couleur) == 7):
        return False
    r, v, b = (int(couleur[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * v + 0.0722 * b > 0.85


def legende(lignes: list[tuple[str, str, str]]) -> dict:
    """La légende de la carte dans un cadre en haut à gauche : un carré par classe, un trait par contour.

    Une annotation plutôt que des traces vides : chaque trace ajoute à MapLibre une source et ses couches,
    que le navigateur prépare avant de dessiner la carte."""
    def symbole(couleur: str, forme: str) -> str:
        if forme == "trait":
            return f'<span style="color:{couleur}">━</span>'
        if tres_clair(couleur):  # un carré presque blanc ne se verrait pas : son contour en gris
            return f'<span style="color:{GRIS_CONTOUR}">□</span>'
        return f'<span style="color:{couleur}">■</span>'
    texte = "<br>".join(f"{symbole(couleur, forme)} {libelle}" for couleur, libelle, forme in lignes)
    return {"text": texte, "xref": "paper", "yref": "paper", "x": 0.01, "y": 0.98, "xanchor": "left",
            "yanchor": "top", "align": "left", "showarrow": False, "bgcolor": "rgba(255,255,255,0.85)",
            "borderpad": 6, "font": {"size": 14}}
