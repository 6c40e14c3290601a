"""Le dépôt d'un fichier, seul chemin d'un fichier vers les données : la page Données et la ligne de commande."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from portrait.donnees.connexion import Chemins
from portrait.imports import registre, sources
from portrait.imports.lecture import ErreurLecture, Tableau, est_classeur, lire_fichier, morceaux_csv
from portrait.imports.rapport import Contexte, ErreurImport, Rapport, valeurs_remplacees

SEUIL_MORCEAUX = 8 * 1024 * 1024  # octets : au-delà, un CSV est lu et validé par morceaux (mémoire bornée)
TAILLE_MORCEAU = 100_000  # lignes de données par morceau
# Sources dont chaque ligne se valide seule (pas la population par âge, qui additionne les IRIS d'une commune).
PAR_MORCEAUX = ("mesures", "caf", "naissances")
TAILLE_MORCEAU_TEXTE = "100\u202f000"
CLES = ["niveau", "code", "annee", "indicateur"]


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


def _tableaux(fichier: Path, octets: bytes) -> Iterator[Tableau]:
    """Le fichier lu : un tableau, ou pour un gros CSV des morceaux de TAILLE_MORCEAU lignes, mêmes en-têtes."""
    try:
        if len(octets) > SEUIL_MORCEAUX and not est_classeur(fichier, octets):
            yield from morceaux_csv(octets, fichier.name, TAILLE_MORCEAU)
        else:
            yield lire_fichier(fichier, octets)
    except ErreurLecture as e:
        raise ErreurImport(str(e)) from None


def _lire(fichier: Path, octets: bytes, racine: Path | str, source: str | None, departement: str | None,
          annee: int | None) -> tuple[sources.Source, pd.DataFrame, Rapport]:
    """Lit le fichier avec le lecteur de sa source (dite, ou reconnue à ses en-têtes) ; rien n'est écrit. Un gros CSV
    de mesures est validé morceau par morceau, par le même lecteur : jamais d'objet Python par cellule du fichier
    entier."""
    tableaux = _tableaux(fichier, octets)
    tableau = next(tableaux)
    src = sources.SOURCES[source] if source else sources.detecter(tableau)
    contexte = Contexte(Chemins(Path(racine)), (departement or "").strip().upper() or None, annee)
    if src.nom not in PAR_MORCEAUX:
        tableau = _rassembler(tableau, tableaux)
    lignes, rapport = src.lire(tableau, contexte)
    morceaux = [_compact(lignes)]
    for morceau in tableaux:  # les morceaux suivants d'un gros CSV de mesures
        lignes_morceau, rapport_morceau = src.lire(morceau, contexte)
        morceaux.append(_compact(lignes_morceau))
        _ajouter(rapport, rapport_morceau)
    if len(morceaux) > 1:
        pleins = [m for m in morceaux if len(m)] or morceaux[:1]
        lignes = _sans_doublons_entre_morceaux(pd.concat(pleins, ignore_index=True).infer_objects(), rapport)
        rapport.lignes_gardees = len(lignes)
        rapport.annees = sorted(int(a) for a in lignes["annee"].unique())
        rapport.indicateurs = sorted(lignes["indicateur"].unique())
        rapport.valeurs_remplacees = 0 if rapport.erreurs else valeurs_remplacees(contexte.chemins, lignes)
    rapport.source = src.libelle
    return src, lignes, rapport


def _rassembler(premier: Tableau, suivants: Iterator[Tableau]) -> Tableau:
    """Un seul tableau des morceaux d'un CSV, pour une source qui le lit d'un bloc."""
    for morceau in suivants:
        premier.lignes += morceau.lignes
        premier.numeros += morceau.numeros
    return premier


def _compact(lignes: pd.DataFrame) -> pd.DataFrame:
    """Les colonnes de texte d'un morceau en catégories : quelques codes distincts, pas un objet par cellule."""
    return lignes.astype({c: "category" for c in lignes.columns if lignes[c].dtype == object})


def _ajouter(rapport: Rapport, morceau: Rapport) -> None:
    """Ajoute au rapport du fichier celui d'un de ses morceaux."""
    rapport.lignes_lues += morceau.lignes_lues
    rapport.erreurs += morceau.erreurs
    rapport.avertissements += morceau.avertissements
    rapport.valeurs_manquantes += morceau.valeurs_manquantes


def _sans_doublons_entre_morceaux(lignes: pd.DataFrame, rapport: Rapport) -> pd.DataFrame:
    """Une même clé dans deux morceaux (chaque morceau a déjà écarté ses propres doublons) : une erreur par clé."""
    lignes = lignes.astype({c: object for c in lignes.columns if isinstance(lignes[c].dtype, pd.CategoricalDtype)})
    doubles = lignes.duplicated(CLES)
    for niveau, code, annee, indicateur in lignes.loc[doubles, CLES].itertuples(index=False):
        rapport.erreurs.append(f"{rapport.fichier} : {niveau} {code}, {annee}, {indicateur} figure deux fois, à plus "
                               f"de {TAILLE_MORCEAU_TEXTE} lignes d'écart (doublon, ou ancienne commune reportée "
                               "sur la commune actuelle) ; gardez une seule valeur.")
    return lignes[~doubles].reset_index(drop=True)


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
