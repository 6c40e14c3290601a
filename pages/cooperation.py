"""Chargés de coopération CTG : qui couvre quel EPCI, sur quelles thématiques, et où le référentiel n'est pas tenu."""

import streamlit as st

from portrait.regles import cooperation
from portrait.surfaces import cache, ecran, url
from portrait.vues import cartes, commun, graphiques
from portrait.vues import cooperation as vue_cooperation
from portrait.vues import tensions as vue_tensions

RATIOS = {"etp_pour_1000_enfants_0_2": "ETP pour 1 000 enfants de 0 à 2 ans",
          "etp_pour_10000_habitants": "ETP pour 10 000 habitants"}

ctx = ecran.contexte()
cadre = cache.cadre_tensions(ctx.signature, ctx.territoire)
nom_cadre = cache.infos_territoire(ctx.signature, cadre)["nom"]
url.parametre_url_nombre("forfait", float(cooperation.FORFAIT_ETP), 0.0, 200_000.0)
url.parametre_url("ratio", list(RATIOS), "etp_pour_1000_enfants_0_2")

st.title(f"Chargés de coopération CTG · {nom_cadre}")
st.caption(f"{ctx.annee} · postes financés par la Caf dans les conventions territoriales globales, par EPCI ; "
           "alertes du référentiel (au moins 0,2 ETP par affectation, thématiques obligatoires, COPIL, COF).")
c1, c2, c3 = st.columns([1, 2, 1])
forfait = c1.number_input("Forfait Caf par ETP (€)", key="forfait", step=1000.0, format="%.0f")
ratio = c2.radio("Carte", list(RATIOS), key="ratio", format_func=RATIOS.get, horizontal=True)
noms_visibles = c3.toggle("Afficher les noms", key="noms", help="Donnée personnelle : masquée par défaut.")

synthese, postes = cache.cooperation(ctx.signature, cadre, ctx.annee, forfait)
demo = bool(synthese["demo"].any())
ecran.bandeau_demo(demo)
chiffres = vue_cooperation.chiffres_cooperation(synthese)
for colonne, (libelle, valeur) in zip(st.columns(4), chiffres.items()):
    colonne.metric(libelle, valeur)

note = vue_cooperation.note_cooperation(ctx.annee, demo)
carte_table, couleurs = vue_cooperation.table_carte_cooperation(synthese, ratio)
ecran.graphique(cartes.choroplethe(
    carte_table, cache.contours(ctx.signature, cadre, "epci"), "classe", couleurs,
    f"{RATIOS[ratio]}, {nom_cadre}, {ctx.annee}", note, survol=vue_tensions.colonnes_survol(carte_table)),
    cle="carte_cooperation", demo=demo)

titre = f"Chargés de coopération par EPCI, {nom_cadre}, {ctx.annee}"
st.subheader(titre)
tableau = vue_cooperation.tableau_cooperation(synthese)
st.dataframe(tableau.style.format(vue_cooperation.formats_cooperation(tableau), na_rep="n.d."), hide_index=True,
             width="stretch", height=min(38 + 35 * len(tableau), 600))
st.caption(note)
ecran.telechargements(tableau, [], f"cooperation_{cadre.replace(':', '_')}_{ctx.annee}", titre, note,
                          formats=vue_cooperation.formats_excel_cooperation(tableau))

st.subheader(f"Priorités : tension SPPE et coopération petite enfance, {nom_cadre}, {ctx.annee}")
priorites = vue_cooperation.priorites(synthese, cache.part_en_tension_par_epci(ctx.signature, cadre, ctx.annee))
seuil_x, seuil_y = vue_cooperation.seuils_priorites(priorites)
ecran.graphique(graphiques.nuage_priorites(
    priorites, seuil_x, seuil_y, f"Tension SPPE et coopération petite enfance, {nom_cadre}, {ctx.annee}",
    note + " Lignes : médianes des EPCI. Tension : au moins 2 critères SPPE (seuils par défaut)."),
    cle="priorites", demo=demo)
liste = vue_cooperation.quadrant_prioritaire(priorites, seuil_x, seuil_y)
st.markdown(f"**Forte tension, peu de coopération** ({len(liste)} EPCI) : {commun.enumeration(liste)}.")
with st.expander(f"Les {len(liste)} EPCI « forte tension, peu de coopération »"):
    st.dataframe(vue_cooperation.tableau_priorites(priorites, liste), hide_index=True, width="stretch")

st.subheader(f"Postes, {nom_cadre}, {ctx.annee}")
postes_affiches = vue_cooperation.tableau_postes(postes, noms_visibles)
st.dataframe(postes_affiches, hide_index=True, width="stretch", height=min(38 + 35 * len(postes_affiches), 500))
ecran.telechargements(postes_affiches, [], f"postes_{cadre.replace(':', '_')}_{ctx.annee}",
                          f"Postes de chargés de coopération, {nom_cadre}, {ctx.annee}",
                          note + ("" if noms_visibles else " Noms masqués."),
                          formats={"ETP valorisés": "0.00", "ETP réels": "0.00"})

st.subheader(f"Enquête flash : activités déclarées, {nom_cadre}, {ctx.annee}")
oui, comptes = cooperation.resume_enquete(postes)
st.dataframe(oui.style.format({c: commun.pourcent_entier for c in oui.columns if c != "question"},
                              na_rep="n.d."), hide_index=True, width="stretch")
st.caption("Part des postes répondant « Oui », par thématique. " + note)
ecran.graphique(graphiques.boites(comptes, f"Réunions et instances dans l'année, {nom_cadre}, {ctx.annee}", note),
                    cle="boites_activite", demo=demo)
url.ecrire_url(forfait=f"{forfait:.0f}", ratio=ratio)
