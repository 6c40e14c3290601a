"""Qui utilise l'application et ce qu'il peut y faire : connexion OIDC de Streamlit (st.login, st.user), rôles
lecteur et référent des données tirés des secrets, refus d'un import ou d'une annulation par un lecteur."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit import config

from portrait.imports import depot, registre
from portrait.imports.rapport import ErreurImport
from portrait.vues.texte import markdown_litteral

LECTEUR = "lecteur"  # tout utilisateur connecté : toutes les pages, exports, fiche
REFERENT = "referent_donnees"  # en plus : imports, annulations, profils de colonnes
LIBELLES_ROLES = {LECTEUR: "lecteur", REFERENT: "référent des données"}
POSTE_LOCAL = "poste local"  # sans connexion configurée : l'utilisateur du poste, qui peut tout
ADRESSES_LOCALES = frozenset({"127.0.0.1", "localhost", "::1"})
ACCES_OUVERT = "Accès ouvert : aucune connexion configurée"
# Section [roles] des secrets : e-mails des référents, et/ou groupes (revendication du jeton d'identité) qui le donnent.
CLE_REFERENTS = "referents_donnees"
CLE_CLAIM_GROUPES = "claim_groupes"
CLE_GROUPES = "groupes_referents_donnees"
CLAIM_GROUPES_DEFAUT = "groups"
REFUS = ("Action réservée aux référents des données : votre compte ({qui}) est en lecture seule. Rien n'a été "
         "écrit.")


class AccesRefuse(ErreurImport):
    """Un import, une annulation ou un profil demandé par un utilisateur qui n'en a pas le droit (rien d'écrit)."""


@dataclass(frozen=True)
class Utilisateur:
    """La personne derrière la session : son identité (e-mail, ou « poste local »), son rôle, son nom affiché."""

    identite: str
    role: str
    nom: str = ""
    connecte: bool = False  # connecté par OIDC (sinon : poste local, sans connexion configurée)


# --- Règles, sans Streamlit -----------------------------------------------------------------------------------------

def connexion_configuree(secrets: Mapping) -> bool:
    """Une section [auth] avec au moins un fournisseur OIDC (client_id à la racine ou dans une sous-section)."""
    auth = secrets.get("auth") or {}
    return "client_id" in auth or any(isinstance(v, Mapping) and "client_id" in v for v in auth.values())


def fournisseur(auth: Mapping) -> str | None:
    """Le fournisseur à passer à st.login : aucun si [auth] le décrit lui-même, sinon la première sous-section
    [auth.<nom>] qui en décrit un."""
    if "client_id" in auth:
        return None
    return next((k for k, v in auth.items() if isinstance(v, Mapping) and "client_id" in v), None)


def _liste(valeur) -> list[str]:
    """Une revendication ou un réglage en liste de textes (un texte seul, une liste, rien)."""
    if valeur is None:
        return []
    return [str(v) for v in ([valeur] if isinstance(valeur, str) else valeur)]


def role(revendications: Mapping, roles: Mapping) -> str:
    """Le rôle d'un utilisateur connecté : référent si son e-mail (non déclaré invérifié) est dans la liste des
    référents, ou si l'un de ses groupes y est ; lecteur sinon."""
    email = str(revendications.get("email") or "").strip().lower()
    verifie = revendications.get("email_verified", True) is not False
    referents = {e.strip().lower() for e in _liste(roles.get(CLE_REFERENTS))}
    if email and verifie and email in referents:
        return REFERENT
    groupes = set(_liste(revendications.get(roles.get(CLE_CLAIM_GROUPES, CLAIM_GROUPES_DEFAUT))))
    return REFERENT if groupes & set(_liste(roles.get(CLE_GROUPES))) else LECTEUR


def peut_modifier(utilisateur: Utilisateur | None) -> bool:
    """LA décision : cet utilisateur peut-il importer, annuler un import, changer un profil de colonnes ?"""
    return utilisateur is not None and utilisateur.role == REFERENT


def acces_ouvert(adresse: str | None, configuree: bool) -> bool:
    """Sans connexion configurée, un serveur qui écoute au-delà du poste (toute adresse sauf la boucle locale ; sans
    adresse, Streamlit écoute sur toutes les interfaces) : n'importe qui sur le réseau peut tout faire."""
    return not configuree and (adresse or "").strip("[]") not in ADRESSES_LOCALES


