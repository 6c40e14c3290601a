"""Le bord Streamlit des données : connexion en cache (cache_resource), résultats en cache (cache_data)."""

from __future__ import annotations

import hashlib
import os
from dataclasses import replace
from pathlib import Path

import pandas as pd
import streamlit as st

from portrait.donnees import jeux
from portrait.donnees.connexion import DOSSIER_DONNEES, Chemins, connecter
from portrait.donnees.requetes import Requetes
from portrait.imports import depot
from portrait.imports.correspondance import Correspondance
from portrait.imports.rapport import ErreurImport
from portrait.regles import tensions as regles
from portrait.vues import accueil as vues_accueil
from portrait.vues import cooperation as vues_cooperation
from portrait.vues import detail as vues_detail
from portrait.vues import donnees as vues_donnees
from portrait.vues import graphiques
from portrait.vues import synthese as vues_synthese
from portrait.vues import tensions as vues_tensions

LECTURES_GARDEES = 2  # dépôts lus gardés dans la session (page Données)


def racine() -> str:
    """Le dossier de données de l'application (PORTRAIT_DATA_DIR pour les tests, data/ sinon)."""
    return os.environ.get("PORTRAIT_DATA_DIR", str(DOSSIER_DONNEES))


def signature(racine_: str) -> str:
    """Change quand un import ou une annulation modifie les données : la connexion est alors refaite."""
    chemins = Chemins(Path(racine_))
    fichiers = [chemins.demo, chemins.registre]
    return "|".join(f"{f.stat().st_mtime_ns}:{f.stat().st_size}" if f.exists() else "-" for f in fichiers)


@st.cache_resource(show_spinner=False, max_entries=2)
def _requetes(racine_: str, signature_: str) -> Requetes:
    return Requetes(connecter(racine_))


def requetes() -> tuple[Requetes, str]:
    """Les requêtes sur l'état courant des données, et la signature de cet état (clé des caches)."""
    r = racine()
    sig = signature(r)
    return _requetes(r, sig), sig


@st.cache_data(show_spinner=False, max_entries=500)
def portrait_territoire(sig: str, territoire: str, annee: int) -> pd.DataFrame:
    return jeux.portrait_territoire(requetes()[0], territoire, annee)


@st.cache_data(show_spinner=False, max_entries=500)
def etat_donnees(sig: str, territoire: str) -> pd.DataFrame:
    return jeux.etat_donnees(requetes()[0], territoire)


@st.cache_data(show_spinner=False, max_entries=500)
def choix_territoires(sig: str, niveau: str, parent: str) -> pd.DataFrame:
    return jeux.choix_territoires(requetes()[0], niveau, parent)


@st.cache_data(show_spinner=False, max_entries=100)
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


@st.cache_resource(show_spinner=False, max_entries=40)
def vue_tensions(sig: str, cadre: str, annee: int, filtres: regles.Filtres, indicateur: str, methode: str,
                 griser: bool, tout_voir: bool) -> vues_tensions.VueTensions:
    """La vue Tensions d'une sélection, gardée telle quelle et partagée entre les sessions (la page ne la modifie
    pas) ; sa carte est figée (FigureFigee) : une vue rouverte ou partagée part aussitôt vers le navigateur, sans
    refaire ni recopier la figure."""
    vue = vues_tensions.vue_tensions(requetes()[0], cadre, annee, filtres, indicateur, methode, griser, tout_voir)
    vue.carte = replace(vue.carte, figure=graphiques.FigureFigee(vue.carte.figure))
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


def depot_lu(nom: str, octets: bytes, source: str | None, departement: str | None,
             correspondance: Correspondance | None = None, annee: int | None = None) -> depot.Lu | ErreurImport:
    """Le fichier déposé lu une fois par dépôt (clé : empreinte SHA-256 du contenu, source, département,
    correspondance des colonnes et état des données), gardé dans la session : ni les passages suivants de la page ni
    le clic sur « Importer » ne le relisent. Un refus est gardé aussi (un fichier hostile n'est lu qu'une fois). Deux
    lectures sont gardées : celle qui ne reconnaît pas le fichier et celle de la correspondance dite ensuite."""
    r = racine()
    cle = (hashlib.sha256(octets).hexdigest(), nom, source, departement, correspondance, annee, signature(r))
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
    cle = (hashlib.sha256(octets).hexdigest(), nom)
    garde = st.session_state.get("_depot_apercu")
    if garde is None or garde[0] != cle:
        try:
            apercu = vues_donnees.apercu(nom, octets)
        except ErreurImport as e:
            apercu = e
        garde = st.session_state["_depot_apercu"] = (cle, apercu)
    return garde[1]
