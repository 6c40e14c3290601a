"""Le dépôt d'un fichier, seul chemin d'un fichier vers les données : la page Données et la ligne de commande."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from itertools import chain
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.api.types import union_categoricals

from portrait.donnees.connexion import Chemins
from portrait.imports import correspondance as correspondances
from portrait.imports import gros_csv, registre, sources
from portrait.imports.lecture import ErreurLecture, Tableau, est_classeur, lire_fichier, morceaux_csv
from portrait.imports.rapport import (
    Contexte,
    ErreurImport,
    Rapport,
    Referentiel,
    connexion_bornee,
    signaler_sauts,
    valeurs_remplacees,
)
from portrait.vues import francais

SEUIL_MORCEAUX = 8 * 1024 * 1024  # octets : au-delà, un CSV est lu et validé par morceaux (mémoire bornée)
TAILLE_MORCEAU = 10_000  # lignes de données par morceau
# Sources dont chaque ligne se valide seule (pas la population par âge, qui additionne les IRIS d'une commune).
PAR_MORCEAUX = ("mesures", "caf", "naissances", "correspondance")
TAILLE_MORCEAU_TEXTE = "10\u202f000"
CLES = ["niveau", "code", "annee", "indicateur"]


def _octets(fichier: Path, octets: bytes | None) -> bytes | Path:
    """Le contenu déposé, ou à défaut celui du fichier sur le disque ; un gros fichier y reste (son chemin), lu au
    fil de l'eau : jamais tout entier en mémoire."""
    if octets is not None:
        return octets
    try:
        with open(fichier, "rb") as f:
            if fichier.stat().st_size > SEUIL_MORCEAUX and not est_classeur(fichier, f.read(4)):
                return fichier
            return f.read()
    except OSError as e:
        raise ErreurImport(f"{fichier} : fichier introuvable ou illisible ({e.strerror}).") from None


@dataclass
class Lu:
    """Un fichier lu et validé, rien d'écrit : sa source, ses lignes et son rapport ; la page Données le garde le
    temps du dépôt pour ne pas relire le fichier à chaque passage ni au clic sur « Importer »."""

    source: str
    lignes: pd.DataFrame
    rapport: Rapport
    taille_sha256: tuple[int, str] | None = None  # l'empreinte du fichier lu, que l'import reprend sans le rehacher


def lire(fichier: Path | str, racine: Path | str, octets: bytes | None = None, source: str | None = None,
         departement: str | None = None, annee: int | None = None,
         correspondance: correspondances.Correspondance | None = None) -> Lu:
    """Lit et valide un fichier (paramètres de `verifier`) ; rien n'est écrit."""
    fichier = Path(fichier)
    octets = _octets(fichier, octets)
    src, lignes, rapport = _lire(fichier, octets, racine, source, departement, annee, correspondance)
    taille_sha256 = registre.empreinte(octets)
    if (meme := registre.deja_importe(racine, taille_sha256[1])) is not None:
        rapport.avertissements.insert(0, f"Ce fichier est déjà importé, avec le même contenu (empreinte SHA-256) : "
                                         f"import {meme['id']} du {francais.date_heure(meme['date'])}, toujours "
                                         "actif. L'importer de nouveau l'ajoute une seconde fois au registre.")
    return Lu(src.nom, lignes, rapport, taille_sha256)


def lire_tableau(fichier: Path | str, octets: bytes | None = None) -> Tableau:
    """Le fichier lu sans être validé (pour un gros CSV, son premier morceau) : ses colonnes et leurs exemples,
    pour dire la correspondance d'un fichier que rien ne reconnaît."""
    fichier = Path(fichier)
    return next(_tableaux(fichier, _octets(fichier, octets)))


def _source(tableau: Tableau, racine: Path | str, source: str | None,
            correspondance: correspondances.Correspondance | None) -> sources.Source:
    """La source d'un fichier : la correspondance dite ; sinon la source dite ; sinon celle que ses en-têtes font
    reconnaître ; sinon le profil de correspondance le plus récent enregistré pour ces mêmes en-têtes."""
    if correspondance is not None:
        return correspondances.source(correspondance)
    if source is None:
        try:
            return sources.detecter(tableau)
        except ErreurImport:
            if not correspondances.profils_pour(racine, tableau.entetes):
                raise
            source = "correspondance"
    if source == "correspondance" and (profils := correspondances.profils_pour(racine, tableau.entetes)):
        return correspondances.source(profils[0].correspondance)
    return sources.SOURCES[source]


