"""Chargés de coopération CTG : qui couvre quel EPCI, sur quelles thématiques, et où le référentiel n'est pas tenu."""

import streamlit as st

from portrait import cartes, cooperation, graphiques, interface, presentation

RATIOS = {"etp_pour_1000_enfants_0_2": "ETP pour 1 000 enfants de 0 à 2 ans",
          "etp_pour_10000_habitants": "ETP pour 10 000 habitants"}

ctx = interface.contexte()
cadre = interface.cadre_tensions(ctx.signature, ctx.territoire)
nom_cadre = interface.infos_territoire(ctx.signature, cadre)["nom"]
interface.parametre_url_nombre("forfait", float(cooperation.FORFAIT_ETP), 0.0, 200_000.0)
interface.parametre_url("ratio", list(RATIOS), "etp_pour_1000_enfants_0_2")

st.title(f"Chargés de coopération CTG · {nom_cadre}")
st.caption(f"{ctx.annee} · postes financés par la Caf dans les conventions territoriales globales, par EPCI ; "
           "alertes du référentiel (au moins 0,2 ETP par affectation, thématiques obligatoires, COPIL, COF).")
c1, c2, c3 = st.columns([1, 2, 1])
forfait = c1.number_input("Forfait Caf par ETP (€)", key="forfait", step=1000.0, format="%.0f")
ratio = c2.radio("Carte", list(RATIOS), key="ratio", format_func=RATIOS.get, horizontal=True)
noms_visibles = c3.toggle("Afficher les noms", key="noms", help="Donnée personnelle : masquée par défaut.")

synthese, postes = interface.cooperation(ctx.signature, cadre, ctx.annee, forfait)
demo = bool(synthese["demo"].any())
interface.bandeau_demo(demo)
chiffres = presentation.chiffres_cooperation(synthese)
for colonne, (libelle, valeur) in zip(st.columns(4), chiffres.items()):
    colonne.metric(libelle, valeur)

note = presentation.note_cooperation(ctx.annee, demo)
carte_table, couleurs = presentation.table_carte_cooperation(synthese, ratio)
interface.graphique(cartes.choroplethe(
    carte_table, interface.contours(ctx.signature, cadre, "epci"), "classe", couleurs,
    f"{RATIOS[ratio]}, {nom_cadre}, {ctx.annee}", note, survol=presentation.colonnes_survol(carte_table)),
    cle="carte_cooperation", demo=demo)

titre = f"Chargés de coopération par EPCI, {nom_cadre}, {ctx.annee}"
st.subheader(titre)
tableau = presentation.tableau_cooperation(synthese)
st.dataframe(tableau.style.format(presentation.formats_cooperation(tableau), na_rep="n.d."), hide_index=True,
             width="stretch", height=min(38 + 35 * len(tableau), 600))
st.caption(note)
interface.telechargements(tableau, [], f"cooperation_{cadre.replace(':', '_')}_{ctx.annee}", titre, note,
                          formats=presentation.formats_excel_cooperation(tableau))

st.subheader(f"Priorités : tension SPPE et coopération petite enfance, {nom_cadre}, {ctx.annee}")
priorites = presentation.priorites(synthese, interface.part_en_tension_par_epci(ctx.signature, cadre, ctx.annee))
seuil_x, seuil_y = presentation.seuils_priorites(priorites)
interface.graphique(graphiques.nuage_priorites(
    priorites, seuil_x, seuil_y, f"Tension SPPE et coopération petite enfance, {nom_cadre}, {ctx.annee}",
    note + " Lignes : médianes des EPCI. Tension : au moins 2 critères SPPE (seuils par défaut)."),
    cle="priorites", demo=demo)
liste = presentation.quadrant_prioritaire(priorites, seuil_x, seuil_y)
st.markdown(f"**Forte tension, peu de coopération** ({len(liste)} EPCI) : {presentation.enumeration(liste)}.")
with st.expander(f"Les {len(liste)} EPCI « forte tension, peu de coopération »"):
    st.dataframe(presentation.tableau_priorites(priorites, liste), hide_index=True, width="stretch")

st.subheader(f"Postes, {nom_cadre}, {ctx.annee}")
postes_affiches = presentation.tableau_postes(postes, noms_visibles)
st.dataframe(postes_affiches, hide_index=True, width="stretch", height=min(38 + 35 * len(postes_affiches), 500))
interface.telechargements(postes_affiches, [], f"postes_{cadre.replace(':', '_')}_{ctx.annee}",
                          f"Postes de chargés de coopération, {nom_cadre}, {ctx.annee}",
                          note + ("" if noms_visibles else " Noms masqués."),
                          formats={"ETP valorisés": "0.00", "ETP réels": "0.00"})

st.subheader(f"Enquête flash : activités déclarées, {nom_cadre}, {ctx.annee}")
oui, comptes = cooperation.resume_enquete(postes)
st.dataframe(oui.style.format({c: presentation.pourcent_entier for c in oui.columns if c != "question"},
                              na_rep="n.d."), hide_index=True, width="stretch")
st.caption("Part des postes répondant « Oui », par thématique. " + note)
interface.graphique(graphiques.boites(comptes, f"Réunions et instances dans l'année, {nom_cadre}, {ctx.annee}", note),
                    cle="boites_activite", demo=demo)
interface.ecrire_url(forfait=f"{forfait:.0f}", ratio=ratio)
