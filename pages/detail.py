"""Détail par indicateur : chaque commune du territoire, triée, face à l'EPCI et au département."""

import streamlit as st

from portrait.regles import catalogue
from portrait.surfaces import cache, ecran, url

ctx = ecran.contexte()
url.lire(*url.PAGE_DETAIL)
etat = st.session_state
modes = list(catalogue.THEMES_DETAIL[etat["theme"]])
if etat["mode"] not in modes:  # un autre thème vient d'être choisi, ou l'URL n'en disait rien : son premier mode
    etat["mode"] = modes[0]
vue = cache.detail(ctx.signature, ctx.territoire, ctx.annee, etat["theme"], etat["mode"],
                   None if etat["communes"] is None else tuple(etat["communes"]))
etat["communes"] = list(vue.choix)  # les communes suivies retenues par la vue (celles du territoire)

ecran.entete(vue)
c1, c2 = st.columns([2, 1])
c1.selectbox("Choix de l'indicateur", list(catalogue.THEMES_DETAIL), key="theme", format_func=catalogue.libelle_theme)
c2.radio("Mode", modes, key="mode", horizontal=True)
ecran.tableau(vue.tableau, complement="Cliquez sur un en-tête pour trier.",
              height=min(38 + 35 * len(vue.tableau.valeurs), 600))
ecran.figure(vue.barres, vue.demo)

st.subheader(vue.intitule_evolution)
st.multiselect("Communes à suivre", list(vue.communes), key="communes", format_func=vue.communes.get)
ecran.figure(vue.evolution, vue.demo)
url.ecrire(*url.PAGE_DETAIL)