def _tableaux(fichier: Path, octets: bytes | Path) -> Iterator[Tableau]:
    """Le fichier lu : un tableau, ou pour un gros CSV des morceaux de TAILLE_MORCEAU lignes, mêmes en-têtes (un
    gros CSV resté sur le disque y est lu au fil de l'eau)."""
    try:
        if isinstance(octets, Path):
            with open(octets, "rb") as f:
                yield from morceaux_csv(f, fichier.name, TAILLE_MORCEAU)
        elif len(octets) > SEUIL_MORCEAUX and not est_classeur(fichier, octets):
            yield from morceaux_csv(octets, fichier.name, TAILLE_MORCEAU)
        else:
            yield lire_fichier(fichier, octets)
    except ErreurLecture as e:
        raise ErreurImport(str(e)) from None
    except OSError as e:
        raise ErreurImport(f"{fichier} : fichier introuvable ou illisible ({e.strerror}).") from None


def _lire(fichier: Path, octets: bytes | Path, racine: Path | str, source: str | None, departement: str | None,
          annee: int | None, correspondance: correspondances.Correspondance | None = None
          ) -> tuple[sources.Source, pd.DataFrame, Rapport]:
    """Lit et valide le fichier (_valider), puis compte les valeurs déjà là qu'il remplace et signale les sauts de
    plus de × 3 d'une année à l'autre, dans le fichier ou face aux valeurs déjà là : une seule connexion bornée aux
    données pour les deux ; rien n'est écrit."""
    src, lignes, rapport = _valider(fichier, octets, racine, source, departement, annee, correspondance)
    if src.table == "mesures" and not lignes.empty:
        chemins = Chemins(Path(racine))
        with connexion_bornee(chemins) as con:
            if not rapport.erreurs:
                rapport.valeurs_remplacees = valeurs_remplacees(chemins, lignes, rapport, con)
            signaler_sauts(chemins, lignes, rapport, con)
    return src, lignes, rapport


def _valider(fichier: Path, octets: bytes | Path, racine: Path | str, source: str | None, departement: str | None,
             annee: int | None, correspondance: correspondances.Correspondance | None
             ) -> tuple[sources.Source, pd.DataFrame, Rapport]:
    """Lit le fichier avec le lecteur de sa source (dite, ou reconnue à ses en-têtes) ; rien n'est écrit. Un gros CSV
    de mesures est validé morceau par morceau, par le même lecteur : jamais d'objet Python par cellule du fichier
    entier. Les valeurs remplacées ne sont pas comptées ici (_lire les compte)."""
    tableaux = _tableaux(fichier, octets)
    tableau = next(tableaux)
    src = _source(tableau, racine, source, correspondance)
    contexte = Contexte(Chemins(Path(racine)), (departement or "").strip().upper() or None, annee,
                        compter_remplacees=False)
    if src.nom not in PAR_MORCEAUX:
        tableau = _rassembler(tableau, tableaux)
    elif len(tableau.lignes) >= TAILLE_MORCEAU:  # gros CSV : référentiel lu une fois pour tous ses morceaux
        contexte = replace(contexte, referentiel=Referentiel.charger(contexte.chemins))
        if src.nom == "mesures":  # validé en colonnes, mêmes phrases qu'un petit fichier
            return src, *_gros_csv_de_mesures(fichier, chain([tableau], tableaux), contexte)
    lignes, rapport = src.lire(tableau, contexte)
    morceaux = [_compact(lignes)]
    for morceau in tableaux:  # les morceaux suivants d'un gros CSV de mesures
        lignes_morceau, rapport_morceau = src.lire(morceau, contexte)
        morceaux.append(_compact(lignes_morceau))
        _ajouter(rapport, rapport_morceau)
    if len(morceaux) > 1:
        pleins = [m for m in morceaux if len(m)] or morceaux[:1]
        lignes = _sans_doublons_entre_morceaux(_concatener(pleins), rapport)
        rapport.resumer(lignes)
        lignes = _decompact(lignes)
    rapport.source = src.libelle
    return src, lignes, rapport


