"""Données : importer un fichier (data.caf.fr, Insee, mesures), lire son rapport, confirmer ; annuler un import."""

import streamlit as st

from portrait.imports import depot, registre, sources
from portrait.imports.rapport import AnneeAPreciser, ErreurImport
from portrait.surfaces import acces, cache, ecran
from portrait.surfaces import correspondance as colonnes
from portrait.vues import commun
from portrait.vues import donnees as vue_donnees
from portrait.vues.texte import markdown_litteral

TAILLE_MAX = 200 * 1024 * 1024  # octets

ctx = ecran.contexte()
referent = acces.peut_modifier(acces.utilisateur())  # un lecteur ne voit ni dépôt ni annulation (refusés plus bas)
empeche = cache.imports_impossibles()  # catalogue injoignable, ou données d'un import passé
st.title("Données")
st.caption("Les fichiers importés remplacent les valeurs de démonstration de même territoire, année et indicateur."
           + (" Rien n'est écrit avant votre confirmation ; chaque import peut être annulé." if referent else ""))

if referent and empeche:
    st.info(empeche)
elif referent:
    st.header("Importer un fichier", divider="gray")
    fichier = st.file_uploader("Fichier CSV ou XLSX", type=["csv", "txt", "xlsx"], key="fichier",
                               help="Exports data.caf.fr (txcouv_pe_*, nbpla_pe_*), naissances Insee, population "
                                    "par âge Insee, fichier générique niveau, code, annee, indicateur, valeur ; ou "
                                    "tout autre tableau : vous direz ce que contient chaque colonne.")
    choix = [None, *sources.SOURCES]
    source = st.selectbox("Source", choix, key="source", format_func=vue_donnees.libelle_source_import)
    departement = None
    if source is not None and sources.SOURCES[source].departement:
        departement_choisi = cache.infos_territoire(ctx.signature, ctx.territoire)["departement"] or ""
        departement = st.text_input("Département de l'enquête", value=departement_choisi,
                                    key="departement_enquete", help="Code du département : 16, 44, 2A…")
    if fichier is None:
        st.session_state.pop("_importe", None)  # le dépôt vidé : le même fichier peut être réimporté
        st.session_state.pop("_empreinte", None)  # et ses octets ne sont plus gardés (surfaces/cache.py)
    else:
        octets = fichier.getvalue()
        fait = st.session_state.get("_importe")
        fait = fait[1] if fait and fait[0] == cache.empreinte(octets) else None  # l'import qu'on vient d'en faire
        if len(octets) > TAILLE_MAX:
            st.error(f"{markdown_litteral(fichier.name)} : {len(octets) / 1e6:,.0f} Mo, au-delà de la limite de "
                     "200 Mo. Découpez le fichier (par département ou par année) et importez les morceaux.")
        else:
            lu = cache.depot_lu(fichier.name, octets, source, departement)  # lu une fois par dépôt
            if isinstance(lu, AnneeAPreciser) and (annee := ecran.annee_des_donnees()) is not None:
                lu = cache.depot_lu(fichier.name, octets, source, departement, annee=annee)
            dite = None
            try:  # les profils de colonnes sont au magasin : catalogue devenu injoignable, une phrase
                if colonnes.a_dire(source, lu):  # non reconnu : l'analyste dit ce que contient chaque colonne
                    lu, dite = colonnes.formulaire(fichier.name, octets, lu, source, departement)
            except ErreurImport as e:
                lu = e
            if fait:  # ni rapport ni second bouton « Importer » : un double clic ferait deux imports
                st.info(f"Ce fichier vient d'être importé (import {fait}). Déposez un autre fichier pour un nouvel "
                        "import.")
            elif isinstance(lu, ErreurImport):
                st.error(markdown_litteral(str(lu)))  # le message cite le nom du fichier et ses cellules
            elif lu is not None:  # None : la correspondance des colonnes n'est pas encore dite
                rapport = lu.rapport
                st.subheader("Rapport de validation")
                st.code(rapport.texte(), language=None, wrap_lines=True)
                if depot.bloque(source, rapport):
                    st.error("Import impossible : corrigez les lignes signalées, puis déposez le fichier à nouveau.")
                elif st.button(vue_donnees.libelle_importer(rapport), type="primary", key="confirmer"):
                    try:  # disque plein, dossier en lecture seule : une phrase, les données d'avant
                        entree = acces.importer(lu, cache.racine(), fichier.name, octets)
                    except ErreurImport as e:
                        st.error(markdown_litteral(str(e)))
                    else:
                        st.session_state["message_import"] = (f"Import {entree['id']} enregistré : "
                                                             f"{markdown_litteral(fichier.name)}.")
                        st.session_state["a_annuler"] = entree["id"]  # l'import qu'on vient de faire, proposé
                        st.session_state["_importe"] = (cache.empreinte(octets), entree["id"])
                        st.rerun()
            if dite is not None:
                colonnes.enregistrement(dite, fichier.name, octets)
else:
    st.info("Lecture seule : importer un fichier ou annuler un import est réservé aux référents des données.")
if message := st.session_state.pop("message_import", None):
    st.success(message)

st.header("Imports enregistrés", divider="gray")
try:  # catalogue du magasin injoignable : le dire, la provenance des valeurs servies reste plus bas
    liste, journal = registre.liste(cache.racine()), registre.historique(cache.racine())
except ErreurImport as e:
    st.error(markdown_litteral(str(e)))
    liste = journal = None
if liste is None:
    pass
elif liste.empty:
    st.info("Aucun import : l'application montre les données de démonstration.")
else:
    st.dataframe(vue_donnees.tableau_imports(liste, st.query_params.to_dict()), hide_index=True, width="stretch",
                 column_config={vue_donnees.COLONNE_AU: st.column_config.LinkColumn(
                     help="Toutes les pages, avec les données telles qu'au moment de cet import (une adresse à "
                          "partager)", display_text="voir les données d'alors")})
    actifs = vue_donnees.imports_actifs(liste) if referent and not empeche else {}
    if actifs:
        c1, c2 = st.columns([3, 1])
        a_annuler = c1.selectbox("Import à annuler", list(actifs), key="a_annuler", format_func=actifs.get)
        if c2.button("Annuler cet import", key="annuler", icon=":material/undo:"):
            try:
                acces.annuler(cache.racine(), a_annuler)
            except ErreurImport as e:
                st.error(markdown_litteral(str(e)))
            else:
                st.session_state["message_import"] = f"Import {a_annuler} annulé : les valeurs précédentes reviennent."
                st.session_state.pop("_importe", None)
                st.rerun()

st.header("Journal des changements", divider="gray")
if journal is None:
    pass
elif journal.empty:
    st.caption("Aucun changement enregistré : ni import, ni annulation, ni profil de colonnes.")
else:
    st.caption("Qui a importé, annulé un import ou changé un profil de colonnes, quand, et ce que cela a changé.")
    st.dataframe(vue_donnees.tableau_journal(journal), hide_index=True, width="stretch")

st.header(f"Provenance des valeurs, {ctx.nom}", divider="gray")
st.dataframe(commun.etat_donnees(cache.etat_donnees(ctx.signature, ctx.territoire)), hide_index=True,
             width="stretch")
