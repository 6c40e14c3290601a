"""La correspondance des colonnes d'un fichier qu'aucune source ne reconnaît : dite par l'analyste, gardée en profil.

Une correspondance dit quelle colonne porte le code du territoire (et à quel niveau), où est l'année (une colonne,
ou une année pour tout le fichier) et quel indicateur du catalogue porte chaque colonne de nombres. Elle transforme
le fichier lu en valeurs (rapport.Ligne) que rapport.valider vérifie comme pour toute source ; rien ne s'écrit avant
la confirmation (depot.py). Nommée, elle devient un profil du magasin des imports, proposé de
lui-même pour le fichier suivant aux mêmes en-têtes (comparés pliés : lecture.normaliser_entete).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from portrait.imports import registre, sources
from portrait.imports.lecture import Tableau, lire_nombre, nom_colonne, normaliser_entete
from portrait.imports.rapport import ANNEE_MAX, ANNEE_MIN, ErreurImport, Ligne, proches
from portrait.regles import catalogue

NIVEAUX = catalogue.NIVEAUX
EXEMPLES = 3  # valeurs montrées par colonne
LIGNES_EXEMPLES = 200  # lignes parcourues pour trouver les exemples d'une colonne
LONGUEUR_NOM = 60  # caractères du nom de fichier d'un profil
CLES = ("code", "niveau", "annee")  # les autres clés de --colonnes sont des indicateurs
SYNTAXE = "code=COLONNE,niveau=commune,annee=2021,INDICATEUR=COLONNE"
# ce qui fait proposer une colonne d'office (page Données) : son nom plié contient l'un de ces mots, ses exemples ont
# la forme attendue
INDICES_CODE = ("cod", "com", "geo", "insee", "epci", "siren", "dep", "reg", "num")
INDICES_ANNEE = ("annee", "millesime", "date", "year", "periode", "period", "exercice")
MOTIFS_CODE = {"epci": re.compile(r"\d{9}"), "commune": re.compile(r"(\d{4,5}|2[AB]\d{3})", re.IGNORECASE),
               "departement": re.compile(r"(\d{1,3}|2[AB])", re.IGNORECASE)}
MOTIF_ANNEE = re.compile(r"\d{4}|\d{4}-\d{2}-\d{2}|\d{2}/\d{2}/\d{4}")


@dataclass(frozen=True)
class Correspondance:
    """Ce que contient chaque colonne utile d'un fichier ; les colonnes sont nommées comme dans le fichier, et
    comparées pliées (casse, accents, espaces et ponctuation ignorés)."""

    niveau: str  # commune, epci, departement, region ou france
    code: str | None  # colonne du code du territoire (None : niveau france)
    annee: str | int  # colonne de l'année, ou une année pour tout le fichier
    indicateurs: tuple[tuple[str, str], ...]  # (colonne, indicateur du catalogue)
    profil: str = ""  # nom du profil d'où elle vient, s'il y en a un

    def texte(self) -> str:
        """La correspondance écrite comme l'option --colonnes de la ligne de commande."""
        paires = [("code", self.code)] if self.code else []
        paires += [("niveau", self.niveau), ("annee", str(self.annee))]
        paires += [(ind, col) for col, ind in self.indicateurs]
        return ",".join(f"{cle}={valeur}" for cle, valeur in paires)


@dataclass(frozen=True)
class Colonne:
    """Une colonne d'un fichier déposé, telle que la page Données la montre pour dire ce qu'elle contient."""

    entete: str  # plié (lecture.normaliser_entete)
    brut: str  # tel qu'écrit dans le fichier
    exemples: tuple[str, ...]
    numerique: bool  # ses exemples sont des nombres (ou des valeurs secrètes)


@dataclass(frozen=True)
class Profil:
    """Une correspondance enregistrée sous un nom, et les en-têtes (pliés) du fichier pour lequel elle a été dite."""

    nom: str
    entetes: tuple[str, ...]
    correspondance: Correspondance
    date: str


def importables() -> dict[str, str]:
    """Les indicateurs qu'un fichier peut porter (pas les évolutions, calculées) -> « Libellé (unité) »."""
    return {i.id: f"{i.libelle} ({i.unite})" for i in catalogue.CATALOGUE if i.nature != "evolution"}