def _gros_csv_de_mesures(fichier: Path, tableaux: Iterator[Tableau],
                         contexte: Contexte) -> tuple[pd.DataFrame, Rapport]:
    """Un gros fichier de mesures générique, validé en colonnes (gros_csv.py)."""
    src = sources.SOURCES["mesures"]
    lignes, rapport = gros_csv.valider_gros_csv(tableaux, contexte.referentiel, fichier.name)
    rapport.source = src.libelle
    return lignes, rapport  # colonnes de texte en catégories : le Parquet les écrit en dictionnaire


def _rassembler(premier: Tableau, suivants: Iterator[Tableau]) -> Tableau:
    """Un seul tableau des morceaux d'un CSV, pour une source qui le lit d'un bloc."""
    for morceau in suivants:
        premier.lignes += morceau.lignes
        premier.numeros += morceau.numeros
    return premier


def _compact(lignes: pd.DataFrame) -> pd.DataFrame:
    """Les colonnes de texte d'un morceau en catégories : quelques codes distincts, pas un objet par cellule."""
    texte = [c for c, t in lignes.dtypes.items() if t is np.dtype(object) or isinstance(t, pd.StringDtype)]
    return lignes.astype(dict.fromkeys(texte, "category"))


def _concatener(morceaux: list[pd.DataFrame]) -> pd.DataFrame:
    """Les morceaux compacts bout à bout, chaque colonne de catégories gardée en catégories (union des valeurs) :
    pd.concat rendrait des objets Python dès que deux morceaux n'ont pas les mêmes catégories."""
    colonnes = {}
    for c in morceaux[0].columns:
        if isinstance(morceaux[0][c].dtype, pd.CategoricalDtype):
            colonnes[c] = union_categoricals([m[c] for m in morceaux])
        else:
            colonnes[c] = pd.concat([m[c] for m in morceaux], ignore_index=True)
    return pd.DataFrame(colonnes).infer_objects()


def _decompact(lignes: pd.DataFrame) -> pd.DataFrame:
    """Les colonnes de catégories rendues au type des lignes d'un bloc (texte), comme une lecture d'un bloc ; le
    texte passe par un dictionnaire Arrow, sans un objet Python par valeur."""
    types = {c: t for c, t in lignes.dtypes.items() if isinstance(t, pd.CategoricalDtype)}
    return lignes.assign(**{c: _texte(lignes[c]) if isinstance(t.categories.dtype, pd.StringDtype)
                            else lignes[c].astype(t.categories.dtype) for c, t in types.items()})


def _texte(colonne: pd.Series) -> pd.Series:
    """Une colonne de catégories de texte en colonne de texte (Arrow), valeur pour valeur."""
    codes = colonne.cat.codes.to_numpy()
    dictionnaire = pa.DictionaryArray.from_arrays(pa.array(codes, mask=codes < 0),
                                                  pa.array(colonne.cat.categories.to_numpy(dtype=object)))
    return pd.Series(dictionnaire.cast(pa.string()), dtype=colonne.cat.categories.dtype, index=colonne.index)


def _ajouter(rapport: Rapport, morceau: Rapport) -> None:
    """Ajoute au rapport du fichier celui d'un de ses morceaux."""
    rapport.lignes_lues += morceau.lignes_lues
    rapport.erreurs += morceau.erreurs
    rapport.avertissements += morceau.avertissements
    rapport.valeurs_manquantes += morceau.valeurs_manquantes
    for motif, n in morceau.ecartees.items():
        rapport.ecartees[motif] = rapport.ecartees.get(motif, 0) + n
    for territoire, quoi in morceau.inconnus.items():  # valeurs écartées (nombre) additionnées
        deja = rapport.inconnus.get(territoire, 0)
        rapport.inconnus[territoire] = deja + quoi if isinstance(quoi, int) and isinstance(deja, int) else quoi


