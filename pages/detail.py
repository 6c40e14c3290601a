"""Détail par indicateur : chaque commune du territoire, triée, face à l'EPCI et au département."""

import streamlit as st

from portrait import graphiques, indicateurs, interface, presentation

ANNEES_SERIES = tuple(range(2016, 2025))

ctx = interface.contexte()
themes = list(indicateurs.THEMES_DETAIL)
interface.parametre_url("theme", themes, "taux de couverture petite enfance")
st.title(f"Détail par indicateur · {ctx.nom}")
c1, c2 = st.columns([2, 1])
theme = c1.selectbox("Choix de l'indicateur", themes, key="theme")
modes = list(indicateurs.THEMES_DETAIL[theme])
interface.parametre_url("mode", modes, modes[0])
mode = c2.radio("Mode", modes, key="mode", horizontal=True)
id_indicateur = indicateurs.THEMES_DETAIL[theme][mode]

detail = interface.detail(ctx.signature, ctx.territoire, id_indicateur, ctx.annee)
communes = presentation.communes_detail(detail)
demo = bool(detail["demo"].any())
titre = presentation.titre(id_indicateur, ctx.nom, ctx.annee)
note = presentation.note([id_indicateur], ctx.annee, demo)
interface.bandeau_demo(demo)

st.subheader(titre)
tableau = presentation.tableau_detail(detail, id_indicateur)
st.dataframe(presentation.styler(tableau, [id_indicateur]), hide_index=True, width="stretch",
             height=min(38 + 35 * len(tableau), 600))
st.caption(note + " Cliquez sur un en-tête pour trier.")
interface.telechargements(tableau, [id_indicateur], f"detail_{id_indicateur}_{ctx.code}_{ctx.annee}", titre, note)

interface.graphique(graphiques.barres_communes(
    communes, id_indicateur, titre, note, presentation.references_detail(detail),
    surligne=ctx.territoire), cle="detail_barres", demo=demo)

st.subheader(f"Évolution, {interface.libelle_indicateur(id_indicateur)}, 2016-2024")
options = list(communes["territoire"])
noms = presentation.noms_territoires(detail)
interface.parametres_url_liste("communes", options, [ctx.territoire] if ctx.territoire in options else options[:3])
choix = st.multiselect("Communes à suivre", options, key="communes", format_func=lambda t: noms.get(t, t))
references = presentation.territoires_reference(detail)
serie = interface.serie(ctx.signature, tuple(choix + references), id_indicateur, ANNEES_SERIES)
interface.graphique(graphiques.courbes(
    presentation.serie_avec_roles(serie, detail), id_indicateur,
    f"{interface.libelle_indicateur(id_indicateur)}, communes choisies, 2016-2024", note),
    cle="detail_series", demo=demo)
interface.ecrire_url(theme=theme, mode=mode, communes=choix)
