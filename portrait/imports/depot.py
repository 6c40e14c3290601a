"""Le dépôt d'un fichier, seul chemin d'un fichier vers les données : la page Données et la ligne de commande."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from portrait.donnees.connexion import Chemins
from portrait.imports import registre, sources
from portrait.imports.lecture import ErreurLecture, lire_fichier
from portrait.imports.rapport import Contexte, ErreurImport, Rapport


def _octets(fichier: Path, octets: bytes | None) -> bytes:
    """Le contenu déposé, ou à défaut celui du fichier sur le disque."""
    if octets is not None:
        return octets
    try:
        return fichier.read_bytes()
    except OSError as e:
        raise ErreurImport(f"{fichier} : fichier introuvable ou illisible ({e.strerror}).") from None


@dataclass
class Lu:
    """Un fichier lu et validé, rien d'écrit : sa source, ses lignes et son rapport ; la page Données le garde le
    temps du dépôt pour ne pas relire le fichier à chaque passage ni au clic sur « Importer »."""

    source: str
    lignes: pd.DataFrame
    rapport: Rapport


def lire(fichier: Path | str, racine: Path | str, octets: bytes | None = None, source: str | None = None,
         departement: str | None = None, annee: int | None = None) -> Lu:
    """Lit et valide un fichier (paramètres de `verifier`) ; rien n'est écrit."""
    fichier = Path(fichier)
    src, lignes, rapport = _lire(fichier, _octets(fichier, octets), racine, source, departement, annee)
    return Lu(src.nom, lignes, rapport)


def _lire(fichier: Path, octets: bytes, racine: Path | str, source: str | None, departement: str | None,
          annee: int | None) -> tuple[sources.Source, pd.DataFrame, Rapport]:
    """Lit le fichier avec le lecteur de sa source (dite, ou reconnue à ses en-têtes) ; rien n'est écrit."""
    try:
        tableau = lire_fichier(fichier, octets)
    except ErreurLecture as e:
        raise ErreurImport(str(e)) from None
    src = sources.SOURCES[source] if source else sources.detecter(tableau)
    contexte = Contexte(Chemins(Path(racine)), (departement or "").strip().upper() or None, annee)
    lignes, rapport = src.lire(tableau, contexte)
    rapport.source = src.libelle
    return src, lignes, rapport


def verifier(fichier: Path | str, racine: Path | str, octets: bytes | None = None, source: str | None = None,
             departement: str | None = None, annee: int | None = None) -> tuple[pd.DataFrame, Rapport]:
    """Le rapport de validation d'un fichier et les lignes qu'il donnerait, sans rien écrire.

    `fichier` : son chemin, ou son seul nom quand `octets` donne son contenu (dépôt dans l'application) ;
    `source` : un nom de sources.SOURCES, ou None pour la reconnaître à ses en-têtes ;
    `departement`, `annee` : ce que l'utilisateur précise pour l'enquête flash."""
    lu = lire(fichier, racine, octets, source, departement, annee)
    return lu.lignes, lu.rapport


def bloque(source: str | None, rapport: Rapport) -> bool:
    """Une erreur refuse tout le fichier, sauf pour une source qui écarte seulement la ligne fautive (l'enquête
    flash : une réponse à la commune introuvable), tant qu'il reste une ligne à importer."""
    ecarte = source is not None and not sources.SOURCES[source].erreurs_bloquantes
    return bool(rapport.erreurs) and (not ecarte or rapport.lignes_gardees == 0)


def importer(fichier: Path | str, racine: Path | str, octets: bytes | None = None, source: str | None = None,
             departement: str | None = None, annee: int | None = None) -> tuple[dict, Rapport]:
    """Valide puis enregistre un fichier, tout ou rien ; rend l'entrée du registre et le rapport."""
    fichier = Path(fichier)
    octets = _octets(fichier, octets)
    src, lignes, rapport = _lire(fichier, octets, racine, source, departement, annee)
    return enregistrer(Lu(src.nom, lignes, rapport), racine, fichier.name, octets), rapport


def enregistrer(lu: Lu, racine: Path | str, nom_fichier: str, octets: bytes) -> dict:
    """Enregistre un fichier déjà lu, tout ou rien, s'il n'est pas bloqué ; rend l'entrée du registre."""
    if bloque(lu.source, lu.rapport):
        raise ErreurImport("Import refusé, rien n'a été écrit.\n" + lu.rapport.texte())
    if lu.lignes.empty:
        raise ErreurImport(f"{nom_fichier} : aucune ligne de données à importer ; rien n'a été écrit.\n"
                           + lu.rapport.texte())
    return registre.enregistrer(racine, sources.SOURCES[lu.source].table, lu.lignes, lu.rapport, nom_fichier, octets)
