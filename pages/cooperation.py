"""Chargés de coopération CTG : qui couvre quel EPCI, sur quelles thématiques, et où le référentiel n'est pas tenu."""

import streamlit as st

from portrait.surfaces import cache, ecran, url
from portrait.vues import cooperation as vue_cooperation

ctx = ecran.contexte()
url.lire(*url.PAGE_COOPERATION)  # les filtres de tension : ceux de l'URL, sinon ceux laissés par la page Tensions
etat = st.session_state
cadre = cache.cadre_tensions(ctx.signature, ctx.territoire)
filtres = etat[ecran.FILTRES_TENSIONS] = url.filtres_tensions()  # la fiche de la barre latérale les reprend

entete = st.container()  # titre et légende, remplis quand la vue est là
c1, c2, c3 = st.columns([1, 2, 1])
forfait = c1.number_input("Forfait Caf par ETP (€)", key="forfait", step=1000.0, format="%.0f")
ratio = c2.radio("Carte", list(vue_cooperation.RATIOS), key="ratio", format_func=vue_cooperation.RATIOS.get,
                 horizontal=True)
noms_visibles = c3.toggle("Afficher les noms", key="noms", help="Donnée personnelle : masquée par défaut.")
vue = cache.vue_cooperation(ctx.signature, cadre, ctx.annee, forfait, filtres, ratio, noms_visibles)

ecran.entete(vue, zone=entete, bandeau=False)
ecran.bandeau_demo(vue.demo)
for colonne, c in zip(st.columns(4), vue.chiffres):
    colonne.metric(c.libelle, c.valeur)

ecran.graphique(vue.carte.figure, cle=vue.carte.cle, demo=vue.demo)

ecran.tableau(vue.tableau, hauteur=600)

st.subheader(vue.titre_priorites)
ecran.graphique(vue.priorites.figure, cle=vue.priorites.cle, demo=vue.demo)
st.caption(vue.priorites.note)  # médianes de France, filtres de tension (ceux de la page Tensions)
st.markdown(vue.phrase_prioritaires)
with st.expander(vue.tableau_prioritaires.titre):
    ecran.tableau(vue.tableau_prioritaires, entete=False)

ecran.tableau(vue.postes, hauteur=500)

ecran.tableau(vue.enquete, telecharger=False)
ecran.graphique(vue.activites.figure, cle=vue.activites.cle, demo=vue.demo)
url.ecrire(*url.PAGE_COOPERATION)
