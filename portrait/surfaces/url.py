"""Une vue est une adresse : paramètres de l'URL lus au premier affichage, écrits à chaque changement."""

from __future__ import annotations

import streamlit as st


def parametre_url(cle: str, options: list, defaut) -> None:
    """Au premier affichage d'une page, la valeur d'un de ses widgets vient de l'URL (si elle est permise)."""
    if cle in st.session_state and st.session_state[cle] in options:
        return
    demande = st.query_params.get(cle)
    st.session_state[cle] = demande if demande in options else defaut


def parametres_url_liste(cle: str, options: list, defaut: list) -> None:
    """Comme parametre_url, pour une liste (« communes=44131,44136 »)."""
    if cle in st.session_state:
        return
    demande = st.query_params.get(cle)
    valeurs = [v for v in demande.split(",") if v in options] if demande else defaut
    st.session_state[cle] = valeurs


def ecrire_url(**valeurs) -> None:
    """Recopie les choix de la page dans l'URL : une vue partagée s'ouvre à l'identique. Une valeur None ou une liste
    vide (un seuil vidé, plus de commune choisie, aucun critère exigé) retire le paramètre : l'URL ne garde pas un
    choix abandonné, et la vue rouverte reprend la valeur par défaut. Seuls les changements partent vers le
    navigateur, en un message : chaque écriture de st.query_params en envoie un, que le navigateur traite."""
    a_ecrire = {}
    for cle, valeur in valeurs.items():
        if valeur is None or (isinstance(valeur, list | tuple) and not valeur):
            st.query_params.pop(cle, None)
            continue
        if isinstance(valeur, bool):
            texte = "true" if valeur else "false"
        else:
            texte = ",".join(valeur) if isinstance(valeur, list | tuple) else str(valeur)
        if st.query_params.get(cle) != texte:
            a_ecrire[cle] = texte
    if a_ecrire:
        st.query_params.update(a_ecrire)


def parametre_url_nombre(cle: str, defaut: float | None, mini: float, maxi: float) -> None:
    """Valeur numérique d'un widget lue dans l'URL au premier affichage (bornée), sinon la valeur par défaut."""
    if cle in st.session_state:
        return
    try:
        valeur = float(st.query_params[cle])
        st.session_state[cle] = min(max(valeur, mini), maxi)
    except (KeyError, ValueError):
        st.session_state[cle] = defaut


def reinitialiser(defauts: dict) -> None:
    """Rappel du bouton « Réinitialiser » : les widgets reprennent leurs valeurs par défaut."""
    for cle, valeur in defauts.items():
        st.session_state[cle] = valeur
        if cle in st.query_params:
            del st.query_params[cle]


def parametre_url_booleen(cle: str, defaut: bool) -> None:
    """Oui / non lu dans l'URL au premier affichage (« true », « false »), sinon la valeur par défaut."""
    if cle in st.session_state:
        return
    st.session_state[cle] = {"true": True, "false": False}.get(st.query_params.get(cle, ""), defaut)


def parametre_url_entier(cle: str, defaut: int, mini: int, maxi: int) -> None:
    """Entier lu dans l'URL au premier affichage (borné), sinon la valeur par défaut."""
    if cle in st.session_state:
        return
    try:
        st.session_state[cle] = min(max(int(st.query_params[cle]), mini), maxi)
    except (KeyError, ValueError):
        st.session_state[cle] = defaut
