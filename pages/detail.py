"""Détail par indicateur : chaque commune du territoire, triée, face à l'EPCI et au département."""

import streamlit as st

from portrait.regles import catalogue
from portrait.surfaces import cache, ecran, url
from portrait.vues import commun, graphiques
from portrait.vues import detail as vue_detail

ANNEES_SERIES = tuple(range(2016, 2025))

ctx = ecran.contexte()
themes = list(catalogue.THEMES_DETAIL)
url.parametre_url("theme", themes, "taux de couverture petite enfance")
st.title(f"Détail par indicateur · {ctx.nom}")
c1, c2 = st.columns([2, 1])
theme = c1.selectbox("Choix de l'indicateur", themes, key="theme")
modes = list(catalogue.THEMES_DETAIL[theme])
url.parametre_url("mode", modes, modes[0])
mode = c2.radio("Mode", modes, key="mode", horizontal=True)
id_indicateur = catalogue.THEMES_DETAIL[theme][mode]

detail = cache.detail(ctx.signature, ctx.territoire, id_indicateur, ctx.annee)
communes = vue_detail.communes_detail(detail)
demo = bool(detail["demo"].any())
titre = commun.titre(id_indicateur, ctx.nom, ctx.annee)
note = commun.note([id_indicateur], ctx.annee, demo)
ecran.bandeau_demo(demo)

st.subheader(titre)
tableau = vue_detail.tableau_detail(detail, id_indicateur)
st.dataframe(commun.styler(tableau, [id_indicateur]), hide_index=True, width="stretch",
             height=min(38 + 35 * len(tableau), 600))
st.caption(note + " Cliquez sur un en-tête pour trier.")
ecran.telechargements(tableau, [id_indicateur], f"detail_{id_indicateur}_{ctx.code}_{ctx.annee}", titre, note)

ecran.graphique(graphiques.barres_communes(
    communes, id_indicateur, titre, note, vue_detail.references_detail(detail),
    surligne=ctx.territoire), cle="detail_barres", demo=demo)

st.subheader(f"Évolution, {ecran.libelle_indicateur(id_indicateur)}, 2016-2024")
options = list(communes["territoire"])
noms = vue_detail.noms_territoires(detail)
url.parametres_url_liste("communes", options, [ctx.territoire] if ctx.territoire in options else options[:3])
choix = st.multiselect("Communes à suivre", options, key="communes", format_func=lambda t: noms.get(t, t))
references = vue_detail.territoires_reference(detail)
serie = cache.serie(ctx.signature, tuple(choix + references), id_indicateur, ANNEES_SERIES)
ecran.graphique(graphiques.courbes(
    vue_detail.serie_avec_roles(serie, detail), id_indicateur,
    f"{ecran.libelle_indicateur(id_indicateur)}, communes choisies, 2016-2024", note),
    cle="detail_series", demo=demo)
url.ecrire_url(theme=theme, mode=mode, communes=choix)
