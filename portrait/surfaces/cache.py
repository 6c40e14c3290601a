"""Le bord Streamlit des données : connexion en cache (cache_resource), résultats en cache (cache_data)."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import pandas as pd
import streamlit as st

from portrait.donnees import jeux, lac
from portrait.donnees.connexion import DOSSIER_DONNEES, Chemins, connecter
from portrait.donnees.requetes import Requetes
from portrait.imports import depot, registre
from portrait.imports.correspondance import Correspondance
from portrait.imports.rapport import ErreurImport
from portrait.regles import tensions as regles
from portrait.vues import accueil as vues_accueil
from portrait.vues import cooperation as vues_cooperation
from portrait.vues import detail as vues_detail
from portrait.vues import donnees as vues_donnees
from portrait.vues import francais, graphiques
from portrait.vues import synthese as vues_synthese
from portrait.vues import tensions as vues_tensions

LECTURES_GARDEES = 2  # dépôts lus gardés dans la session (page Données)
VUES_TENSIONS_GARDEES = 40  # sélections de la page Tensions gardées (environ 3 Mo chacune pour un département)
DEPARTEMENTS_PRECHAUFFES = 101  # au plus, une vue par département de France calculée au démarrage (prechauffe.py)


def racine() -> str:
    """Le dossier de données de l'application (PORTRAIT_DATA_DIR pour les tests, data/ sinon)."""
    return os.environ.get("PORTRAIT_DATA_DIR", str(DOSSIER_DONNEES))


# la dernière signature lue de chaque dossier de données, servie tant que le catalogue est injoignable
_DERNIERES: dict[str, str] = {}


@dataclass(frozen=True)
class Injoignable:
    """Le catalogue du magasin ne répond pas : le message du magasin (où il est), et la signature servie."""

    message: str
    signature: str | None


def signature_lue(racine_: str) -> str:
    """La signature de l'état courant des données (fichier de démonstration, version du magasin), sans rien poser
    dans la session ; ErreurImport si le catalogue ne répond pas."""
    demo = Chemins(Path(racine_)).demo
    fichier = f"{demo.stat().st_mtime_ns}:{demo.stat().st_size}" if demo.exists() else "-"
    return f"{fichier}|v{registre.version(racine_)}"


def signature(racine_: str) -> str:
    """Change quand un import, une annulation ou un profil modifie les données, fait par ce processus ou par un
    autre (ligne de commande, autre serveur) : la dernière version validée du magasin (une requête légère au
    catalogue), et le fichier de démonstration. La connexion est alors refaite au passage suivant. Catalogue
    injoignable : la dernière signature lue (les données d'avant restent servies) et le bandeau le dit."""
    try:
        sig = signature_lue(racine_)
    except ErreurImport as e:
        derniere = _DERNIERES.get(racine_)
        st.session_state["_injoignable"] = Injoignable(str(e), derniere)
        if derniere is None:
            raise
        return derniere
    st.session_state.pop("_injoignable", None)
    if _DERNIERES.get(racine_, sig) != sig:
        oublier_l_ancien_etat()
    _DERNIERES[racine_] = sig
    return sig


def oublier_l_ancien_etat() -> None:
    """Une nouvelle version des données (import, annulation) : les résultats gardés de l'ancienne ne serviront plus
    (leur clé est l'ancienne signature) ; les garder jusqu'à ce que la place manque faisait monter la mémoire du
    serveur à chaque import (445 → 620 Mo en trois gros imports, essai du 30 novembre). Une page sur les données
    d'alors (?au=) recalcule les siens."""
    st.cache_data.clear()
    vue_tensions.clear()


@st.cache_resource(show_spinner=False, max_entries=3)
def _requetes(racine_: str, signature_: str, version: int | None = None) -> Requetes:
    """La connexion d'un état des données : les valeurs importées de la version du magasin lue une fois à son
    ouverture (`version` : celle d'un import passé, pour le retour dans le temps ; None : la dernière)."""
    try:
        return Requetes(connecter(racine_, version))
    except lac.ErreurLac as e:
        raise ErreurImport(str(e)) from None