def _annee_fixe(texte: str) -> int | None:
    """« 2021 » -> 2021 ; un nom de colonne -> None."""
    texte = texte.strip()
    return int(texte) if texte.isdigit() and len(texte) == 4 else None


def lire_texte(texte: str) -> Correspondance:
    """L'option --colonnes (« code=NUMCOM,niveau=commune,annee=2021,taux_couverture=tauxcouv_com ») -> une
    correspondance ; une erreur de syntaxe, un niveau ou un indicateur inconnu -> une phrase qui dit quoi écrire."""
    valeurs: dict[str, str] = {}
    indicateurs: list[tuple[str, str]] = []
    connus = importables()
    for morceau in filter(None, (m.strip() for m in texte.split(","))):
        cle, egal, valeur = (s.strip() for s in morceau.partition("="))
        if not egal or not cle or not valeur:
            raise ErreurImport(f"--colonnes : « {morceau} » n'est pas de la forme clé=valeur ; écrivez par exemple "
                               f"--colonnes {SYNTAXE}.")
        cle = cle.lower()
        if cle in CLES:
            valeurs[cle] = valeur
        elif cle in connus:
            if cle in dict((i, c) for c, i in indicateurs):
                raise ErreurImport(f"--colonnes : l'indicateur « {cle} » est donné deux fois ; gardez une colonne "
                                   "par indicateur.")
            indicateurs.append((valeur, cle))
        else:
            raise ErreurImport(f"--colonnes : « {cle} » n'est ni code, niveau, annee, ni un indicateur du "
                               f"catalogue.{proches(cle, connus)} Écrivez --colonnes {SYNTAXE}.")
    annee = valeurs.get("annee")
    return controler(Correspondance(valeurs.get("niveau", "").lower(), valeurs.get("code"),
                                    _annee_fixe(annee) or annee if annee else "", tuple(indicateurs)))


def controler(c: Correspondance) -> Correspondance:
    """Refuse une correspondance incomplète (niveau, code, année, au moins un indicateur), avec la phrase qui dit
    quoi préciser ; rend la correspondance sinon."""
    if c.niveau not in NIVEAUX:
        inconnu = f"Niveau « {c.niveau} » inconnu : dites" if c.niveau else "Dites"
        raise ErreurImport(f"{inconnu} le niveau des codes du territoire, niveau=commune "
                           f"(ou {', '.join(NIVEAUX[1:])}).")
    if not c.code and c.niveau != "france":
        raise ErreurImport("Dites quelle colonne porte le code du territoire : code=NOM_DE_LA_COLONNE.")
    if c.annee == "" or c.annee is None:
        raise ErreurImport("Dites où est l'année : annee=NOM_DE_LA_COLONNE, ou annee=2021 pour tout le fichier.")
    if isinstance(c.annee, int) and not ANNEE_MIN <= c.annee <= ANNEE_MAX:
        raise ErreurImport(f"Année {c.annee} hors de {ANNEE_MIN} à {ANNEE_MAX} : écrivez l'année des valeurs.")
    if not c.indicateurs:
        raise ErreurImport("Dites quel indicateur porte au moins une colonne : INDICATEUR=NOM_DE_LA_COLONNE "
                           "(par exemple taux_couverture=tauxcouv_com).")
    connus = importables()
    for _, ind in c.indicateurs:
        if ind not in connus:
            raise ErreurImport(f"Indicateur « {ind} » inconnu du catalogue.{proches(ind, connus)}")
    return c


def _position(tableau: Tableau, colonne: str, role: str) -> int:
    """La position d'une colonne dite par l'analyste, comparée pliée ; absente -> une phrase qui la nomme."""
    entete = normaliser_entete(colonne)
    if entete not in tableau.entetes:
        lus = [nom_colonne(tableau.entetes_bruts or tableau.entetes, j) for j in range(len(tableau.entetes))]
        raise ErreurImport(f"{tableau.nom_fichier} : colonne « {colonne} » ({role}) absente du fichier."
                           f"{proches(colonne, lus)} Colonnes lues : {', '.join(lus)}.")
    return tableau.entetes.index(entete)


