"""Le site nginx d'un déploiement partagé : le modèle deploiement/portrait.nginx.conf rempli des serveurs, de
l'écoute, du préfixe et des fichiers de Streamlit (`python -m portrait site-nginx`, tests/nginx.py)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

MODELE = Path(__file__).resolve().parents[2] / "deploiement" / "portrait.nginx.conf"
PANNE = "max_fails=1 fail_timeout=10s"  # un serveur qui refuse la connexion est écarté 10 s
COOKIE = "portrait_serveur"
ZONE = "64k"  # mémoire partagée par les workers de nginx : un même tour, une même panne vue par tous
MOTIF_SERVEUR = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]*:\d{1,5}")  # hôte:port
MOTIF_PREFIXE = re.compile(r"[A-Za-z0-9_-]+")


def statique() -> Path:
    """Le dossier des fichiers de Streamlit (JavaScript, styles, polices) du paquet installé, sans l'importer."""
    return Path(importlib.util.find_spec("streamlit").origin).parent / "static" / "static"


def amonts(serveurs: list[str]) -> str:
    """Les groupes de serveurs et les deux correspondances des sessions collantes : un navigateur sans cookie va au
    serveur suivant (chacun son tour) ; son cookie nomme ensuite le serveur qui a répondu (1, 2…), et le mène à lui,
    ou, s'il est tombé, à un autre, que le cookie nomme alors."""
    lignes = ["# Premier passage d'un navigateur (sans cookie) : au serveur suivant, chacun son tour.",
              "upstream portrait {", f"    zone portrait {ZONE};", *(f"    server {s} {PANNE};" for s in serveurs), "}",
              "# Ensuite, au serveur que nomme son cookie ; s'il est tombé, aux autres (backup)."]
    for i, s in enumerate(serveurs, 1):
        lignes += [f"upstream portrait_{i} {{", f"    zone portrait_{i} {ZONE};", f"    server {s} {PANNE};",
                   *(f"    server {autre} backup;" for autre in serveurs if autre != s), "}"]
    lignes += [f"map $cookie_{COOKIE} $portrait_amont {{", "    default portrait;",
               *(f"    {i} portrait_{i};" for i in range(1, len(serveurs) + 1)), "}",
               "# Le serveur qui a répondu : le dernier de $upstream_addr (« A, B » quand A a échoué).",
               "map $upstream_addr $portrait_servi {", '    default "";',
               *(f'    "~(^|[ ,]){re.escape(s)}$" {i};' for i, s in enumerate(serveurs, 1)), "}"]
    return "\n".join(lignes)


def verifier(serveurs: list[str], prefixe: str) -> None:
    """Une phrase (ValueError) pour un serveur qui n'est pas « hôte:port », un serveur donné deux fois, un préfixe
    qui n'est pas un simple nom de chemin."""
    if not serveurs:
        raise ValueError("Aucun serveur : donnez au moins une adresse « hôte:port » (127.0.0.1:8501).")
    for s in serveurs:
        if not MOTIF_SERVEUR.fullmatch(s) or not 1 <= int(s.rsplit(":", 1)[1]) <= 65535:
            raise ValueError(f"Serveur « {s} » : attendu « hôte:port » (port de 1 à 65535), par exemple "
                             "127.0.0.1:8501.")
    if doubles := sorted({s for s in serveurs if serveurs.count(s) > 1}):
        raise ValueError(f"Serveur « {doubles[0]} » donné deux fois : chaque adresse « hôte:port » une seule fois.")
    if not MOTIF_PREFIXE.fullmatch(prefixe):
        raise ValueError(f"Préfixe « {prefixe} » : lettres, chiffres, « - » ou « _ », sans « / » (le "
                         "server.baseUrlPath des serveurs, par exemple portrait).")


def site(serveurs: list[str], ecoute: str, prefixe: str, fichiers: Path | None = None) -> str:
    """Le site nginx : le modèle livré, ses marques remplacées (ValueError si une entrée ne convient pas) ; son
    premier commentaire, qui s'adresse à qui maintient le modèle, devient la commande qui a écrit le site."""
    verifier(serveurs, prefixe)
    _, _, texte = MODELE.read_text(encoding="utf-8").partition("\n\n")
    commande = " ".join(["python -m portrait site-nginx", *serveurs, "--ecoute", f"'{ecoute}'", "--prefixe", prefixe])
    texte = (f"# Portrait de territoire : {len(serveurs)} serveur(s) Streamlit derrière nginx. Écrit par\n"
             f"#   {commande}\n# (README, « Déploiement partagé ») ; un serveur ajouté ou retiré : relancer la "
             "commande.\n\n" + texte)
    for marque, valeur in (("@AMONTS@", amonts(serveurs)), ("@ECOUTE@", ecoute), ("@PREFIXE@", prefixe),
                           ("@STATIQUE@", str(fichiers or statique()))):
        if marque not in texte:
            raise ValueError(f"{marque} absent du modèle {MODELE}")
        texte = texte.replace(marque, valeur)
    return texte
