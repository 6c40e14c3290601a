"""Tensions SPPE : où l'accueil manque, où les assistantes maternelles partent, où le besoin grandit."""

import streamlit as st

from portrait.regles import catalogue, tensions
from portrait.surfaces import cache, ecran, url
from portrait.vues import tensions as vue_tensions

REINITIALISES = ("indicateur", "methode", "filtre_carte", *url.FILTRES_TENSIONS)  # le bouton « Réinitialiser »

ctx = ecran.contexte()
url.lire(*url.PAGE_TENSIONS)
etat = st.session_state
cadre = cache.cadre_tensions(ctx.signature, ctx.territoire)
filtres = etat[ecran.FILTRES_TENSIONS] = url.filtres_tensions()  # la fiche de la barre latérale les reprend
vue = cache.vue_tensions(ctx.signature, cadre, ctx.annee, filtres, etat["indicateur"], etat["methode"],
                         etat["filtre_carte"], etat["tout_voir"])
valeur_reference, ecart_reference, reference_courte = vue_tensions.reference_tensions(vue.par_epci)
_, unites = vue_tensions.unites_texte(vue.par_epci)

# L'en-tête (titre, filtres, décompte, choix de la carte) est réservé ici mais rempli après la carte : les valeurs
# des filtres sont déjà dans session_state, et la carte part la première vers le navigateur.
entete = st.container()

# --- Carte -----------------------------------------------------------------------------------------------------
# ses images (PNG, SVG 1 600 × 900) : titre, légende et filtres, source et année, mention de démonstration
presentation = ecran.en_presentation()
evenement = ecran.graphique(ecran.carte_presentation(vue.carte.figure) if presentation else vue.carte.figure,
                            cle=vue.carte.cle, demo=vue.demo, on_select="rerun", selection_mode="points",
                            **({"height": "stretch"} if presentation else {}))

with entete:
    # présentation : la carte en grand, dont la légende dit les filtres en une phrase ; l'en-tête n'en redit que le
    # décompte, comme la diapositive de la fiche (la phrase y était deux fois) ; aucun widget, aucune aide
    if presentation:
        st.title(vue.titre)
        st.markdown(f"{vue.decompte}.")
    else:
        ecran.entete(vue, bandeau=False)
        with st.container(border=True):
            st.markdown(vue.regle)
            c1, c2, c3, c4, c5 = st.columns(5, vertical_alignment="bottom")
            c1.number_input("Évolution des 0-2 ans ≥ (%)", key="evolution", step=1.0, format="%g")
            c2.number_input("AM de 60 ans et plus ≥ (%)", key="am60", step=1.0, format="%g")
            c3.number_input("Enfants avec parents actifs ≥ (%)", key="actifs", step=1.0, format="%g")
            # value=None : le champ peut toujours être vidé (retour à la valeur de référence), même rempli par l'URL
            c4.number_input("Taux de couverture < (%)", value=None, key="couverture", step=1.0, format="%g",
                            placeholder=reference_courte, help=f"Vide : la {valeur_reference}.")
            c5.button("Réinitialiser", on_click=url.reinitialiser, args=REINITIALISES, icon=":material/restart_alt:")
            c6, c7 = st.columns([1, 3.6])
            c6.radio("Au moins k critères", [1, 2, 3, 4], key="k", horizontal=True)
            c7.pills("dont tous les critères exigés", catalogue.INDICATEURS_TENSION, selection_mode="multi",
                     key="exiges", format_func=vue_tensions.COLONNES_TENSION.get,
                     help="Aucun : k critères quelconques. Faible couverture et départs en retraite : exigez « taux de "
                          "couverture » et « part AM 60 ans et plus ».")
            if vue.par_epci:
                st.caption("Compétences SPPE : la loi les donne aux communes selon leur population ; la vue France, "
                           "par EPCI, n'en montre ni n'en filtre.")
            else:
                st.pills("Compétences SPPE (population légale)", tensions.CLASSES_SPPE, selection_mode="multi",
                         key="sppe", help="Aucune classe choisie : toutes les communes.")
        ecran.bandeau_demo(vue.demo)
        st.subheader(vue.decompte)
        st.caption(vue.filtres)
        c1, c2, c3, c4 = st.columns([1.6, 1.5, 1.2, 1.5])
        c1.selectbox("Indicateur de la carte", vue_tensions.CHOIX_CARTE, key="indicateur",
                     format_func=vue_tensions.libelle_indicateur_carte)
        c2.radio("Classes", tensions.METHODES, key="methode", horizontal=True, disabled=etat["indicateur"] ==
                 tensions.TENSION, format_func=vue_tensions.libelles_methodes(vue.par_epci).get)
        c3.number_input("Offre insuffisante < (%)", key="zone", step=5.0, format="%g",
                        help="Taux de couverture sous ce seuil, ou aucune place d'accueil collectif pour des enfants "
                             "de moins de 3 ans : contour violet sur la carte, liste sous le tableau.")
        c4.toggle(f"Griser les {unites} hors filtre", key="filtre_carte")

points = (evenement.selection.get("points") if evenement else None) or []
if points:
    etat["commune"] = points[0].get("location")
panneau = etat["commune"] and cache.panneau_tensions(ctx.signature, cadre, ctx.annee, filtres, etat["commune"], vue)
if panneau:
    with st.container(border=True):
        st.markdown(panneau.titre)
        ecran.chiffres(panneau.chiffres)
elif not presentation:
    st.caption(f"Cliquez sur une {'intercommunalité' if vue.par_epci else 'commune'} de la carte pour voir son "
               "portrait.")

# --- Tableau « identification des tensions » --------------------------------------------------------------------
st.subheader(vue.tableau.titre)
if not presentation:
    st.toggle("Montrer tous les EPCI, pas seulement ceux en tension" if vue.par_epci
              else "Montrer toutes les communes, pas seulement celles en tension", key="tout_voir")
st.html(vue.html_tableau)
st.caption(vue.tableau.note + ("" if vue.par_epci else f" {vue_tensions.legende_competences()}"))
if not presentation:
    ecran.telechargements(vue.tableau.valeurs, [], vue.tableau.fichier, vue.tableau.titre, vue.tableau.note,
                          formats=vue.tableau.formats_excel)
    # la liste des zones, déjà cernées sur la carte et signalées dans le tableau, s'ouvre à la demande (et reste
    # ouverte dans l'URL partagée) : fermée, elle n'est pas dessinée et la carte arrive plus vite (≈ 0,08 s, README)
    zones = st.expander(vue.zones.titre, key="zones", on_change="rerun", icon=":material/crop_free:")
    if zones.open:
        zones.html(vue.html_zones)

url.ecrire(*url.PAGE_TENSIONS)
