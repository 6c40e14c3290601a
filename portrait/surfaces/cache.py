"""Le bord Streamlit des données : connexion en cache (cache_resource), résultats en cache (cache_data)."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import streamlit as st

from portrait.donnees import jeux
from portrait.donnees.connexion import DOSSIER_DONNEES, Chemins, connecter
from portrait.donnees.requetes import Requetes
from portrait.regles import tensions as regles
from portrait.vues import accueil as vue_accueil
from portrait.vues import detail as vue_detail
from portrait.vues import graphiques
from portrait.vues import synthese as vue_synthese
from portrait.vues import tensions as vue_tensions


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
def accueil(sig: str, territoire: str, annee: int) -> vue_accueil.Accueil:
    return vue_accueil.accueil(requetes()[0], territoire, annee)


@st.cache_data(show_spinner=False, max_entries=200)
def synthese(sig: str, territoire: str, annee: int) -> vue_synthese.Synthese:
    return vue_synthese.synthese(requetes()[0], territoire, annee)


@st.cache_data(show_spinner=False, max_entries=200)
def detail(sig: str, territoire: str, annee: int, theme: str, mode: str,
           communes: tuple[str, ...] | None) -> vue_detail.Detail:
    return vue_detail.detail(requetes()[0], territoire, annee, theme, mode, communes)


@st.cache_data(show_spinner=False, max_entries=200)
def tensions(sig: str, territoire: str, annee: int, autres: tuple[str, ...]) -> pd.DataFrame:
    return jeux.tensions(requetes()[0], territoire, annee, autres=autres)


@st.cache_data(show_spinner=False, max_entries=100)
def contours(sig: str, territoire: str, unites: str = "communes") -> pd.DataFrame:
    from portrait.vues import cartes

    return cartes.contours(requetes()[0], territoire, unites)


@st.cache_resource(show_spinner=False, max_entries=40)
def carte_tensions(sig: str, cadre: str, annee: int, nom_cadre: str, indicateur: str, methode: str, griser: bool,
                   filtres: regles.Filtres):
    """La carte d'une vue, gardée telle quelle et partagée entre les sessions (plotly_chart ne la modifie pas) :
    une vue rouverte ou partagée part aussitôt vers le navigateur, sans refaire la figure."""
    table = tensions(sig, cadre, annee, regles.indicateurs_a_lire(indicateur))
    evaluee = regles.evaluer(table, filtres)
    return graphiques.FigureFigee(vue_tensions.carte_tensions(evaluee, contours(sig, cadre), indicateur, methode,
                                                              griser, filtres.zone, nom_cadre, annee))


@st.cache_data(show_spinner=False, max_entries=200)
def cadre_tensions(sig: str, territoire: str) -> str:
    return jeux.cadre_tensions(requetes()[0], territoire)


@st.cache_data(show_spinner=False, max_entries=100)
def cooperation(sig: str, territoire: str, annee: int, forfait: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    return jeux.cooperation(requetes()[0], territoire, annee, forfait)


@st.cache_data(show_spinner=False, max_entries=100)
def part_en_tension_par_epci(sig: str, territoire: str, annee: int) -> pd.DataFrame:
    return jeux.part_en_tension_par_epci(requetes()[0], territoire, annee)