@st.cache_data(show_spinner=False, max_entries=50, ttl=600)
def _import_au(racine_: str, ident: str) -> tuple[int, dict] | str:
    """La version du magasin d'un import (?au=<id>) et son entrée ; un identifiant inconnu : le message."""
    try:
        return registre.import_au(racine_, ident)
    except ErreurImport as e:
        return str(e)


def au() -> tuple[int, dict] | None:
    """Le retour dans le temps demandé par l'URL (?au=<id d'un import>) : la version du magasin validée par cet
    import et son entrée ; None pour les données actuelles (ou un identifiant inconnu, que le bandeau signale)."""
    ident = st.query_params.get("au")
    if not ident:
        return None
    trouve = _import_au(racine(), ident)
    return None if isinstance(trouve, str) else trouve


def requetes() -> tuple[Requetes, str]:
    """Les requêtes sur l'état courant des données (ou celui d'un import passé, ?au=<id>), et la signature de cet
    état (clé des caches)."""
    r = racine()
    if (passe := au()) is not None:
        sig = f"au:{passe[0]}"
        return _requetes(r, sig, passe[0]), sig
    sig = signature(r)
    return _requetes(r, sig), sig


def etat_lu(req: Requetes) -> tuple[int, datetime] | None:
    """La version du magasin qu'une connexion a lue et son heure (None : aucun import, rien n'a été lu)."""
    ligne = req.con.cursor().execute("select version, horodatage from magasin_lu").fetchone()
    return (int(ligne[0]), ligne[1]) if ligne else None


@st.cache_data(show_spinner=False, max_entries=500)
def portrait_territoire(sig: str, territoire: str, annee: int) -> pd.DataFrame:
    return jeux.portrait_territoire(requetes()[0], territoire, annee)


@st.cache_data(show_spinner=False, max_entries=500)
def etat_donnees(sig: str, territoire: str) -> pd.DataFrame:
    return jeux.etat_donnees(requetes()[0], territoire)


@st.cache_data(show_spinner=False, max_entries=500)
def choix_territoires(sig: str, niveau: str, parent: str) -> pd.DataFrame:
    return jeux.choix_territoires(requetes()[0], niveau, parent)


@st.cache_data(show_spinner=False, max_entries=500)  # chaque département préchauffé, et de la place
def infos_territoire(sig: str, territoire: str) -> dict:
    return jeux.territoire(requetes()[0], territoire)


@st.cache_data(show_spinner=False)
def annees(sig: str) -> list[int]:
    return jeux.annees_disponibles(requetes()[0])


@st.cache_data(show_spinner=False, max_entries=200)
def accueil(sig: str, territoire: str, annee: int) -> vues_accueil.Accueil:
    return vues_accueil.accueil(requetes()[0], territoire, annee)


@st.cache_data(show_spinner=False, max_entries=200)
def synthese(sig: str, territoire: str, annee: int) -> vues_synthese.Synthese:
    return vues_synthese.synthese(requetes()[0], territoire, annee)


@st.cache_data(show_spinner=False, max_entries=200)
def detail(sig: str, territoire: str, annee: int, theme: str, mode: str,
           communes: tuple[str, ...] | None) -> vues_detail.Detail:
    return vues_detail.detail(requetes()[0], territoire, annee, theme, mode, communes)


def connexion_de(sig: str) -> Requetes:
    """La connexion d'un état des données par sa signature (la clé des caches), celle que requetes() ouvre : sans
    lire l'URL ni la session, pour un calcul hors page (la préchauffe du serveur)."""
    if sig.startswith("au:"):
        return _requetes(racine(), sig, int(sig[3:]))
    return _requetes(racine(), sig)


@st.cache_data(show_spinner=False, max_entries=200)
def table_tensions(sig: str, cadre: str, annee: int, indicateur: str) -> pd.DataFrame:
    """Les lignes lues de la vue Tensions d'un cadre : les mêmes pour tous les filtres, lues une fois (un
    changement de filtre ne refait que le jugement, la carte et le tableau)."""
    return vues_tensions.lire_tensions(connexion_de(sig), cadre, annee, indicateur)


