"""Portrait de territoire petite enfance : point d'entrée, navigation et sélecteur de territoire partagé."""

import streamlit as st

from portrait.surfaces import acces, cache, ecran, prechauffe, reprise

# une exécution en cours : la préchauffe du serveur attend qu'elle finisse ; sa durée va au journal du serveur
with prechauffe.execution() as execution:
    reprise.poser()  # onglet reconnecté à un serveur neuf : son premier choix n'est pas perdu (surfaces/reprise.py)
    de_cote = reprise.mettre_de_cote()
    st.set_page_config(page_title="Portrait de territoire", page_icon=":material/child_care:", layout="wide")
    utilisateur = acces.porte()  # connexion exigée si elle est configurée ; bandeau d'accès ouvert sinon, au besoin
    cache.bandeau_donnees()  # données d'un import passé (?au=…), ou catalogue du magasin injoignable

    contexte = st.session_state["contexte"] = ecran.choix_territoire()
    ecran.mode_presentation()

    pages = [
        st.Page("pages/accueil.py", title="Accueil", icon=":material/home:", default=True, url_path="chiffres-cles"),
        st.Page("pages/synthese.py", title="Synthèse petite enfance", icon=":material/summarize:",
                url_path="synthese-petite-enfance"),
        st.Page("pages/detail.py", title="Détail par indicateur", icon=":material/table_rows:",
                url_path="detail-indicateur"),
        st.Page("pages/tensions.py", title="Tensions SPPE", icon=":material/map:", url_path="tensions-sppe"),
        st.Page("pages/cooperation.py", title="Chargés de coopération", icon=":material/groups:",
                url_path="charges-cooperation"),
        st.Page("pages/donnees.py", title="Données", icon=":material/upload_file:", url_path="donnees-imports"),
    ]
    pg = st.navigation(pages)
    execution.page = pg.url_path or "chiffres-cles"
    # RGAA : un titre d'onglet par page et territoire (lu en premier par un lecteur d'écran, distinct à l'historique)
    st.set_page_config(page_title=f"{pg.title} · {contexte.nom} · Portrait de territoire")
    try:
        pg.run()
    finally:  # la barre latérale vient après la page : le navigateur reçoit et dessine d'abord le contenu (la carte)
        ecran.selecteur_territoire(contexte)
        ecran.telechargement_fiche(contexte)
        ecran.bascule_presentation()
        acces.encart(utilisateur)
    reprise.reprendre(de_cote)
