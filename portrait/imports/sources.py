"""Les sources importables, décrites ici seulement (SOURCES) : ce qu'elles sont, leur table, leur lecteur.

Les fichiers publiés (data.caf.fr, Onape, Insee naissances) sont décrits colonne par colonne dans descriptions.py :
une source de plus, ou une orthographe de plus, est une entrée de cette table ; un seul lecteur (lignes_decrites)
les lit toutes et dit au rapport ce qu'il a compris (variante, colonnes ignorées, lignes écartées). Le fichier de
mesures générique, la population par âge Insee (IRIS additionnés par commune) et les postes de chargés de
coopération (enquete_flash.py, postes_cooperation.py) ont leur lecteur propre.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import pandas as pd

from portrait.imports import allocataires, enquete_flash, iris, postes_cooperation
from portrait.imports.descriptions import (
    ANNEE,
    CODE,
    DESCRIPTIONS,
    FICTIFS,
    FILTRE,
    IGNOREE,
    NIVEAU,
    SANS_INDICATEUR,
    VALEUR,
    Colonne,
    Description,
)
from portrait.imports.lecture import Tableau, lire_nombre, nom_colonne
from portrait.imports.rapport import (
    COLONNES_MESURES,
    AnneeAPreciser,
    Contexte,
    ErreurImport,
    Ligne,
    Rapport,
    Referentiel,
    normaliser_code,
    valeurs_remplacees,
    valider,
)

Lecteur = Callable[[Tableau, Contexte], tuple[pd.DataFrame, Rapport]]

MOTIF_ANNEE = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?!\d)")  # 2022, 2022-12-31, 31/12/2022, TAUXCOUV2021.csv
ORDRE_NIVEAUX = ("commune", "epci", "departement", "region")  # du plus fin au plus large : le niveau d'une ligne
FORMES = {"identifiants": "identifiants de champs", " ": "libellés de colonnes", ".": "libellés passés par make.names "
          "(R)", "_": "en-têtes en snake_case"}
TRANCHES_AGE = {"enfants_0_2": ["0002"], "enfants_0_17": ["0002", "0305", "0610", "1117"]}  # Pxx_POP0002…
MAILLE_DE = {"commune": "par commune", "epci": "par EPCI", "departement": "par département", "region": "par région",
             "france": "pour la France"}


def lignes_mesures(tableau: Tableau) -> list[Ligne]:
    """Le fichier générique : une valeur par ligne, colonnes niveau, code, annee, indicateur, valeur."""
    manquantes = [c for c in COLONNES_MESURES if c not in tableau.entetes]
    if manquantes:
        raise ErreurImport(
            f"{tableau.nom_fichier} : colonne(s) absente(s) : {', '.join(manquantes)}. "
            f"La ligne 1 doit porter les en-têtes {', '.join(COLONNES_MESURES)} (séparateur ; ou ,). "
            f"En-têtes lus : {', '.join(tableau.entetes) or 'aucun'}."
        )
    pos = [tableau.entetes.index(c) for c in COLONNES_MESURES]
    sortie = []
    for numero, cellules in zip(tableau.numeros, tableau.lignes):
        valeurs = [cellules[i].strip() if i < len(cellules) else "" for i in pos]
        sortie.append(Ligne(numero, *valeurs))
    return sortie


@dataclass
class Comprise:
    """Les colonnes d'un fichier telles qu'une description les comprend."""

    colonnes: dict[int, tuple[Colonne, int | None, bool]]  # indice -> (colonne, année du nom, identifiant de champ)
    ignorees: list[str]  # « nom (motif) », dans l'ordre du fichier

    def indices(self, sens: str) -> list[int]:
        """Les colonnes du fichier d'un sens donné."""
        return [j for j, (c, _, _) in self.colonnes.items() if c.sens == sens]