def lignes(tableau: Tableau, c: Correspondance) -> list[Ligne]:
    """Les valeurs d'un fichier selon sa correspondance : une par ligne et par colonne d'indicateur, encore en
    texte, que rapport.valider vérifie comme celles de toute source."""
    controler(c)
    i_code = _position(tableau, c.code, "code du territoire") if c.code else None
    i_annee = _position(tableau, c.annee, "année") if isinstance(c.annee, str) else None
    colonnes = [(_position(tableau, col, ind), ind) for col, ind in c.indicateurs]

    def cellule(cellules: list[str], i: int) -> str:
        return cellules[i].strip() if i < len(cellules) else ""

    sortie = []
    for numero, cellules in zip(tableau.numeros, tableau.lignes):
        code = cellule(cellules, i_code) if i_code is not None else "FR"
        annee = cellule(cellules, i_annee) if i_annee is not None else str(c.annee)
        sortie += [Ligne(numero, c.niveau, code, annee, ind, cellule(cellules, j)) for j, ind in colonnes]
    return sortie


def source(c: Correspondance) -> sources.Source:
    """La source « correspondance » de sources.SOURCES, lisant le fichier selon `c` (rapport.valider, comme les
    autres sources de mesures) ; son libellé nomme le profil."""
    libelle = sources.SOURCES["correspondance"].libelle + (f", profil « {c.profil} »" if c.profil else "")
    return replace(sources.SOURCES["correspondance"], libelle=libelle,
                   lire=sources.lecteur_mesures(lambda tableau: lignes(tableau, c)))


def colonnes(tableau: Tableau) -> list[Colonne]:
    """Chaque colonne d'un fichier lu avec ses EXEMPLES premières valeurs distinctes non vides, et si elle porte des
    nombres : ce que la page Données montre pour dire la correspondance."""
    sortie = []
    debut = tableau.lignes[:LIGNES_EXEMPLES]
    for i, entete in enumerate(tableau.entetes):
        vues: list[str] = []
        for cellules in debut:
            v = cellules[i].strip() if i < len(cellules) else ""
            if v and v not in vues:
                vues.append(v)
            if len(vues) == EXEMPLES:
                break
        brut = tableau.entetes_bruts[i] if i < len(tableau.entetes_bruts) else entete
        sortie.append(Colonne(entete, brut.strip() or entete, tuple(vues), all(_nombre(v) for v in vues)))
    return sortie


def proposition(colonnes_lues: list[Colonne]) -> tuple[str | None, str, str | None]:
    """Ce que la page propose d'office, d'après les noms et les exemples des colonnes : la colonne du code et son
    niveau, la colonne de l'année (en-têtes pliés ; None quand rien ne s'impose). L'analyste vérifie et corrige."""
    code, niveau = None, "commune"
    for c in colonnes_lues:
        n = _niveau_des_codes(c)
        if n and any(indice in c.entete for indice in INDICES_CODE):
            code, niveau = c.entete, n
            break
    annee = next((c.entete for c in colonnes_lues if c.entete != code and c.exemples
                  and any(indice in c.entete for indice in INDICES_ANNEE)
                  and all(MOTIF_ANNEE.fullmatch(v) for v in c.exemples)), None)
    return code, niveau, annee


def _niveau_des_codes(c: Colonne) -> str | None:
    """Le niveau dont les exemples d'une colonne ont la forme des codes (commune sur 4 ou 5 caractères, EPCI sur 9
    chiffres, département, région), ou None."""
    for niveau, motif in MOTIFS_CODE.items():
        if c.exemples and all(motif.fullmatch(v) for v in c.exemples):
            return "region" if niveau == "departement" and "reg" in c.entete else niveau
    return None


def _nombre(texte: str) -> bool:
    """Un nombre à la française, ou une valeur secrète."""
    try:
        lire_nombre(texte)
    except ValueError:
        return False
    return True


# Profils : un par nom plié, dans le magasin des imports (registre.enregistrer_profil), chacun avec son audit


