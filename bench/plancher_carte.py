"""Application minimale de référence : les mêmes contours avec px.choropleth_map, rien d'autre (le « plancher »).

La carte a la taille de celle de la page Tensions (pleine largeur, cartes.HAUTEUR) : à taille égale, le navigateur
dessine autant de pixels, et la comparaison mesure ce que la page ajoute autour de la carte.
`?figure=page` montre à la place, seule, la figure même de la page Tensions (vue par défaut) : l'écart entre les
deux sépare ce que coûte la figure (limite départementale, zones cernées, survol) de ce que coûte le reste de la page.
"""

import json
import sys
from pathlib import Path

import duckdb
import plotly.express as px
import streamlit as st

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))

from portrait.vues.cartes import HAUTEUR  # noqa: E402

st.set_page_config(layout="wide")
territoire = st.query_params.get("territoire", "departement:44")


@st.cache_data
def contours(territoire: str):
    ref = RACINE / "data" / "reference"
    if territoire == "france":
        df = duckdb.sql(f"select code, geometrie from '{ref}/contours_epci.parquet'").df()
    else:
        code = territoire.split(":")[1]
        df = duckdb.sql(f"select code, geometrie from '{ref}/contours_communes.parquet' "
                        f"where departement = '{code}'").df()
    geo = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": c, "properties": {"code": c}, "geometry": json.loads(g)}
        for c, g in zip(df["code"], df["geometrie"], strict=True)]}
    return df[["code"]].assign(valeur=range(len(df))), geo


@st.cache_resource
def figure_de_la_page(territoire: str, annee: int):
    from bench import vue_par_defaut
    from portrait.donnees.connexion import connecter
    from portrait.donnees.requetes import Requetes

    return vue_par_defaut.carte_tensions(Requetes(connecter(RACINE / "data")), territoire, annee)


if st.query_params.get("figure") == "page":
    fig = figure_de_la_page(territoire, int(st.query_params.get("annee", 2023)))
else:
    df, geo = contours(territoire)
    # tout le territoire dans le cadre, comme sur la page
    vue = {"zoom": 4.6, "center": {"lat": 46.6, "lon": 2.4}} if territoire == "france" else \
        {"zoom": 7, "center": {"lat": 47.3, "lon": -1.7}}
    fig = px.choropleth_map(df, geojson=geo, locations="code", featureidkey="properties.code", color="valeur",
                            map_style="white-bg", height=HAUTEUR, **vue)
st.plotly_chart(fig, theme=None, width="stretch")