@st.cache_resource(show_spinner=False, max_entries=VUES_TENSIONS_GARDEES + DEPARTEMENTS_PRECHAUFFES)
def vue_tensions(sig: str, cadre: str, annee: int, filtres: regles.Filtres, indicateur: str, methode: str,
                 griser: bool, tout_voir: bool) -> vues_tensions.VueTensions:
    """La vue Tensions d'une sélection, gardée telle quelle et partagée entre les sessions (la page ne la modifie
    pas) ; sa carte est figée (FigureFigee) : une vue rouverte ou partagée part aussitôt vers le navigateur, sans
    refaire ni recopier la figure."""
    req = connexion_de(sig)
    table = table_tensions(sig, cadre, annee, indicateur)
    vue = vues_tensions.vue_tensions(req, cadre, annee, filtres, indicateur, methode, griser, tout_voir, table=table)
    vue.carte = replace(vue.carte, figure=graphiques.FigureFigee.figer(vue.carte.figure))
    return vue


@st.cache_data(show_spinner=False, max_entries=200)
def panneau_tensions(sig: str, cadre: str, annee: int, filtres: regles.Filtres, code: str,
                     _vue: vues_tensions.VueTensions) -> vues_tensions.Panneau | None:
    """Le portrait court d'une unité cliquée (il ne dépend que de la sélection et de l'unité : _vue n'entre pas
    dans la clé)."""
    return vues_tensions.panneau(requetes()[0], _vue, code)


@st.cache_data(show_spinner=False, max_entries=200)
def cadre_tensions(sig: str, territoire: str) -> str:
    return jeux.cadre_tensions(requetes()[0], territoire)


@st.cache_resource(show_spinner=False, max_entries=4)
def donnees_france(sig: str, annee: int) -> vues_cooperation.DonneesFrance:
    """Les EPCI et les communes de toute la France d'une année : les repères nationaux du quadrant de la page
    Coopération, calculés une fois (quelques secondes) pour toutes les sélections et tous les territoires."""
    return vues_cooperation.donnees_france(requetes()[0], annee)


@st.cache_resource(show_spinner=False, max_entries=40)
def vue_cooperation(sig: str, cadre: str, annee: int, forfait: float, filtres: regles.Filtres, ratio: str,
                    noms_visibles: bool) -> vues_cooperation.VueCooperation:
    """La vue Coopération d'une sélection, partagée entre les sessions (la page ne la modifie pas)."""
    return vues_cooperation.vue_cooperation(requetes()[0], cadre, annee, forfait, filtres, ratio, noms_visibles,
                                            france=donnees_france(sig, annee))


def empreinte(octets: bytes) -> str:
    """Le SHA-256 d'un fichier déposé (celui que le registre garde) : la clé de sa lecture gardée, et ce qui
    reconnaît un fichier qu'on vient d'importer. Calculé une fois par dépôt : le contenu haché est gardé avec son
    empreinte (à chaque passage, le serveur rend le même objet, que == reconnaît aussitôt ; sinon les deux contenus
    sont comparés : 8 ms pour un fichier de 79 Mo sur la machine de mesure, contre 44 ms pour le hacher)."""
    garde = st.session_state.get("_empreinte")
    if garde is None or garde[0] != octets:
        garde = st.session_state["_empreinte"] = (octets, registre.empreinte(octets)[1])
    return garde[1]


