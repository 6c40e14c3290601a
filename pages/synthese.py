"""Synthèse petite enfance : besoins, offre, adéquation, comme le portrait du document 004."""

import streamlit as st

from portrait.surfaces import cache, ecran

ctx = ecran.contexte()
vue = cache.synthese(ctx.signature, ctx.territoire, ctx.annee)

ecran.entete(vue)

st.header("Besoins", divider="gray")
st.markdown(f"**{vue.naissances.intitule}**")
ecran.chiffres(vue.naissances.chiffres, par_rangee=4)
ecran.figure(vue.series_naissances, vue.series_naissances.demo)
ecran.figure(vue.series_enfants, vue.series_enfants.demo)
ecran.tableau(vue.besoins)

st.header("Offre", divider="gray")
ecran.figure(vue.places, vue.places.demo)
ecran.tableau(vue.offre)
ecran.chiffres(vue.retraite.chiffres, par_rangee=2)
ecran.figure(vue.ages, vue.ages.demo)

st.header("Adéquation besoins / offre", divider="gray")
st.markdown(f"**{vue.couverture.intitule}**")
ecran.chiffres(vue.couverture.chiffres, par_rangee=4)
ecran.figure(vue.figure_couverture, vue.figure_couverture.demo)