def comprendre(description: Description, tableau: Tableau) -> Comprise:
    """Chaque en-tête comparé, par sa clé, aux orthographes de la description ; les autres sont ignorés."""
    connues = [(c, c.cles()) for c in description.colonnes]
    colonnes, ignorees = {}, []
    bruts = tableau.entetes_bruts or tableau.entetes
    for j, entete in enumerate(tableau.entetes):
        cle = entete.replace("_", "")
        for colonne, cles in connues:
            if cle in cles:
                colonnes[j] = (colonne, None, cles[cle])
                break
            if colonne.motif_annee and (m := re.fullmatch(colonne.motif_annee, cle)):
                colonnes[j] = (colonne, int(m[1]) + (2000 if len(m[1]) == 2 else 0), True)
                break
        else:
            if entete:
                ignorees.append(f"{nom_colonne(bruts, j)} (colonne inconnue)")
        if j in colonnes and colonnes[j][0].sens == IGNOREE:
            ignorees.append(f"{nom_colonne(bruts, j)} ({colonnes[j][0].motif})")
    return Comprise(colonnes, ignorees)


def reconnait(description: Description, entetes: list[str]) -> bool:
    """Un fichier de la source : une valeur d'un indicateur, une année et un territoire."""
    c = comprendre(description, Tableau("", entetes, [], []))
    valeurs = [j for j in c.indices(VALEUR)]
    annee = c.indices(ANNEE) or any(c.colonnes[j][1] for j in valeurs) or description.annee_dans_le_nom
    territoire = c.indices(CODE) or description.national_sans_code
    return bool(valeurs and annee and territoire)


def annee_du_nom(nom_fichier: str) -> str | None:
    """L'année écrite dans le nom d'un fichier (TAUXCOUV2021.csv -> 2021), ou None."""
    trouvees = MOTIF_ANNEE.findall(nom_fichier)
    return trouvees[-1] if trouvees else None


def annee_lue(texte: str) -> str:
    """L'année d'une cellule : 2022, 2022-12-31, 31/12/2022 -> « 2022 » ; sinon le texte, que valider refusera."""
    trouvees = MOTIF_ANNEE.findall(texte)
    return trouvees[0] if len(trouvees) == 1 else texte.strip()


@dataclass
class Lues:
    """Les valeurs lues d'un fichier décrit, et ce qui a été écarté avant la validation."""

    lignes: list[Ligne]
    ecartees: dict[str, int]  # lignes écartées, par motif
    avertissements: list[str]


def lignes_decrites(description: Description, tableau: Tableau, comprise: Comprise, ref: Referentiel,
                    annee_fichier: str | None) -> Lues:
    """Les valeurs d'un fichier décrit : une par cellule de valeur, au niveau de la ligne ou au sien. Une valeur
    d'un autre niveau (l'EPCI, le département d'une commune : fichiers Onape) est gardée une fois par territoire."""
    cell = lambda cellules, j: cellules[j].strip() if j is not None and j < len(cellules) else ""  # noqa: E731
    codes = {comprise.colonnes[j][0].niveau: j for j in reversed(comprise.indices(CODE))}
    niveau_ligne = next((n for n in ORDRE_NIVEAUX if n in codes), None)
    j_code = codes.get(niveau_ligne, codes.get(None))
    j_niveau = next(iter(comprise.indices(NIVEAU)), None)
    j_annee = next(iter(comprise.indices(ANNEE)), None)
    filtres = comprise.indices(FILTRE)
    valeurs = comprise.indices(VALEUR)
    bruts = tableau.entetes_bruts or tableau.entetes
    sortie, autres, differentes = [], {}, 0
    ecartees: dict[str, int] = {}
    for numero, cellules in zip(tableau.numeros, tableau.lignes):
        code = cell(cellules, j_code) if j_code is not None else "FR"
        motif = ecart(comprise, bruts, cellules, code, filtres, j_niveau)
        if motif:
            ecartees[motif] = ecartees.get(motif, 0) + 1
            continue
        niveau = niveau_ligne or ("commune" if j_code is not None else "france")
        if j_niveau is not None:
            niveau = comprise.colonnes[j_niveau][0].valeurs[cell(cellules, j_niveau).upper()]
        annee = annee_lue(cell(cellules, j_annee)) if j_annee is not None else annee_fichier or ""
        commune = None
        for j in valeurs:
            colonne, annee_colonne, _ = comprise.colonnes[j]
            an = str(annee_colonne) if annee_colonne else annee
            if colonne.niveau in (None, niveau):
                sortie.append(Ligne(numero, niveau, code, an, colonne.indicateur, cell(cellules, j)))
                continue
            if commune is None:  # la commune de la ligne dans la géographie 2026, une fois par ligne
                commune = commune_actuelle(code, ref)
            code_autre = code_parent(colonne.niveau, codes, cellules, commune, ref)
            if not code_autre:  # commune inconnue : son département, sa région viennent des autres lignes
                continue
            cle = (colonne.niveau, code_autre, an, colonne.indicateur)
            ligne = Ligne(numero, colonne.niveau, code_autre, an, colonne.indicateur, cell(cellules, j))
            if cle not in autres:
                autres[cle] = ligne
            elif autres[cle].valeur != ligne.valeur:
                differentes += 1
    avertissements = [f"{differentes} valeurs d'EPCI, de département, de région ou de France diffèrent d'une ligne "
                      "à l'autre pour un même territoire : la première lue est gardée."] if differentes else []
    return Lues(sortie + list(autres.values()), ecartees, avertissements)


