"""Accueil : les chiffres clés du territoire à côté de ses comparateurs, et d'où viennent les données."""

import streamlit as st

from portrait.surfaces import cache, ecran

ctx = ecran.contexte()
vue = cache.accueil(ctx.signature, ctx.territoire, ctx.annee)

ecran.entete(vue)
ecran.chiffres(vue.chiffres, par_rangee=5)
ecran.tableau(vue.comparaison, transposer=True)

with st.expander(vue.etat.titre, expanded=False):
    ecran.tableau(vue.etat, telecharger=False, entete=False)
