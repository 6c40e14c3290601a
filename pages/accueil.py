"""Accueil : les chiffres clés du territoire à côté de ses comparateurs, et d'où viennent les données."""

import streamlit as st

from portrait import interface, presentation

ctx = interface.contexte()
portrait = interface.portrait_territoire(ctx.signature, ctx.territoire, ctx.annee)
demo = bool(portrait["demo"].any())

st.title(f"Portrait de territoire · {ctx.nom}")
st.caption(f"Petite enfance, {ctx.annee} · {presentation.NIVEAUX_LIBELLES[ctx.niveau]} {ctx.code}")
interface.bandeau_demo(demo)

chiffres = presentation.chiffres_territoire(portrait)
for rangee in (chiffres[:5], chiffres[5:]):
    for colonne, c in zip(st.columns(5), rangee):
        colonne.metric(c["libelle"], c["valeur"], c["ecart"], delta_color="off", help=c["aide"])

st.subheader(f"Chiffres clés, {ctx.nom} et ses territoires de comparaison, {ctx.annee}")
st.dataframe(presentation.tableau_comparaison(portrait), width="stretch")
st.caption(presentation.note_source(presentation.CHIFFRES_CLES, ctx.annee, demo))

with st.expander("Données affichées : provenance et années", expanded=False):
    st.dataframe(presentation.etat_donnees(interface.etat_donnees(ctx.signature, ctx.territoire)),
                 hide_index=True, width="stretch")
    st.caption("Démonstration : valeurs générées, calées sur le document 004. "
               "Populations légales : Insee, réelles. Les fichiers importés remplacent la démonstration.")
