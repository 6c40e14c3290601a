"""Un onglet reconnecté à un serveur neuf garde le choix qu'on vient d'y faire.

Un serveur redémarre, ou tombe et un autre prend la relève derrière nginx : l'onglet ouvert se reconnecte à une
session neuve. Au premier choix qu'on y fait (un filtre, un seuil), le navigateur envoie les valeurs de ses widgets,
mais la session ne sait pas encore les lire (elle ne les lit qu'une fois la page passée par ses widgets) : Streamlit
fait comme si elles n'existaient pas, `url.lire` prenait les valeurs de l'adresse, et le choix était perdu. Ici, ces
valeurs sont mises de côté avant la page, lues après elle avec le lecteur de chaque widget, et la page repart avec
celles qui diffèrent, posées avant ses widgets, leur rappel (`on_change`) appelé comme Streamlit l'aurait fait.

Seul module qui touche l'état interne des sessions de Streamlit (version épinglée dans requirements.txt) ; un
navigateur le vérifie (tests/test_navigateur.py, serveur redémarré sous un onglet ouvert).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitAPIException
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.state.common import unpack_widget_state_value, user_key_from_element_id
from streamlit.runtime.state.session_state import Serialized

CLE = "reprise_apres_reconnexion"  # clé de session : les valeurs à poser en haut de l'exécution suivante
# les valeurs qu'une session peut recevoir d'un widget : pas un bouton (déclencheur), un dépôt de fichier ou une
# sélection sur la carte, que Streamlit interdit de poser par la session
TYPES_REPRIS = frozenset({"string_value", "double_value", "int_value", "bool_value", "string_array_value",
                          "int_array_value", "double_array_value"})


@dataclass(frozen=True)
class Reprise:
    """Une valeur envoyée par le navigateur, lue après la page, à poser à l'exécution suivante."""

    cle: str
    valeur: Any
    rappel: Any  # le on_change du widget (None, ou "rerun" : rien à appeler)
    args: tuple
    kwargs: dict


def _etat_des_widgets():
    """L'état des widgets de la session en cours (None hors d'une exécution de page)."""
    ctx = get_script_run_ctx()
    return ctx.session_state._state._new_widget_state if ctx is not None else None  # noqa: SLF001


def mettre_de_cote() -> dict:
    """Avant la page : les valeurs que le navigateur a envoyées sans que la session sache les lire (vide, sauf au
    premier choix dans un onglet reconnecté à un serveur neuf)."""
    widgets = _etat_des_widgets()
    if widgets is None:
        return {}
    return {ident: etat.value for ident, etat in widgets.states.items()
            if isinstance(etat, Serialized) and ident not in widgets.widget_metadata
            and user_key_from_element_id(ident)}


def reprendre(de_cote: dict) -> None:
    """Après la page : les valeurs mises de côté, lues par les widgets que la page vient de créer ; celles qui
    diffèrent de ce que la page a montré sont gardées pour l'exécution suivante, relancée aussitôt."""
    widgets = _etat_des_widgets()
    if not de_cote or widgets is None:
        return
    reprises = []
    for ident, envoye in de_cote.items():
        meta, cle = widgets.widget_metadata.get(ident), user_key_from_element_id(ident)
        if meta is None or meta.value_type not in TYPES_REPRIS or envoye.WhichOneof("value") != meta.value_type:
            continue
        try:
            valeur = meta.deserializer(unpack_widget_state_value(envoye))
        except Exception:  # une valeur que le widget d'aujourd'hui ne lit plus (ses options ont changé) : laissée
            continue
        if valeur != st.session_state.get(cle):
            reprises.append(Reprise(cle, valeur, meta.callback, tuple(meta.callback_args or ()),
                                    dict(meta.callback_kwargs or {})))
    if reprises:
        st.session_state[CLE] = reprises
        st.rerun()


def poser() -> None:
    """En haut de l'exécution qui suit une reprise, avant tout widget : les valeurs du navigateur, puis leurs
    rappels, comme Streamlit les appelle avant une exécution où un widget a changé."""
    for r in st.session_state.pop(CLE, []):
        try:
            st.session_state[r.cle] = r.valeur
        except StreamlitAPIException:  # un widget dont la session ne peut pas poser la valeur : laissé
            continue
        if callable(r.rappel):
            r.rappel(*r.args, **r.kwargs)
