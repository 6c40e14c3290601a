"""Téléchargement des jeux data.caf.fr (API Opendatasoft du portail) quand le réseau le permet."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

PORTAIL = "https://data.caf.fr/api/explore/v2.1/catalog/datasets"
JEUX = ("txcouv_pe_{maille}", "nbpla_pe_{maille}")
MAILLES = ("com", "epci", "dep", "nat")
DELAI = 20  # secondes


class ErreurTelechargement(RuntimeError):
    """Le portail ne répond pas (hors ligne, pare-feu) ou refuse la demande."""


def adresse(jeu: str, annee: int) -> str:
    """Export CSV d'un jeu pour une année (« refine » marche pour une année en nombre comme en date)."""
    requete = urllib.parse.urlencode({"refine": f"annee:{annee}", "delimiter": ";"})
    return f"{PORTAIL}/{jeu}/exports/csv?{requete}"


def telecharger(annee: int, dossier: Path, mailles: tuple[str, ...] = MAILLES) -> list[Path]:
    """Télécharge taux de couverture et places de chaque maille ; s'arrête au premier refus, avec un message clair."""
    dossier.mkdir(parents=True, exist_ok=True)
    fichiers = []
    for maille in mailles:
        for modele in JEUX:
            jeu = modele.format(maille=maille)
            url = adresse(jeu, annee)
            try:
                with urllib.request.urlopen(url, timeout=DELAI) as reponse:
                    octets = reponse.read()
            except (urllib.error.URLError, TimeoutError, OSError) as e:
                raison = getattr(e, "reason", e)
                raise ErreurTelechargement(
                    f"data.caf.fr injoignable pour « {jeu} » ({raison}). Hors ligne, téléchargez les fichiers "
                    f"depuis data.caf.fr (jeux {', '.join(m.format(maille='…') for m in JEUX)}), puis importez-les : "
                    "python -m portrait import caf FICHIER.") from None
            chemin = dossier / f"{jeu}_{annee}.csv"
            chemin.write_bytes(octets)
            fichiers.append(chemin)
    return fichiers