def ecart(comprise: Comprise, bruts: list[str], cellules: list[str], code: str, filtres: list[int],
          j_niveau: int | None) -> str | None:
    """Le motif pour lequel une ligne est écartée avant la validation (ligne de total, autre mesure, niveau que
    l'outil n'importe pas), ou None."""
    if code.upper() in FICTIFS:
        return f"ligne fictive « {code} », total du fichier"
    for j in filtres:
        v = cellules[j].strip().upper() if j < len(cellules) else ""
        if v not in comprise.colonnes[j][0].valeurs:
            return f"{nom_colonne(bruts, j)} « {v} » : autre mesure que {', '.join(comprise.colonnes[j][0].valeurs)}"
    if j_niveau is not None:
        v = cellules[j_niveau].strip().upper() if j_niveau < len(cellules) else ""
        if comprise.colonnes[j_niveau][0].valeurs.get(v) is None:
            return f"{nom_colonne(bruts, j_niveau)} « {v} » : niveau que l'outil n'importe pas"
    return None


def commune_actuelle(code: str, ref: Referentiel) -> str:
    """Le code 2026 d'une commune lue (zéro rétabli, commune fusionnée reportée)."""
    c = normaliser_code("commune", code)
    return c if c in ref.codes["commune"] else ref.anciens.get(c, c)


def code_parent(niveau: str, codes: dict[str | None, int], cellules: list[str], commune: str,
                ref: Referentiel) -> str:
    """Le code, au niveau d'une valeur, du territoire d'une ligne : lu dans sa colonne (NUM_EPCI), sinon tiré de sa
    commune (code 2026) dans la géographie 2026 (son département, sa région) ; « FR » pour la France."""
    if niveau == "france":
        return "FR"
    if niveau in codes and codes[niveau] < len(cellules):
        return cellules[codes[niveau]].strip()
    return ref.parents.get(niveau, {}).get(commune, "")


def variante(description: Description, comprise: Comprise, tableau: Tableau, rapport: Rapport) -> str:
    """Ce que l'import a compris du fichier, en une phrase : « data.caf.fr, taux de couverture par commune, en-têtes
    en snake_case » (le rapport y ajoute les années : Rapport.compris)."""
    valeurs = [comprise.colonnes[j] for j in comprise.indices(VALEUR)]
    morceaux = [description.editeur]
    if description.nom == "caf":
        quoi = [q for q, p in (("taux de couverture", "taux_"), ("places", "places_"))
                if any(c.indicateur.startswith(p) for c, _, _ in valeurs)]
        morceaux.append(" et ".join(quoi) + (f" {MAILLE_DE[rapport.niveaux[0]]}" if len(rapport.niveaux) == 1
                                              else ""))
    morceaux += list(dict.fromkeys(c.variante for c, _, _ in valeurs if c.variante))
    if description.styles:
        morceaux.append(forme(comprise, tableau))
    return ", ".join(m for m in morceaux if m)


