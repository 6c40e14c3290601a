"""Détail par indicateur : chaque commune du territoire, triée, face à l'EPCI et au département."""

import streamlit as st

from portrait.regles import catalogue
from portrait.surfaces import cache, ecran, url

ctx = ecran.contexte()
themes = list(catalogue.THEMES_DETAIL)
url.parametre_url("theme", themes, "taux de couverture petite enfance")
titre = st.empty()
resume = st.empty()
c1, c2 = st.columns([2, 1])
theme = c1.selectbox("Choix de l'indicateur", themes, key="theme")
modes = list(catalogue.THEMES_DETAIL[theme])
url.parametre_url("mode", modes, modes[0])
mode = c2.radio("Mode", modes, key="mode", horizontal=True)

# les communes suivies : celles de la session (ou de l'URL au premier affichage), parmi celles de la vue
demande = st.session_state.get("communes")
vue = cache.detail(ctx.signature, ctx.territoire, ctx.annee, theme, mode, None if demande is None else tuple(demande))
url.parametres_url_liste("communes", list(vue.communes), vue.choix)
if st.session_state["communes"] != vue.choix:
    st.session_state["communes"] = [c for c in st.session_state["communes"] if c in vue.communes]
    vue = cache.detail(ctx.signature, ctx.territoire, ctx.annee, theme, mode, tuple(st.session_state["communes"]))

titre.title(vue.titre)
ecran.resume(vue.resume, resume)
ecran.bandeau_demo(vue.demo)
ecran.tableau(vue.tableau, complement="Cliquez sur un en-tête pour trier.",
              height=min(38 + 35 * len(vue.tableau.valeurs), 600))
ecran.figure(vue.barres, vue.demo)

st.subheader(vue.intitule_evolution)
st.multiselect("Communes à suivre", list(vue.communes), key="communes", format_func=vue.communes.get)
ecran.figure(vue.evolution, vue.demo)
url.ecrire_url(theme=theme, mode=mode, communes=vue.choix)