def cle_profil(nom: str) -> str:
    """La clé d'un profil : son nom plié (lettres sans accents, chiffres, « _ »)."""
    pli = normaliser_entete(nom)[:LONGUEUR_NOM].strip("_")
    if not pli:
        raise ErreurImport(f"Nom de profil « {nom.strip()} » inutilisable : écrivez quelques lettres ou chiffres "
                           "(par exemple « Onape 2021 »).")
    return pli


def _contenu(nom: str, c: Correspondance, entetes: list[str]) -> dict:
    """Le contenu d'un profil (le JSON gardé dans le magasin)."""
    return {
        "nom": nom, "date": datetime.now().isoformat(timespec="seconds"),
        "entetes": [normaliser_entete(e) for e in entetes],
        "niveau": c.niveau, "code": c.code, "annee": c.annee,
        "indicateurs": [{"colonne": col, "indicateur": ind} for col, ind in c.indicateurs],
    }


def enregistrer_profil(racine: Path | str, nom: str, c: Correspondance, entetes: list[str],
                       auteur: str | None = None) -> Profil:
    """Enregistre (ou remplace) le profil `nom` : la correspondance et les en-têtes du fichier pour lequel elle a été
    dite. Seule écriture d'un profil ; une transaction du magasin (un lecteur voit l'ancien profil ou le nouveau),
    inscrite au journal des changements avec son auteur (par défaut l'utilisateur du système : la ligne de
    commande)."""
    nom = " ".join(nom.split())
    cle = cle_profil(nom)
    controler(c)
    contenu = _contenu(nom, replace(c, profil=""), entetes)
    registre.enregistrer_profil(racine, cle, contenu, auteur, detail=f"profil « {nom} » : {c.texte()}")
    return _lire_profil(cle, contenu)


def _lire_profil(cle: str, d: dict) -> Profil:
    """Un profil relu ; un contenu abîmé (ou repris d'un fichier modifié à la main) -> ErreurImport."""
    try:
        annee = d["annee"]
        c = Correspondance(str(d["niveau"]), d["code"] and str(d["code"]),
                           annee if isinstance(annee, int) else str(annee),
                           tuple((str(i["colonne"]), str(i["indicateur"])) for i in d["indicateurs"]),
                           profil=str(d["nom"]))
        return Profil(str(d["nom"]), tuple(map(str, d["entetes"])), controler(c), str(d.get("date", "")))
    except (ValueError, KeyError, TypeError) as e:
        detail = str(e) if isinstance(e, ErreurImport) else "profil illisible"
        raise ErreurImport(f"Profil {cle} : {detail} ; enregistrez-le à nouveau.") from None


def profils(racine: Path | str) -> list[Profil]:
    """Les profils lisibles, du plus récent au plus ancien (un profil abîmé est passé)."""
    trouves = []
    for cle, contenu in registre.profils(racine).items():
        try:
            trouves.append(_lire_profil(cle, contenu))
        except ErreurImport:
            continue
    return sorted(trouves, key=lambda p: p.date, reverse=True)


def profils_pour(racine: Path | str, entetes: list[str]) -> list[Profil]:
    """Les profils dits pour un fichier aux mêmes en-têtes (pliés, dans n'importe quel ordre), le plus récent
    d'abord : ceux que la page Données et l'import « auto » proposent."""
    plies = {normaliser_entete(e) for e in entetes}
    return [p for p in profils(racine) if {normaliser_entete(e) for e in p.entetes} == plies]


def profil(racine: Path | str, nom: str) -> Profil:
    """Le profil de ce nom (--profil NOM) ; absent -> la liste des profils enregistrés."""
    cle = cle_profil(nom)
    enregistres = registre.profils(racine)
    if cle not in enregistres:
        noms = ", ".join(f"« {p.nom} »" for p in profils(racine)) or "aucun"
        raise ErreurImport(f"Profil « {nom} » introuvable ; profils enregistrés : {noms}. Enregistrez-le avec "
                           "--colonnes … --enregistrer-profil NOM, ou depuis la page Données.")
    return _lire_profil(cle, enregistres[cle])