def forme(comprise: Comprise, tableau: Tableau) -> str:
    """La forme des en-têtes : identifiants de champs (numcom, txcouv_com), libellés tels qu'exportés (« Taux de
    couv global »), passés par make.names de R (Taux.de.couv.global) ou en snake_case (taux_de_couv_global)."""
    libelles = [nom_colonne(tableau.entetes_bruts or tableau.entetes, j)
                for j, (c, _, ident) in comprise.colonnes.items() if not ident and c.sens in (VALEUR, IGNOREE)]
    if not libelles:
        return FORMES["identifiants"]
    return next(FORMES[s] for s in (" ", ".", "_") if s == "_" or any(s in t for t in libelles))


def lecteur_decrit(description: Description) -> Lecteur:
    """Le lecteur d'une source décrite : ses valeurs (lignes_decrites), vérifiées par rapport.valider, les
    territoires inconnus écartés et dits, et ce qu'il a compris du fichier."""
    def lire(tableau: Tableau, contexte: Contexte) -> tuple[pd.DataFrame, Rapport]:
        comprise = comprendre(description, tableau)
        if not reconnait(description, tableau.entetes):
            raise ErreurImport(f"{tableau.nom_fichier} : ce n'est pas un fichier « {description.libelle} » reconnu "
                               f"(il faut une année, un code de territoire et une colonne de valeurs). En-têtes lus : "
                               f"{', '.join(tableau.entetes_bruts or tableau.entetes) or 'aucun'}.")
        annee_fichier = None
        if description.annee_dans_le_nom:
            annee_fichier = str(contexte.annee) if contexte.annee else annee_du_nom(tableau.nom_fichier)
            if annee_fichier is None:
                raise AnneeAPreciser(f"{tableau.nom_fichier} : l'année de ce fichier « {description.libelle} » se lit "
                                     "dans son nom (TAUXCOUV2021.csv) ; renommez-le ou précisez-la (champ « Année des "
                                     "données » de la page Données, --annee en ligne de commande).")
        ref = contexte.referentiel or Referentiel.charger(contexte.chemins)
        lues = lignes_decrites(description, tableau, comprise, ref, annee_fichier)
        df, rapport = valider(lues.lignes, ref, tableau.nom_fichier, len(tableau.lignes), ecarter_inconnus=True)
        rapport.ecartees, rapport.colonnes_ignorees = lues.ecartees, comprise.ignorees
        rapport.avertissements += lues.avertissements
        rapport.variante = variante(description, comprise, tableau, rapport)
        if not rapport.erreurs and contexte.compter_remplacees:
            rapport.valeurs_remplacees = valeurs_remplacees(contexte.chemins, df, rapport)
        return df, rapport
    return lire

def lignes_population_age(tableau: Tableau) -> list[Ligne]:
    """Population par âge Insee (base-ic-evol-struct-pop, par IRIS) additionnée par commune (iris.additionner :
    arrondissements ramenés à leur commune, un IRIS secret rend sa commune n.d.)."""
    e = tableau.entetes
    prefixes = prefixes_recensement(e)
    if "com" not in e or not prefixes:
        raise ErreurImport(f"{tableau.nom_fichier} : colonnes attendues : COM et Pxx_POP0002 "
                           "(population par âge Insee).")
    lues: list[tuple[int, str, tuple[int, str], float | None]] = []
    i_com = e.index("com")
    for numero, cellules in zip(tableau.numeros, tableau.lignes):
        com = cellules[i_com].strip() if i_com < len(cellules) else ""
        for p in prefixes:
            annee = 2000 + int(p)
            for ind, tranches in TRANCHES_AGE.items():
                total = 0.0
                for t in tranches:
                    c = f"p{p}_pop{t}"
                    if c not in e:
                        total = None
                        break
                    try:
                        v = lire_nombre(cellules[e.index(c)] if e.index(c) < len(cellules) else "")
                    except ValueError:
                        v = None
                    total = None if v is None or total is None else total + v
                lues.append((numero, com, (annee, ind), total))
    return [Ligne(numero, "commune", com, str(a), ind, iris.texte(v))
            for (com, (a, ind)), (numero, v) in iris.additionner(lues).items()]


