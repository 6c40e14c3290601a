"""Accueil : les chiffres clés du territoire à côté de ses comparateurs, et d'où viennent les données."""

import streamlit as st

from portrait.surfaces import cache, ecran
from portrait.vues import accueil as vue_accueil
from portrait.vues import commun

ctx = ecran.contexte()
portrait = cache.portrait_territoire(ctx.signature, ctx.territoire, ctx.annee)
demo = bool(portrait["demo"].any())

st.title(f"Portrait de territoire · {ctx.nom}")
st.caption(f"Petite enfance, {ctx.annee} · {commun.NIVEAUX_LIBELLES[ctx.niveau]} {ctx.code}")
ecran.bandeau_demo(demo)

chiffres = commun.chiffres_territoire(portrait)
for rangee in (chiffres[:5], chiffres[5:]):
    for colonne, c in zip(st.columns(5), rangee):
        colonne.metric(c["libelle"], c["valeur"], c["ecart"], delta_color="off", help=c["aide"])

st.subheader(f"Chiffres clés, {ctx.nom} et ses territoires de comparaison, {ctx.annee}")
st.dataframe(vue_accueil.tableau_comparaison(portrait), width="stretch")
st.caption(commun.note_source(vue_accueil.CHIFFRES_CLES, ctx.annee, demo))

with st.expander("Données affichées : provenance et années", expanded=False):
    st.dataframe(commun.etat_donnees(cache.etat_donnees(ctx.signature, ctx.territoire)),
                 hide_index=True, width="stretch")
    st.caption("Démonstration : valeurs générées, calées sur le document 004. "
               "Populations légales : Insee, réelles. Les fichiers importés remplacent la démonstration.")
