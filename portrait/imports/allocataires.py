"""Le fichier des allocataires de la Cnaf (FILEAS / BCA), par commune ou par IRIS, ramené à la commune.

En-tête lu (comparé sans casse ni accents) : CODGEO (IRIS sur 9 caractères, ou commune sur 5), puis les comptes
A, PERCOU, AM, ACAVENF, ENF, ENF_2, AAL, AAAH, APPA, ARSAS, APRES50 (absente de certains millésimes). Les colonnes
de libellés (LIBGEO, DEPCOM, LIBCOM, EPCI, REG, NOTE, UU) et les autres comptes sont ignorés ; l'EPCI du fichier
n'est pas lu (il peut être dissous depuis : l'EPCI d'une commune vient de la géographie 2026).
Pas de colonne d'année : elle est dans le nom du fichier (data_CAF_2020_IRIS.csv) ou donnée (--annee).
Une cellule vide est un secret statistique : la commune dont un IRIS est secret pour un compte n'a pas ce compte.
"""

from __future__ import annotations

import re

from portrait.imports import iris
from portrait.imports.descriptions import SANS_INDICATEUR
from portrait.imports.lecture import Tableau, lire_nombre, nom_colonne
from portrait.imports.rapport import AnneeAPreciser, ErreurImport, Ligne, Rapport

CODE = "codgeo"
COLONNES = {  # colonne du fichier (en-tête normalisé) -> indicateur du catalogue
    "a": "allocataires", "percou": "personnes_couvertes", "am": "allocataires_monoparents",
    "acavenf": "allocataires_couples_avec_enfants", "enf": "enfants_couverts", "enf_2": "enfants_couverts_0_2",
    "arsas": "allocataires_rsa", "aaah": "allocataires_aah", "appa": "allocataires_prime_activite",
    "aal": "allocataires_aide_logement", "apres50": "allocataires_dependants_50",
}
LIBELLES = {  # colonnes de libellés ignorées -> pourquoi (les autres : pas d'indicateur au catalogue)
    "libgeo": "libellé", "libcom": "libellé", "depcom": "commune de l'IRIS : tirée de CODGEO",
    "epci": "EPCI du fichier non lu : celui de la géographie 2026", "reg": "région : celle de la géographie 2026",
    "uu": "unité urbaine non lue", "note": "note de la Cnaf non lue"}
AVEC_ENFANTS = ("allocataires_monoparents", "allocataires_couples_avec_enfants")  # -> allocataires_avec_enfants
ANNEE_NOM = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")  # data_CAF_2020_IRIS.csv -> 2020


def reconnaitre(entetes: list[str]) -> bool:
    """Le fichier des allocataires : CODGEO, A et PERCOU."""
    return {CODE, "a", "percou"} <= set(entetes)


def annee(nom_fichier: str, donnee: int | None) -> int:
    """L'année des données : celle donnée (--annee), sinon la seule année du nom du fichier ; sinon un refus."""
    if donnee is not None:
        return donnee
    trouvees = set(ANNEE_NOM.findall(nom_fichier))
    if len(trouvees) == 1:
        return int(trouvees.pop())
    raise AnneeAPreciser(
        f"{nom_fichier} : le fichier des allocataires n'a pas de colonne d'année, et son nom "
        + ("en porte plusieurs" if trouvees else "n'en porte pas")
        + " ; précisez-la (champ « Année des données » de la page Données, ou python -m portrait import auto "
          "FICHIER --annee 2020), ou renommez le fichier avec son année (data_CAF_2020_IRIS.csv). Rien n'a été écrit.")


def _melee(zones: set[tuple[str, bool]], commune: str) -> bool:
    """Une commune comptée deux fois : une zone (commune ou arrondissement) donnée en entier et par ses IRIS, ou la
    commune entière avec ses arrondissements. `zones` : (cinq premiers caractères, par IRIS ou non)."""
    return any((z, not par_iris) in zones for z, par_iris in zones) or ((commune, False) in zones and len(zones) > 1)


def lignes(tableau: Tableau, annee_donnee: int | None = None) -> list[Ligne]:
    """Les comptes des IRIS (ou communes) additionnés par commune (iris.additionner), plus les allocataires avec
    enfants (AM + ACAVENF, dénominateur de la part des monoparents) ; une cellule illisible garde sa ligne pour que
    la validation la nomme. Un code en double, ou une commune à la fois entière et par IRIS : refusé."""
    e = tableau.entetes
    an = str(annee(tableau.nom_fichier, annee_donnee))
    i_code = e.index(CODE)
    pos = {ind: e.index(c) for c, ind in COLONNES.items() if c in e}
    illisibles, lues, vus, zones = [], [], {}, {}
    for numero, cellules in zip(tableau.numeros, tableau.lignes):
        code = (cellules[i_code] if i_code < len(cellules) else "").strip().upper()
        if code in vus:
            raise ErreurImport(f"{tableau.nom_fichier} : le code {code} figure deux fois (lignes {vus[code]} et "
                               f"{numero}) ; gardez-en une. Rien n'a été écrit.")
        vus[code] = numero
        commune = iris.commune(code)
        zones.setdefault(commune, set()).add((iris.zone(code), len(code) > 5))  # (zone, par IRIS)
        valeurs = {}
        for ind, j in pos.items():
            brut = cellules[j] if j < len(cellules) else ""
            try:
                valeurs[ind] = lire_nombre(brut)
            except ValueError:
                valeurs[ind] = None
                illisibles.append(Ligne(numero, "commune", commune, an, ind, brut))
        if all(i in valeurs for i in AVEC_ENFANTS):
            am, ac = (valeurs[i] for i in AVEC_ENFANTS)
            valeurs["allocataires_avec_enfants"] = None if am is None or ac is None else am + ac
        lues += [(numero, code, ind, v) for ind, v in valeurs.items()]
    if melees := sorted(c for c, z in zones.items() if _melee(z, c)):
        raise ErreurImport(f"{tableau.nom_fichier} : {', '.join(melees[:5])} : commune donnée à la fois en entier et "
                           "par ses IRIS ou ses arrondissements, elle serait comptée deux fois ; gardez une seule "
                           "forme. Rien n'a été écrit.")
    return illisibles + [Ligne(numero, "commune", commune, an, ind, iris.texte(v))
                         for (commune, ind), (numero, v) in iris.additionner(lues).items()]


def comprendre(tableau: Tableau, rapport: Rapport, annee_donnee: int | None = None) -> None:
    """Ce que l'import a compris du fichier, au rapport comme pour les sources décrites : la variante (par IRIS ou
    par commune, d'où vient l'année), les colonnes ignorées et le regroupement des IRIS par commune."""
    i_code = tableau.entetes.index(CODE)
    codes = [cellules[i_code] for cellules in tableau.lignes if i_code < len(cellules)]
    par_iris = any(len(c.strip()) > 5 for c in codes)
    rapport.variante = ("Cnaf, fichier des allocataires " + ("par IRIS" if par_iris else "par commune")
                        + (", année donnée à l'import" if annee_donnee is not None else ", année du nom du fichier"))
    bruts = tableau.entetes_bruts or tableau.entetes
    rapport.colonnes_ignorees = [f"{nom_colonne(bruts, j)} ({LIBELLES.get(e, SANS_INDICATEUR)})"
                                 for j, e in enumerate(tableau.entetes) if e and e != CODE and e not in COLONNES]
    rapport.regroupement = iris.phrase(codes)