def _sans_doublons_entre_morceaux(lignes: pd.DataFrame, rapport: Rapport) -> pd.DataFrame:
    """Une même clé dans deux morceaux (chaque morceau a déjà écarté ses propres doublons) : une erreur par clé."""
    doubles = _doubles(lignes)
    for niveau, code, annee, indicateur in lignes.loc[doubles, CLES].itertuples(index=False):
        rapport.erreurs.append(f"{rapport.fichier} : {niveau} {code}, {annee}, {indicateur} figure deux fois, à plus "
                               f"de {TAILLE_MORCEAU_TEXTE} lignes d'écart (doublon, ou ancienne commune reportée "
                               "sur la commune actuelle) ; gardez une seule valeur.")
    return lignes[~doubles].reset_index(drop=True)


def _doubles(lignes: pd.DataFrame) -> np.ndarray:
    """Comme lignes.duplicated(CLES), sur une seule clé entière tirée des codes des catégories (tri stable) : pas de
    table de hachage par colonne."""
    cle = np.zeros(len(lignes), dtype=np.int64)
    for c in CLES:
        codes, valeurs = pd.factorize(lignes[c]) if not isinstance(lignes[c].dtype, pd.CategoricalDtype) else \
            (lignes[c].cat.codes.to_numpy(), lignes[c].cat.categories)
        cle = cle * (len(valeurs) + 1) + codes + 1
    ordre = np.argsort(cle, kind="stable")
    triee = cle[ordre]
    doubles = np.zeros(len(lignes), dtype=bool)
    doubles[ordre[1:]] = triee[1:] == triee[:-1]
    return doubles


def verifier(fichier: Path | str, racine: Path | str, octets: bytes | None = None, source: str | None = None,
             departement: str | None = None, annee: int | None = None,
             correspondance: correspondances.Correspondance | None = None) -> tuple[pd.DataFrame, Rapport]:
    """Le rapport de validation d'un fichier et les lignes qu'il donnerait, sans rien écrire.

    `fichier` : son chemin, ou son seul nom quand `octets` donne son contenu (dépôt dans l'application) ;
    `source` : un nom de sources.SOURCES, ou None pour la reconnaître à ses en-têtes ;
    `departement`, `annee` : ce que l'utilisateur précise pour l'enquête flash ;
    `correspondance` : ce que contient chaque colonne d'un fichier qu'aucune source ne reconnaît (correspondance.py).
    """
    lu = lire(fichier, racine, octets, source, departement, annee, correspondance)
    return lu.lignes, lu.rapport


def bloque(source: str | None, rapport: Rapport) -> bool:
    """Une erreur refuse tout le fichier, sauf pour une source qui écarte seulement la ligne fautive (l'enquête
    flash : une réponse à la commune introuvable), tant qu'il reste une ligne à importer."""
    ecarte = source is not None and not sources.SOURCES[source].erreurs_bloquantes
    return bool(rapport.erreurs) and (not ecarte or rapport.lignes_gardees == 0)


def importer(fichier: Path | str, racine: Path | str, octets: bytes | None = None, source: str | None = None,
             departement: str | None = None, annee: int | None = None,
             correspondance: correspondances.Correspondance | None = None) -> tuple[dict, Rapport]:
    """Valide puis enregistre un fichier, tout ou rien ; rend l'entrée du registre et le rapport."""
    fichier = Path(fichier)
    octets = _octets(fichier, octets)
    src, lignes, rapport = _lire(fichier, octets, racine, source, departement, annee, correspondance)
    return enregistrer(Lu(src.nom, lignes, rapport), racine, fichier.name, octets), rapport


def enregistrer(lu: Lu, racine: Path | str, nom_fichier: str, octets: bytes | Path,
                auteur: str | None = None) -> dict:
    """Enregistre un fichier déjà lu, tout ou rien, s'il n'est pas bloqué ; rend l'entrée du registre. `auteur` :
    l'e-mail de l'utilisateur connecté (la page passe par surfaces/acces.py), sinon l'utilisateur du système."""
    if bloque(lu.source, lu.rapport):
        raise ErreurImport("Import refusé, rien n'a été écrit.\n" + lu.rapport.texte())
    if lu.lignes.empty:
        raise ErreurImport(f"{nom_fichier} : aucune ligne de données à importer ; rien n'a été écrit.\n"
                           + lu.rapport.texte())
    return registre.enregistrer(racine, sources.SOURCES[lu.source].table, lu.lignes, lu.rapport, nom_fichier, octets,
                                auteur, lu.taille_sha256)
