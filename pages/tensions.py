"""Tensions SPPE : où l'accueil manque, où les assistantes maternelles partent, où le besoin grandit."""

import streamlit as st

from portrait.regles import catalogue, tensions
from portrait.surfaces import cache, ecran, url
from portrait.vues import commun
from portrait.vues import tensions as vue_tensions

CHOIX_CARTE = [tensions.TENSION, *catalogue.INDICATEURS_TENSION,
               *(i.id for i in catalogue.CATALOGUE if i.id not in catalogue.INDICATEURS_TENSION)]
DEFAUTS = {
    "indicateur": tensions.TENSION, "methode": tensions.METHODES[0], "evolution": tensions.SEUIL_EVOLUTION_ENFANTS,
    "am60": tensions.SEUIL_AM_60_PLUS, "actifs": tensions.SEUIL_PARENTS_ACTIFS, "couverture": None,
    "k": tensions.K_DEFAUT, "exiges": [], "sppe": list(tensions.CLASSES_SPPE),
    "zone": tensions.SEUIL_ZONE_INSUFFISANTE, "filtre_carte": True,
}

ctx = ecran.contexte()
cadre = cache.cadre_tensions(ctx.signature, ctx.territoire)
nom_cadre = cache.infos_territoire(ctx.signature, cadre)["nom"]
unites = "EPCI" if cadre == "france" else "communes"
valeur_reference, ecart_reference, reference_courte = vue_tensions.reference_tensions(cadre)
url.parametre_url("indicateur", CHOIX_CARTE, DEFAUTS["indicateur"])
url.parametre_url("methode", list(tensions.METHODES), DEFAUTS["methode"])
for cle, maxi in (("evolution", 100.0), ("am60", 100.0), ("actifs", 100.0), ("zone", 300.0)):
    url.parametre_url_nombre(cle, DEFAUTS[cle], -100.0, maxi)
url.parametre_url_nombre("couverture", None, 0.0, 300.0)
url.parametre_url_entier("k", DEFAUTS["k"], 1, 4)
url.parametres_url_liste("exiges", list(catalogue.INDICATEURS_TENSION), DEFAUTS["exiges"])
url.parametres_url_liste("sppe", list(tensions.CLASSES_SPPE), DEFAUTS["sppe"])
url.parametre_url_booleen("filtre_carte", DEFAUTS["filtre_carte"])

# L'en-tête (titre, filtres, décompte, choix de la carte) est réservé ici mais rempli après la carte : les valeurs
# des filtres sont déjà dans session_state, et la carte part la première vers le navigateur.
entete = st.container()

seuils = tensions.Seuils(st.session_state["evolution"], st.session_state["am60"], st.session_state["actifs"],
                         st.session_state["couverture"], st.session_state["k"], tuple(st.session_state["exiges"]))
indicateur = st.session_state["indicateur"]
table = cache.tensions(ctx.signature, cadre, ctx.annee, tensions.indicateurs_a_lire(indicateur))
filtres = st.session_state[ecran.FILTRES_TENSIONS] = tensions.Filtres(seuils, st.session_state["zone"],
                                                                          tuple(st.session_state["sppe"]))
evaluee = tensions.evaluer(table, filtres)
retenues, total = tensions.decompte(evaluee)
demo = bool(evaluee["demo"].any())

# --- Carte -----------------------------------------------------------------------------------------------------
carte = cache.carte_tensions(ctx.signature, cadre, ctx.annee, nom_cadre, indicateur, st.session_state["methode"],
                                 st.session_state["filtre_carte"], filtres)
# l'image de la carte : l'appareil photo de sa barre d'outils (PNG 1 600 × 900, titre et source compris)
evenement = ecran.graphique(carte, cle="carte_tensions", demo=demo, images=False, on_select="rerun",
                                selection_mode="points")