def prefixes_recensement(entetes: list[str]) -> list[str]:
    """Les millésimes du recensement d'un fichier de population par âge (P21_POP0002 -> « 21 »)."""
    return sorted({m.group(1) for c in entetes if (m := re.fullmatch(r"p(\d{2})_pop0002", c))})


def comprendre_population_age(tableau: Tableau, rapport: Rapport) -> None:
    """Ce que l'import a compris d'un fichier de population par âge, comme pour les sources décrites : la variante,
    les colonnes ignorées (tranches d'âge sans indicateur, population totale…) et les IRIS additionnés."""
    e = tableau.entetes
    prefixes = prefixes_recensement(e)
    lues = {"com"} | {f"p{p}_pop{t}" for p in prefixes for t in TRANCHES_AGE["enfants_0_17"]}
    rapport.variante = ("Insee, population par âge " + ("par IRIS" if "iris" in e else "par commune")
                        + f", colonnes {', '.join(f'P{p}_' for p in prefixes)}")
    bruts = tableau.entetes_bruts or e
    motif = {"iris": "code IRIS : valeurs additionnées par commune (COM)"}
    rapport.colonnes_ignorees = [f"{nom_colonne(bruts, j)} ({motif.get(c, SANS_INDICATEUR)})"
                                 for j, c in enumerate(e) if c and c not in lues]
    j = e.index("iris" if "iris" in e else "com")
    rapport.regroupement = iris.phrase(cellules[j] for cellules in tableau.lignes if j < len(cellules))


def lecteur_mesures(lignes: Callable[[Tableau], list[Ligne]],
                    comprendre: Callable[[Tableau, Rapport], None] | None = None) -> Lecteur:
    """Le lecteur d'une source de mesures : ses valeurs, vérifiées par rapport.valider, ce qu'il a compris du
    fichier (`comprendre` : variante, colonnes ignorées, regroupement, comme lecteur_decrit) et combien de valeurs
    déjà présentes elles remplaceront."""
    def lire(tableau: Tableau, contexte: Contexte) -> tuple[pd.DataFrame, Rapport]:
        ref = contexte.referentiel or Referentiel.charger(contexte.chemins)
        df, rapport = valider(lignes(tableau), ref, tableau.nom_fichier, len(tableau.lignes))
        if comprendre is not None:
            comprendre(tableau, rapport)
        if not rapport.erreurs and contexte.compter_remplacees:
            rapport.valeurs_remplacees = valeurs_remplacees(contexte.chemins, df, rapport)
        return df, rapport
    return lire


def lire_allocataires(tableau: Tableau, contexte: Contexte) -> tuple[pd.DataFrame, Rapport]:
    """Le fichier des allocataires, lu comme toute source de mesures ; son année, quand ni ses colonnes ni son nom ne
    la portent, vient du contexte (--annee, champ « Année des données » de la page)."""
    return lecteur_mesures(partial(allocataires.lignes, annee_donnee=contexte.annee),
                           partial(allocataires.comprendre, annee_donnee=contexte.annee))(tableau, contexte)


def sans_correspondance(tableau: Tableau, contexte: Contexte) -> tuple[pd.DataFrame, Rapport]:
    """La source « correspondance » sans correspondance dite (correspondance.py la lui donne) : quoi préciser."""
    raise ErreurImport(f"{tableau.nom_fichier} : dites ce que contient chaque colonne, sur la page Données ou avec "
                       "--colonnes code=COLONNE,niveau=commune,annee=2021,INDICATEUR=COLONNE (ou --profil NOM).")


def est_mesures(e: list[str]) -> bool:
    """Au moins trois des colonnes du fichier générique : un fichier incomplet reçoit le message précis des colonnes
    manquantes plutôt que « source non reconnue »."""
    return sum(c in e for c in COLONNES_MESURES) >= 3