def depot_lu(nom: str, octets: bytes, source: str | None, departement: str | None,
             correspondance: Correspondance | None = None, annee: int | None = None) -> depot.Lu | ErreurImport:
    """Le fichier déposé lu une fois par dépôt (clé : empreinte SHA-256 du contenu, source, département,
    correspondance des colonnes et état des données), gardé dans la session : ni les passages suivants de la page ni
    le clic sur « Importer » ne le relisent. Un refus est gardé aussi (un fichier hostile n'est lu qu'une fois). Deux
    lectures sont gardées : celle qui ne reconnaît pas le fichier et celle de la correspondance dite ensuite."""
    r = racine()
    cle = (empreinte(octets), nom, source, departement, correspondance, annee, signature(r))
    gardes = st.session_state.get("_depot_lu")
    gardes = dict(gardes) if isinstance(gardes, dict) else {}
    if cle not in gardes:
        try:
            lu = depot.lire(nom, r, octets, source, departement, annee, correspondance=correspondance)
        except ErreurImport as e:
            lu = e
        gardes = {**dict(list(gardes.items())[-(LECTURES_GARDEES - 1):]), cle: lu}
        st.session_state["_depot_lu"] = gardes
    return gardes[cle]


def apercu_depot(nom: str, octets: bytes) -> vues_donnees.Apercu | ErreurImport:
    """Les colonnes du fichier déposé et leurs exemples (pour en dire la correspondance), lus une fois par dépôt."""
    cle = (empreinte(octets), nom)
    garde = st.session_state.get("_depot_apercu")
    if garde is None or garde[0] != cle:
        try:
            apercu = vues_donnees.apercu(nom, octets)
        except ErreurImport as e:
            apercu = e
        garde = st.session_state["_depot_apercu"] = (cle, apercu)
    return garde[1]


def imports_impossibles() -> str | None:
    """Pourquoi la page Données ne propose pas d'import en ce moment (catalogue du magasin injoignable, ou données
    d'un import passé affichées), en une phrase ; None si rien ne l'empêche."""
    if st.session_state.get("_injoignable") is not None:
        return ("Imports et annulations impossibles tant que le catalogue des données est injoignable (bandeau en "
                "haut de la page) ; réessayez dans un instant.")
    if st.session_state.get("_au"):
        return ("Vous regardez les données telles qu'au moment d'un import passé : revenez aux données actuelles "
                "(bouton en haut de la page) pour importer un fichier ou annuler un import.")
    return None


def bandeau_donnees() -> None:
    """En tête de chaque page : les données « telles qu'au » moment d'un import passé (?au=<id>, gardé d'une page à
    l'autre), avec le retour aux données actuelles ; ou le catalogue du magasin injoignable (les chiffres d'avant
    restent servis, sans import ni annulation). Sans donnée servable du tout : le message seul, la page s'arrête."""
    if ident := st.query_params.get("au") or st.session_state.get("_au"):
        st.query_params["au"] = st.session_state["_au"] = ident
        trouve = _import_au(racine(), ident)
        if isinstance(trouve, str):
            st.warning(f"Paramètre au={ident} ignoré : {trouve} Les données affichées sont les actuelles.")
        else:
            version, entree = trouve
            st.info(f"Données telles qu'au {francais.date_heure(entree['date'])} (import {entree['id']}, "
                    f"{entree['fichier_source']}), version {version} du magasin.", icon=":material/history:")
            if st.button("Revenir aux données actuelles", key="revenir_actuelles", icon=":material/update:"):
                st.session_state.pop("_au", None)
                st.query_params.pop("au", None)
                st.rerun()
            return
    try:
        signature(racine())  # pose ou retire la panne de ce passage
    except ErreurImport:
        pass
    if (panne := st.session_state.get("_injoignable")) is None:
        return
    lieu = registre.config(racine()).lieu()
    if panne.signature is None:
        st.error(f"Catalogue des données injoignable ({lieu}) : aucune donnée n'a encore pu être lue. Rechargez la "
                 "page dans un instant ; prévenez l'équipe informatique si cela dure.")
        st.stop()
    lu = etat_lu(_requetes(racine(), panne.signature))
    quand = f"du {francais.date_heure(lu[1])}" if lu else "de la dernière lecture"
    st.warning(f"Catalogue des données injoignable ({lieu}) : les chiffres affichés sont ceux {quand} ; imports et "
               "annulations impossibles pour l'instant.", icon=":material/cloud_off:")