with entete:
    st.title(f"Tensions SPPE · {nom_cadre}")
    st.caption(f"{ctx.annee} · service public de la petite enfance (loi du 18 décembre 2023) : repérer les zones "
               "où l'offre d'accueil est insuffisante ou difficile d'accès. France entière : une ligne par EPCI.")
    with st.container(border=True):
        st.markdown("**Critères de tension** : une commune est en tension quand elle remplit au moins *k* critères "
                    "(et tous les critères exigés).")
        c1, c2, c3, c4, c5 = st.columns(5, vertical_alignment="bottom")
        c1.number_input("Évolution des 0-2 ans ≥ (%)", key="evolution", step=1.0, format="%g")
        c2.number_input("AM de 60 ans et plus ≥ (%)", key="am60", step=1.0, format="%g")
        c3.number_input("Enfants avec parents actifs ≥ (%)", key="actifs", step=1.0, format="%g")
        # value=None : le champ peut toujours être vidé (retour à la valeur de référence), même rempli par l'URL
        c4.number_input("Taux de couverture < (%)", value=None, key="couverture", step=1.0, format="%g",
                        placeholder=reference_courte, help=f"Vide : la {valeur_reference}.")
        c5.button("Réinitialiser", on_click=url.reinitialiser, args=(DEFAUTS,), icon=":material/restart_alt:")
        c6, c7 = st.columns([1, 3.6])
        c6.radio("Au moins k critères", [1, 2, 3, 4], key="k", horizontal=True)
        c7.pills("dont tous les critères exigés", catalogue.INDICATEURS_TENSION, selection_mode="multi",
                 key="exiges", format_func=vue_tensions.COLONNES_TENSION.get,
                 help="Aucun : k critères quelconques. Faible couverture et départs en retraite : exigez « taux de "
                      "couverture » et « part AM 60 ans et plus ».")
        st.pills("Compétences SPPE (population légale)", tensions.CLASSES_SPPE, selection_mode="multi", key="sppe",
                 help="Aucune classe choisie : toutes les communes.")
    ecran.bandeau_demo(demo)
    st.subheader(vue_tensions.decompte_tension(retenues, total, cadre == "france"))
    c1, c2, c3, c4 = st.columns([1.6, 1.5, 1.2, 1.5])
    c1.selectbox("Indicateur de la carte", CHOIX_CARTE, key="indicateur",
                 format_func=vue_tensions.libelle_indicateur_carte)
    c2.radio("Classes", tensions.METHODES, key="methode", horizontal=True, disabled=indicateur == tensions.TENSION,
             format_func=vue_tensions.libelles_methodes(cadre).get)
    c3.number_input("Offre insuffisante < (%)", key="zone", step=5.0, format="%g",
                    help="Taux de couverture sous ce seuil, ou aucune place d'accueil collectif pour des enfants de "
                         "moins de 3 ans : contour violet sur la carte, liste sous le tableau.")
    c4.toggle(f"Griser les {unites} hors filtre", key="filtre_carte")

points = (evenement.selection.get("points") if evenement else None) or []
if points:
    st.session_state["selection"] = points[0].get("location")
choisie = st.session_state.get("selection") or st.query_params.get("commune")
ligne = vue_tensions.ligne_unite(evaluee, choisie) if choisie else None
if ligne is not None:
    portrait = cache.portrait_territoire(ctx.signature, ligne["territoire"], ctx.annee)
    with st.container(border=True):
        st.markdown(f"**{ligne['nom']}** · {vue_tensions.resume_sppe(ligne)}")
        ecran.chiffres(commun.chiffres_territoire(portrait, vue_tensions.CHIFFRES_TENSION))
else:
    st.caption(f"Cliquez sur une {'intercommunalité' if cadre == 'france' else 'commune'} de la carte pour voir "
               "son portrait. Image de la carte pour une diapositive : l'appareil photo en haut à droite de la carte "
               "(PNG 1 600 × 900).")

# --- Tableau « identification des tensions » --------------------------------------------------------------------
titre = f"Identification des tensions, {nom_cadre}, {ctx.annee}"
st.subheader(titre)
tout_voir = st.toggle(f"Montrer toutes les {unites}, pas seulement celles en tension", key="tout_voir",
                      bind="query-params")
tableau = vue_tensions.tableau_tensions(evaluee, retenues_seulement=not tout_voir)
st.html(vue_tensions.html_tensions(tableau, evaluee))
note_tableau = commun.note(catalogue.INDICATEURS_TENSION, ctx.annee, demo,
                                 f"{vue_tensions.texte_filtres(filtres, cadre)} "
                                 f"Rouge : {ecart_reference} dans le sens de la tension.")
st.caption(f"{note_tableau} {vue_tensions.legende_competences()}")
ecran.telechargements(tableau, [], f"tensions_{cadre.replace(':', '_')}_{ctx.annee}", titre, note_tableau,
                          formats=vue_tensions.formats_excel_tensions())

# la liste des zones, déjà cernées sur la carte et signalées dans le tableau, s'ouvre à la demande (et reste ouverte
# dans l'URL partagée) : fermée, elle n'est pas dessinée et la carte arrive plus vite (≈ 0,08 s, README)
zones = st.expander(vue_tensions.titre_zones(evaluee, nom_cadre, ctx.annee), key="zones",
                    bind="query-params", icon=":material/crop_free:")
if zones.open:
    zones.html(vue_tensions.html_tensions(vue_tensions.tableau_zones(evaluee), evaluee))

url.ecrire_url(indicateur=indicateur, methode=st.session_state["methode"], evolution=seuils.evolution_enfants_0_2,
                     am60=seuils.part_am_60_plus, actifs=seuils.part_enfants_0_2_parents_actifs, k=seuils.k,
                     exiges=seuils.exiges,
                     sppe=st.session_state["sppe"], zone=st.session_state["zone"], couverture=seuils.taux_couverture,
                     commune=choisie, filtre_carte=st.session_state["filtre_carte"])