def est_population_age(e: list[str]) -> bool:
    """Population par âge Insee : COM et Pxx_POP0002."""
    return "com" in e and any(re.fullmatch(r"p\d{2}_pop0002", c) for c in e)


@dataclass(frozen=True)
class Source:
    """Une sorte de fichier importable, décrite ici seulement : la page Données, la ligne de commande, le dépôt
    (depot.py) et le registre la prennent dans SOURCES."""

    nom: str  # identifiant : choix de la page Données ; sur la ligne de commande, avec des tirets (option)
    libelle: str  # dans le rapport de validation et le registre des imports
    lire: Lecteur  # le fichier lu -> les lignes de la table et le rapport de validation, sans rien écrire
    table: str = "mesures"  # la table que ses lignes remplacent (queries/_fichiers.sql)
    reconnaitre: Callable[[list[str]], bool] | None = None  # d'après les en-têtes (import « auto ») ; sinon à choisir
    titre: str = ""  # dans le choix de la page Données, s'il diffère du libellé
    departement: bool = False  # l'utilisateur dit le département (enquête flash)
    erreurs_bloquantes: bool = True  # une erreur refuse le fichier ; sinon seule la ligne fautive est écartée
    description: Description | None = None  # ses colonnes, si elle est décrite dans descriptions.py

    @property
    def option(self) -> str:
        """Le nom de la source sur la ligne de commande (python -m portrait import population-age FICHIER)."""
        return self.nom.replace("_", "-")


def source_decrite(description: Description) -> Source:
    """La source d'une description (descriptions.py) : lue et reconnue par ses colonnes."""
    return Source(description.nom, description.libelle, lecteur_decrit(description),
                  reconnaitre=lambda e: reconnait(description, e), description=description)


SOURCES = {s.nom: s for s in (
    Source("mesures", "fichier de mesures générique", lecteur_mesures(lignes_mesures), reconnaitre=est_mesures),
    *(source_decrite(d) for d in DESCRIPTIONS),
    Source("population_age", "Insee, population par âge",
           lecteur_mesures(lignes_population_age, comprendre_population_age), reconnaitre=est_population_age),
    Source("allocataires", "Cnaf, fichier des allocataires (FILEAS / BCA)", lire_allocataires,
           reconnaitre=allocataires.reconnaitre),
    Source("enquete_flash", "enquête flash", enquete_flash.lire, table="cooperation",
           titre="Enquête flash des chargés de coopération", departement=True, erreurs_bloquantes=False),
    Source("cooperation", "postes de chargés de coopération", postes_cooperation.lire, table="cooperation",
           titre="Postes de chargés de coopération (fichier générique)"),
    Source("correspondance", "correspondance de colonnes", sans_correspondance,
           titre="Autre fichier : dire ce que contient chaque colonne"),
)}


def detecter(tableau: Tableau) -> Source:
    """Reconnaît la source d'un fichier à ses en-têtes."""
    for source in SOURCES.values():
        if source.reconnaitre is not None and source.reconnaitre(tableau.entetes):
            return source
    bruts = [nom_colonne(tableau.entetes_bruts or tableau.entetes, j) for j in range(len(tableau.entetes))]
    raise ErreurImport(
        f"{tableau.nom_fichier} : source non reconnue. En-têtes lus : {' ; '.join(bruts[:12]) or 'aucun'}"
        + (" ; …" if len(bruts) > 12 else "") + ". Sources connues : fichier de mesures (niveau, code, annee, "
        "indicateur, valeur), data.caf.fr (taux de couverture, places : identifiants ou libellés de colonnes), Onape "
        "(TAUXCOUVaaaa), Insee naissances, Insee population par âge, Cnaf allocataires (CODGEO, A, PERCOU…). "
        "Pour un autre fichier, dites ce que contient chaque colonne : sur la page Données (formulaire « Ce que "
        "contient chaque colonne »), ou en ligne de commande avec --colonnes code=…,niveau=…,annee=…,"
        "<indicateur>=<colonne> (par exemple --colonnes \"code=Code commune,niveau=commune,annee=2023,"
        "taux_couverture=Taux global\") ou --profil NOM (un profil enregistré).")