# --- Dans l'application ---------------------------------------------------------------------------------------------

def _secrets() -> Mapping:
    """Les secrets de l'application (.streamlit/secrets.toml), vides s'il n'y en a pas."""
    return st.secrets.to_dict() if st.secrets.load_if_toml_exists() else {}


def _ip() -> str | None:
    """L'adresse du navigateur de la session, quand Streamlit la connaît."""
    ip = st.context.ip_address
    return ip if isinstance(ip, str) else None


def utilisateur() -> Utilisateur | None:
    """L'utilisateur de la session en cours, relu de st.user et des secrets à chaque appel (jamais d'un widget) ;
    None si la connexion est configurée et qu'il ne s'est pas connecté."""
    secrets = _secrets()
    if not connexion_configuree(secrets):  # le poste local ; sur un serveur ouvert, le journal retient l'adresse
        ip = _ip() if acces_ouvert(config.get_option("server.address"), False) else None
        return Utilisateur(f"{POSTE_LOCAL} ({ip})" if ip else POSTE_LOCAL, REFERENT)
    revendications = st.user.to_dict()
    if not revendications.get("is_logged_in"):
        return None
    identite = str(revendications.get("email") or revendications.get("preferred_username")
                   or revendications.get("sub") or "inconnu")
    return Utilisateur(identite, role(revendications, secrets.get("roles") or {}),
                       str(revendications.get("name") or ""), connecte=True)


def referent() -> str:
    """L'identité du référent des données de la session, à inscrire au journal ; AccesRefuse pour tout autre. À
    appeler au moment d'écrire, là où l'écriture se fait (pas seulement pour cacher un bouton)."""
    qui = utilisateur()
    if not peut_modifier(qui):
        raise AccesRefuse(REFUS.format(qui=qui.identite if qui else "non connecté"))
    return qui.identite


def importer(lu: depot.Lu, racine: Path | str, nom_fichier: str, octets: bytes) -> dict:
    """Enregistre un fichier lu, si l'utilisateur de la session est référent des données (revérifié ici)."""
    return depot.enregistrer(lu, racine, nom_fichier, octets, auteur=referent())


def annuler(racine: Path | str, ident: str) -> dict:
    """Annule un import, si l'utilisateur de la session est référent des données (revérifié ici)."""
    return registre.annuler(racine, ident, auteur=referent())


def porte() -> Utilisateur | None:
    """En tête de chaque page : sans connexion, l'invitation à se connecter (la page s'arrête là) ; sinon le bandeau
    d'accès ouvert quand il le faut. Rend l'utilisateur."""
    secrets = _secrets()
    configuree = connexion_configuree(secrets)
    qui = utilisateur()
    if configuree and qui is None:
        st.title("Portrait de territoire")
        st.write("Connectez-vous avec votre compte professionnel pour consulter le tableau de bord.")
        nom = fournisseur(secrets["auth"])
        st.button("Se connecter", type="primary", icon=":material/login:", key="se_connecter", on_click=st.login,
                  args=(nom,) if nom else ())
        st.stop()
    if acces_ouvert(config.get_option("server.address"), configuree):
        st.warning(f"**{ACCES_OUVERT}.** Toute personne qui atteint ce serveur peut importer ou annuler des "
                   "données. Configurez la connexion (README, « Connexion et rôles ») ou lancez le serveur pour ce "
                   "seul poste (`make run`).")
    return qui


def encart(qui: Utilisateur | None) -> None:
    """Dans la barre latérale, pour un utilisateur connecté : qui il est, son rôle, le bouton de déconnexion."""
    if qui is None or not qui.connecte:
        return
    nom, identite = markdown_litteral(qui.nom or qui.identite), markdown_litteral(qui.identite)  # dits par l'annuaire
    st.sidebar.caption(f"Connecté : {nom} ({identite}) · {LIBELLES_ROLES[qui.role]}")
    st.sidebar.button("Se déconnecter", icon=":material/logout:", key="se_deconnecter", on_click=st.logout)
