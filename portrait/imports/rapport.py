"""Le rapport de validation d'un fichier : les valeurs lues vérifiées une à une, avant toute écriture."""

from __future__ import annotations

import difflib
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property

import duckdb
import numpy as np
import pandas as pd

from portrait.donnees import lac
from portrait.donnees.connexion import DOSSIER_REQUETES, Chemins, _litteral, poser_tables_importees
from portrait.imports.lecture import lire_nombre
from portrait.regles import catalogue, cooperation
from portrait.vues import francais

COLONNES_MESURES = ("niveau", "code", "annee", "indicateur", "valeur")
ANNEE_MIN, ANNEE_MAX = catalogue.ANNEE_MIN, catalogue.annee_max()
MAX_SIGNALEMENTS = 5  # exemples cités d'une même anomalie (saut d'une année à l'autre)
MAX_ERREURS_AFFICHEES = 30
MAX_INCONNUS = 10  # territoires inconnus cités au rapport
MAX_EXEMPLES = 3  # valeurs remplacées citées au rapport
MEMOIRE_JOINTURE = "64MB"  # DuckDB, pour compter les valeurs remplacées par un import
LIGNES_PAR_LOT = 131_072  # valeurs lues à la fois pour compter les valeurs remplacées et chercher les sauts


class ErreurImport(ValueError):
    """Import refusé : rien n'a été écrit ; le message liste les lignes à corriger."""


class AnneeAPreciser(ErreurImport):
    """L'année des données n'est ni dans le fichier ni dans son nom : à préciser (--annee sur la ligne de commande,
    le champ « Année des données » de la page Données)."""


@dataclass
class Rapport:
    """Rapport de validation, produit avant toute écriture."""

    fichier: str
    lignes_lues: int = 0
    lignes_gardees: int = 0
    erreurs: list[str] = field(default_factory=list)
    avertissements: list[str] = field(default_factory=list)
    annees: list[int] = field(default_factory=list)
    indicateurs: list[str] = field(default_factory=list)
    valeurs_remplacees: int = 0
    valeurs_changees: int = 0  # parmi les valeurs remplacées, celles dont la valeur change
    valeurs_manquantes: int = 0
    source: str = ""
    refus: dict[str, int] = field(default_factory=dict)  # valeurs hors de leur plage, par motif
    # Ce que l'import a compris du fichier (sources décrites : descriptions.py)
    variante: str = ""  # « data.caf.fr, taux de couverture par commune, en-têtes en snake_case, 2017-2022 »
    niveaux: list[str] = field(default_factory=list)
    par_indicateur: dict[str, int] = field(default_factory=dict)  # valeurs gardées par indicateur
    ecartees: dict[str, int] = field(default_factory=dict)  # lignes écartées avant validation, par motif
    colonnes_ignorees: list[str] = field(default_factory=list)  # « nom (motif) »
    regroupement: str = ""  # « 6 IRIS additionnés en 4 communes ; arrondissements 75101 → 75056 » (iris.phrase)
    # territoire inconnu de 2026 -> ce qui en a été fait : commune fusionnée reportée (texte), valeurs écartées (nombre)
    inconnus: dict[str, str | int] = field(default_factory=dict)
    exemples_remplaces: list[str] = field(default_factory=list)  # « commune 44003, 2023, taux_couverture : 88 → 91,2 »

    def refuser(self, ou: str, motif: str, phrase: str) -> None:
        """Une valeur hors de sa plage (catalogue, référentiel) : une erreur avec sa ligne, comptée par motif."""
        self.refus[motif] = self.refus.get(motif, 0) + 1
        self.erreurs.append(f"{ou} : {phrase}")

    def texte(self) -> str:
        """Le rapport en français, tel que la ligne de commande et l'application l'affichent."""
        lignes = [
            f"Fichier : {self.fichier}" + (f" ({self.source})" if self.source else ""),
            f"Lignes lues : {nombre_fr(self.lignes_lues)} ; valeurs gardées : {nombre_fr(self.lignes_gardees)} ; "
            f"erreurs : {nombre_fr(len(self.erreurs))}",
        ]
        if self.annees:
            lignes.append(f"Années : {', '.join(map(str, self.annees))}")
        if self.variante:
            lignes.append(f"Reconnu : {self.compris}")
        if self.regroupement:
            lignes.append(f"Regroupé : {self.regroupement}")
        if self.niveaux:
            lignes.append(f"Niveaux : {', '.join(self.niveaux)}")
        if self.par_indicateur:
            lignes.append("Indicateurs : " + ", ".join(f"{i} ({nombre_fr(n)} valeur{'s' * (n > 1)})"
                                                       for i, n in sorted(self.par_indicateur.items())))
        elif self.indicateurs:
            lignes.append(f"Indicateurs : {', '.join(self.indicateurs)}")
        if self.ecartees:
            lignes.append(f"Lignes écartées : {nombre_fr(sum(self.ecartees.values()))} ("
                          + " ; ".join(f"{motif} : {nombre_fr(n)}" for motif, n in self.ecartees.items()) + ")")
        if self.colonnes_ignorees:
            lignes.append(f"Colonnes ignorées : {' ; '.join(self.colonnes_ignorees)}")
        if self.inconnus:
            lignes.append(f"Territoires inconnus de la géographie 2026 : {len(self.inconnus)} ("
                          + " ; ".join(f"{t} : {ecartees(quoi) if isinstance(quoi, int) else quoi}"
                                       for t, quoi in list(self.inconnus.items())[:MAX_INCONNUS])
                          + (f" ; … et {len(self.inconnus) - MAX_INCONNUS} autres" if len(self.inconnus)
                             > MAX_INCONNUS else "") + ")")
        if self.valeurs_manquantes:
            lignes.append(f"Valeurs secrètes ou manquantes (gardées comme « n.d. ») : "
                          f"{nombre_fr(self.valeurs_manquantes)}")
        lignes.append(f"Valeurs existantes remplacées : {self.remplacees}")
        if self.refus:
            lignes.append(f"Valeurs refusées (hors des valeurs plausibles) : {nombre_fr(sum(self.refus.values()))} ("
                          + " ; ".join(f"{motif} : {nombre_fr(n)}" for motif, n in sorted(self.refus.items())) + ")")
        lignes += [f"Attention : {a}" for a in self.avertissements[:MAX_ERREURS_AFFICHEES]]
        if len(self.avertissements) > MAX_ERREURS_AFFICHEES:
            lignes.append(f"… et {len(self.avertissements) - MAX_ERREURS_AFFICHEES} autres avertissements.")
        lignes += [f"Erreur : {e}" for e in self.erreurs[:MAX_ERREURS_AFFICHEES]]
        if len(self.erreurs) > MAX_ERREURS_AFFICHEES:
            lignes.append(f"… et {len(self.erreurs) - MAX_ERREURS_AFFICHEES} autres erreurs.")
        return "\n".join(lignes)

    @property
    def remplacees(self) -> str:
        """« 288, dont 4 changent (par exemple 66,35 → 67,1 ; …) », « 288, aucune ne change », « 0 » : un fichier
        réimporté tel quel remplace des valeurs sans en changer aucune."""
        if not self.valeurs_remplacees:
            return "0"
        if not self.valeurs_changees:
            return f"{nombre_fr(self.valeurs_remplacees)}, aucune ne change"
        exemples = f" (par exemple {' ; '.join(self.exemples_remplaces)})" if self.exemples_remplaces else ""
        verbe = "changent" if self.valeurs_changees > 1 else "change"
        return f"{nombre_fr(self.valeurs_remplacees)}, dont {nombre_fr(self.valeurs_changees)} {verbe}{exemples}"

    @property
    def compris(self) -> str:
        """La variante reconnue et les années lues : « data.caf.fr, taux de couverture par commune, en-têtes en
        snake_case, 2017-2022 »."""
        if not self.annees:
            return self.variante
        a, b = self.annees[0], self.annees[-1]
        return f"{self.variante}, {a if a == b else f'{a}-{b}'}"

    def resumer(self, df: pd.DataFrame) -> None:
        """Les valeurs gardées : leur nombre, leurs années, niveaux et indicateurs (valeurs par indicateur)."""
        self.lignes_gardees = len(df)
        self.annees = sorted(int(a) for a in df["annee"].unique())
        self.indicateurs = sorted(str(i) for i in df["indicateur"].unique())
        presents = {str(n) for n in df["niveau"].unique()}  # sur les valeurs distinctes : pas de texte par ligne
        self.niveaux = [n for n in catalogue.NIVEAUX if n in presents]
        self.par_indicateur = {str(i): int(n) for i, n in df["indicateur"].value_counts().items() if n}


def ecartees(n: int) -> str:
    """« 1 valeur écartée », « 8 valeurs écartées »."""
    return f"{n} valeur{'s' * (n > 1)} écartée{'s' * (n > 1)}"


@dataclass(frozen=True)
class Contexte:
    """Ce qu'un lecteur sait d'un dépôt en plus du fichier : le dossier de données, et ce que l'utilisateur a dit."""

    chemins: Chemins
    departement: str | None = None  # enquête flash : le département des réponses
    annee: int | None = None  # enquête flash : l'année des réponses, quand le fichier n'a pas d'horodatage
    referentiel: Referentiel | None = None  # gros CSV : chargé une fois pour tous ses morceaux
    compter_remplacees: bool = True  # faux au dépôt : depot._lire les compte une fois, sur tout le fichier


@dataclass
class Referentiel:
    """Les codes connus de chaque niveau, et la correspondance des anciens codes de communes."""

    codes: dict[str, set[str]]
    anciens: dict[str, str]
    chemins: Chemins | None = None  # d'où lire les parents des communes, à la première demande

    @classmethod
    def charger(cls, chemins: Chemins) -> Referentiel:
        """Les codes de la géographie 2026, lus par DuckDB (déjà chargé) : pandas et le lecteur Parquet d'Arrow
        coûtaient 60 Mo de plus au pic de mémoire d'un gros import."""
        with duckdb.connect(config={"threads": 1}) as con:
            def lire(nom: str, colonnes: str = "code") -> list[tuple]:
                return con.execute(f"select {colonnes} from read_parquet({_litteral(chemins.table(nom))})").fetchall()
            return cls(
                codes={
                    "commune": {c for c, in lire("communes")},
                    "epci": {c for c, in lire("epci")},
                    "departement": {c for c, in lire("departements")},
                    "region": {c for c, in lire("regions")},
                    "france": {"FR"},
                },
                anciens=dict(lire("correspondance_codes", "ancien_code, code")),
                chemins=chemins,
            )

    @cached_property
    def parents(self) -> dict[str, dict[str, str]]:
        """Niveau -> commune -> son EPCI, département, région ; lus à la première demande (IRIS, allocataires) : un
        fichier de mesures n'en a que faire (15 Mo d'objets Python). Une commune sans EPCI (île) n'en a pas ici."""
        if self.chemins is None:
            return {}
        with duckdb.connect(config={"threads": 1}) as con:
            curseur = con.execute(f"select * from read_parquet({_litteral(self.chemins.table('communes'))})")
            noms = [d[0] for d in curseur.description]
            communes = dict(zip(noms, zip(*curseur.fetchall())))
        return {n: {c: p for c, p in zip(communes["code"], communes[n]) if p is not None}  # une île sans EPCI
                for n in ("epci", "departement", "region") if n in communes}


def proches(valeur: str, candidats, n: int = 3) -> str:
    """Les candidats les plus proches d'une valeur inconnue, pour le message d'erreur."""
    trouves = difflib.get_close_matches(valeur, list(candidats), n=n, cutoff=0.6)
    return f" Valeurs proches : {', '.join(trouves)}." if trouves else ""


def normaliser_code(niveau: str, code: str) -> str:
    """Rétablit les zéros que les tableurs retirent (« 1001 » -> « 01001 », « 1 » -> « 01 »)."""
    code = code.strip().upper()
    if niveau == "france":
        return "FR"
    if niveau == "commune" and code.isdigit() and len(code) == 4:
        return code.zfill(5)
    if niveau in ("departement", "region") and code.isdigit() and len(code) == 1:
        return code.zfill(2)
    return code


@dataclass
class Ligne:
    """Une valeur lue dans un fichier, encore en texte, avec son numéro de ligne d'origine."""

    numero: int
    niveau: str
    code: str
    annee: str
    indicateur: str
    valeur: str


def motif_annee(annee: float) -> str | None:
    """Le motif du refus d'une année lue (entière, de 1990 à l'année en cours), ou None."""
    if not float(annee).is_integer():
        return "année non entière"
    if not ANNEE_MIN <= annee <= ANNEE_MAX:
        return f"année hors de {ANNEE_MIN} à {ANNEE_MAX}"
    return None


def valider(lignes_lues: list[Ligne], ref: Referentiel, nom_fichier: str,
            lignes_fichier: int | None = None, ecarter_inconnus: bool = False) -> tuple[pd.DataFrame, Rapport]:
    """Vérifie des valeurs lues (niveau, code, année, indicateur, nombre) et rend les valeurs valides et le rapport.

    Commun à toutes les sources : codes de la géographie 2026 (anciens codes reportés), indicateurs du catalogue,
    nombres à la française, valeurs secrètes gardées manquantes, doublons refusés. `ecarter_inconnus` (fichiers
    publiés, qui couvrent toute la France) : un territoire inconnu de la géographie 2026 n'est pas une erreur, ses
    valeurs sont écartées et le rapport le dit, avec les communes fusionnées reportées (rapport.inconnus).
    """
    rapport = Rapport(nom_fichier, lignes_lues=lignes_fichier if lignes_fichier is not None
                      else len({ligne.numero for ligne in lignes_lues}))
    lignes, _ = verifier_lignes(lignes_lues, ref, nom_fichier, rapport, ecarter_inconnus)
    return conclure(pd.DataFrame(lignes, columns=list(COLONNES_MESURES)), rapport)


def verifier_lignes(lignes_lues: Iterable[Ligne], ref: Referentiel, nom_fichier: str, rapport: Rapport,
                    ecarter_inconnus: bool = False) -> tuple[list[tuple], dict[tuple, int]]:
    """Les valeurs lues vérifiées une à une, les phrases de chaque refus au rapport : les valeurs gardées, et le
    numéro de ligne de chacune (valeurs de `vues`, dans le même ordre). Le gros CSV (gros_csv.py) y passe les
    lignes qui ne sont pas d'emblée valides. `ecarter_inconnus` : voir valider."""
    importables = {i.id for i in catalogue.CATALOGUE if i.nature != "evolution"}
    lignes, vues, reportees = [], {}, set()
    for ligne in lignes_lues:
        ou = f"{nom_fichier}, ligne {ligne.numero}"
        niveau = ligne.niveau.lower()
        if niveau not in catalogue.NIVEAUX:
            rapport.erreurs.append(f"{ou} : niveau « {ligne.niveau} » inconnu ; écrivez l'un de "
                                   f"{', '.join(catalogue.NIVEAUX)}.")
            continue
        code = normaliser_code(niveau, ligne.code)
        if niveau == "commune" and code not in ref.codes["commune"] and code in ref.anciens:
            if ecarter_inconnus:
                rapport.inconnus[f"commune {code}"] = f"fusionnée, reportée sur la commune actuelle {ref.anciens[code]}"
            elif (phrase := f"{ou} : commune {code} fusionnée depuis ; valeur reportée sur la commune actuelle "
                            f"{ref.anciens[code]}.") not in reportees:  # une fois par ligne, pas par indicateur
                reportees.add(phrase)
                rapport.avertissements.append(phrase)
            code = ref.anciens[code]
        if code not in ref.codes[niveau] and ecarter_inconnus:
            inconnu = f"{niveau} {code or '(vide)'}"
            rapport.inconnus[inconnu] = rapport.inconnus.get(inconnu, 0) + 1
            continue
        if code not in ref.codes[niveau]:
            rapport.erreurs.append(f"{ou} : code {niveau} « {ligne.code} » inconnu de la géographie 2026."
                                   + proches(code, ref.codes[niveau]))
            continue
        ind = ligne.indicateur.lower()
        if ind not in importables:
            conseil = (" C'est une évolution, calculée par l'outil : importez plutôt les comptes des deux années."
                       if ind in catalogue.PAR_ID else proches(ind, importables))
            rapport.erreurs.append(f"{ou} : indicateur « {ligne.indicateur} » inconnu.{conseil}")
            continue
        try:
            annee_lue = lire_nombre(ligne.annee[:4] if len(ligne.annee) >= 8 and ligne.annee[4] == "-"
                                    else ligne.annee)  # « 2021-01-01 » : une date (fichier national Cnaf)
            if annee_lue is None:
                raise ValueError
        except ValueError:
            rapport.erreurs.append(f"{ou} : année « {ligne.annee} » illisible ; écrivez-la sur 4 chiffres (2023).")
            continue
        if refus := motif_annee(annee_lue):
            rapport.refuser(ou, refus, f"année « {ligne.annee} » illisible ; écrivez-la sur 4 chiffres (2023), "
                                       f"de {ANNEE_MIN} à {ANNEE_MAX} ({refus}).")
            continue
        annee = int(annee_lue)
        try:
            valeur = lire_nombre(ligne.valeur)
        except ValueError:
            rapport.erreurs.append(f"{ou} : valeur « {ligne.valeur} » illisible ; écrivez un nombre "
                                   "(1234,5 ou 1 234,5), ou laissez vide si elle est secrète.")
            continue
        refus, signal = catalogue.juger_valeur(ind, valeur) if valeur is not None else (None, None)
        if refus:
            rapport.refuser(ou, refus, f"valeur {ligne.valeur} refusée ({refus}).")
            continue
        if signal:
            rapport.avertissements.append(f"{ou} : {signal}.")
        cle = (niveau, code, annee, ind, ligne.code)
        if cle in vues:
            rapport.erreurs.append(f"{ou} : doublon de la ligne {vues[cle]} ({niveau} {code}, {annee}, {ind}).")
            continue
        vues[cle] = ligne.numero
        rapport.valeurs_manquantes += valeur is None
        lignes.append((niveau, code, annee, ind, valeur))
    return lignes, vues


def conclure(df: pd.DataFrame, rapport: Rapport, fusions: bool = True) -> tuple[pd.DataFrame, Rapport]:
    """Les valeurs gardées d'un fichier, dans l'ordre de ses lignes : anciennes communes regroupées (`fusions` :
    faux quand l'appelant sait qu'aucune clé ne revient), erreurs d'unité signalées, puis le bilan du rapport."""
    df = regrouper_fusions(df, rapport) if fusions else df
    signaler_unites(df, rapport)
    rapport.resumer(df)
    return df, rapport


def signaler_unites(df: pd.DataFrame, rapport: Rapport) -> None:
    """Les erreurs d'unité probables d'une colonne, signalées sans rien refuser : une colonne de taux toute sous 1,5
    (des fractions au lieu de pourcentages), sauf les taux dont les vraies valeurs sont de cet ordre
    (catalogue.TAUX_FAIBLES : garde à domicile, hors PSU…), que les autres colonnes du fichier trahiraient. Les
    sauts d'une année à l'autre : signaler_sauts."""
    maxima = df.groupby("indicateur", observed=True, sort=True)["valeur"].max()  # NaN : aucune valeur lue
    for ind, plus_grande in maxima.items():
        if (catalogue.PAR_ID[ind].nature == "taux" and ind not in catalogue.TAUX_FAIBLES
                and 0 < plus_grande <= catalogue.FRACTION_MAX):
            rapport.avertissements.append(
                f"{ind} : toutes les valeurs sont sous {catalogue.FRACTION_MAX:g} ".replace(".", ",")
                + "; des fractions (0,76) au lieu de pourcentages (76) ? Les taux s'écrivent en %.")


def signaler_sauts(chemins: Chemins, df: pd.DataFrame, rapport: Rapport,
                   con: duckdb.DuckDBPyConnection | None = None) -> None:
    """Une valeur multipliée ou divisée par plus de 3 d'une année à la suivante (l'une des deux au moins égale à
    catalogue.SAUT_PLANCHER), pour un même territoire et un même indicateur : dans le fichier, ou face aux valeurs
    déjà là (démonstration, imports actifs) qu'il ne remplace pas. Signalé sans rien refuser (unité changée ?) ;
    les valeurs déjà là défilent par lots, comme pour valeurs_remplacees (`con` : la connexion bornée de la
    lecture, sinon une ouverte ici)."""
    if df.empty:
        return
    with _connexion(chemins, con) as con:
        sauts = sauts_import(con, df, catalogue.SAUT_MAX, MAX_SIGNALEMENTS)
    for ind, niveau, code, annee, valeur, avant, avant_deja_la, apres_deja_la, _ in sauts:
        deja = " (valeur déjà là)"
        rapport.avertissements.append(
            f"{ind} {niveau} {code} : {nombre_fr(avant)} en {annee - 1}{deja if avant_deja_la else ''}, "
            f"{nombre_fr(valeur)} en "
            f"{annee}{deja if apres_deja_la else ''} (plus de × {catalogue.SAUT_MAX:g} en un an : unité changée ?)")
    total = sauts[0][-1] if sauts else 0
    if total > MAX_SIGNALEMENTS:
        rapport.avertissements.append(f"… et {nombre_fr(total - MAX_SIGNALEMENTS)} autres sauts de plus de "
                                      f"× {catalogue.SAUT_MAX:g} d'une année à la suivante.")


def sauts_import(con: duckdb.DuckDBPyConnection, df: pd.DataFrame, saut_max: float, exemples: int) -> list[tuple]:
    """Les sauts de plus de × `saut_max` d'une année à la suivante (même territoire, même indicateur, valeurs
    positives) que le fichier `df` ferait voir : entre deux de ses valeurs, ou entre une des siennes et une valeur
    déjà là (table `mesures` de `con`) qu'il ne remplace pas ; les `exemples` premiers par année, niveau, code,
    indicateur : (indicateur, niveau, code, annee, valeur, valeur_avant, avant_deja_la, deja_la, total). L'année
    d'avant d'une clé entière (_cles_fichier) est la clé moins `pas` : ni jointure ni objet Python par valeur."""
    cles, valeurs, noms = _cles_triees(df, marge=1)  # une année de part et d'autre : les voisines déjà là
    pas, positives = len(noms["indicateur"]), valeurs > 0
    sauts = _Sauts(saut_max, exemples, noms)
    for debut in range(0, len(cles), LIGNES_PAR_LOT):  # dans le fichier : chaque valeur et celle de l'année d'avant
        lot = slice(debut, debut + LIGNES_PAR_LOT)
        avant, trouvee = _chercher(cles, cles[lot] - pas, positives, positives[lot])
        sauts.ajouter(cles[lot][trouvee], valeurs[lot][trouvee], valeurs[avant], False, False)
    for cle, valeur in _deja_la(con, noms):
        annee = cle // pas % len(noms["annee"])
        garder = (valeur > 0) & ~_chercher(cles, cle)[1]  # une valeur que le fichier remplace n'est plus là
        cle, valeur, annee = cle[garder], valeur[garder], annee[garder]
        pos, trouvee = _chercher(cles, cle + pas, positives, annee < len(noms["annee"]) - 1)  # déjà là, puis fichier
        sauts.ajouter(cle[trouvee] + pas, valeurs[pos], valeur[trouvee], True, False)
        pos, trouvee = _chercher(cles, cle - pas, positives, annee > 0)  # fichier, puis déjà là
        sauts.ajouter(cle[trouvee], valeur[trouvee], valeurs[pos], False, True)
    return sauts.premiers()


class _Sauts:
    """Les sauts trouvés lot après lot : leur nombre, et les premiers par année, niveau, code, indicateur."""

    def __init__(self, saut_max: float, exemples: int, noms: dict[str, list]) -> None:
        self.saut_max, self.exemples, self.noms, self.total = saut_max, exemples, noms, 0
        self.gardes: list[tuple[np.ndarray, ...]] = []

    def ajouter(self, cle: np.ndarray, apres: np.ndarray, avant: np.ndarray, avant_deja_la: bool,
                deja_la: bool) -> None:
        saut = ((apres / avant > self.saut_max) | (apres / avant < 1 / self.saut_max)) & (
            np.maximum(apres, avant) >= catalogue.SAUT_PLANCHER)
        self.total += int(saut.sum())
        cle, apres, avant = cle[saut], apres[saut], avant[saut]
        premiers = np.argsort(self._ordre(cle), kind="stable")[:self.exemples]
        self.gardes.append((cle[premiers], apres[premiers], avant[premiers],
                            np.full(len(premiers), avant_deja_la), np.full(len(premiers), deja_la)))

    def _ordre(self, cle: np.ndarray) -> np.ndarray:
        """La clé rangée par année, niveau, code, indicateur (celle de _cles_fichier l'est par niveau d'abord)."""
        n = {c: len(self.noms[c]) for c in ("niveau", "code", "annee", "indicateur")}
        cle, ind = np.divmod(cle, n["indicateur"])
        cle, annee = np.divmod(cle, n["annee"])
        return ((annee * n["niveau"] + cle // n["code"]) * n["code"] + cle % n["code"]) * n["indicateur"] + ind

    def premiers(self) -> list[tuple]:
        cle, apres, avant, avant_deja_la, deja_la = (np.concatenate(c) for c in zip(*self.gardes))
        premiers = np.argsort(self._ordre(cle), kind="stable")[:self.exemples]
        return [(ind, niveau, code, annee, float(apres[i]), float(avant[i]), bool(avant_deja_la[i]),
                 bool(deja_la[i]), self.total)
                for i, (niveau, code, annee, ind) in zip(premiers, _decoder(cle[premiers], self.noms))]


def _chercher(cles: np.ndarray, cherchees: np.ndarray, parmi: np.ndarray | None = None,
              permises: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """La position de chaque clé cherchée dans les clés triées, et si elle y est (parmi celles de `parmi`, pour les
    cherchées `permises`) : positions des trouvées seulement, et le masque des trouvées."""
    if len(cles) == 0:
        return np.empty(0, np.int64), np.zeros(len(cherchees), dtype=bool)
    pos = np.minimum(np.searchsorted(cles, cherchees), len(cles) - 1)
    trouvee = cles[pos] == cherchees
    if parmi is not None:
        trouvee &= parmi[pos]
    if permises is not None:
        trouvee &= permises
    return pos[trouvee], trouvee


def regrouper_fusions(df: pd.DataFrame, rapport: Rapport) -> pd.DataFrame:
    """Après report des anciens codes : additionne les comptes (une ancienne commune secrète rend la somme secrète,
    jamais partielle), écarte les taux qui ne se correspondent pas un à un."""
    cles = ["niveau", "code", "annee", "indicateur"]
    if df.empty or not df.duplicated(cles).any():
        return df
    nature = df["indicateur"].map(lambda i: catalogue.PAR_ID[i].nature)
    multiples = df.duplicated(cles, keep=False)
    taux_ecartes = df[multiples & (nature != "compte")]
    for (_, code, annee, ind), _lignes in taux_ecartes.groupby(cles):
        rapport.avertissements.append(f"{ind} {annee} de la commune {code} écarté : plusieurs anciennes "
                                      "communes la composent et un taux ne s'additionne pas.")
    comptes = df[(nature == "compte") | ~multiples]
    return comptes.groupby(cles, as_index=False, sort=False)["valeur"].agg(lambda s: s.sum(min_count=len(s)))


def connexion_bornee(chemins: Chemins) -> duckdb.DuckDBPyConnection:
    """La table `mesures` des données (la démonstration remplacée par les imports actifs, telle que
    connexion.connecter la lit) sur une connexion à mémoire bornée (un fil, au-delà de la limite les jointures
    passent sur le disque, la mémoire libérée rendue au système). Sans les tables de travail des pages que
    connecter bâtit (agrégats des 6 millions de valeurs : 150 Mo de plus au pic d'un gros import) : un import n'en
    a que faire. Une par lecture d'un fichier : depot._lire l'ouvre une fois pour les valeurs remplacées et les
    sauts."""
    con = duckdb.connect(config={"threads": 1, "memory_limit": MEMOIRE_JOINTURE, "preserve_insertion_order": False,
                                 "allocator_flush_threshold": MEMOIRE_JOINTURE,
                                 "temp_directory": tempfile.gettempdir()})
    con.execute("set enable_progress_bar = false")
    try:
        poser_tables_importees(con, chemins.racine, tables=("mesures",))
    except lac.ErreurLac as e:  # catalogue injoignable ou occupé : la phrase du magasin, pas une trace
        con.close()
        raise ErreurImport(f"{e} Rien n'a été écrit.") from None
    except BaseException:
        con.close()
        raise
    return con


@contextmanager
def _connexion(chemins: Chemins, con: duckdb.DuckDBPyConnection | None) -> Iterator[duckdb.DuckDBPyConnection]:
    """La connexion passée, ou une connexion bornée ouverte pour l'occasion et fermée après."""
    if con is not None:
        yield con
        return
    with connexion_bornee(chemins) as ouverte:
        yield ouverte


def valeurs_remplacees(chemins: Chemins, df: pd.DataFrame, rapport: Rapport | None = None,
                       con: duckdb.DuckDBPyConnection | None = None) -> int:
    """Combien de valeurs déjà présentes (démonstration ou imports) le nouveau fichier remplacera ; avec `rapport`,
    combien d'entre elles changent (rapport.valeurs_changees) et trois exemples « ancienne → nouvelle » pris parmi
    celles-là, dans l'ordre niveau, code, année, indicateur (rapport.exemples_remplaces) : un fichier réimporté tel
    quel remplace tout et ne change rien. Les valeurs déjà là défilent par lots, chacune cherchée par sa clé entière
    parmi les clés triées du fichier (une par valeur : valider écarte les doublons) : ni jointure en mémoire ni
    objet Python par valeur. `con` : la connexion bornée de la lecture, sinon une ouverte ici."""
    if df.empty:
        return 0
    cles, nouvelles, noms = _cles_triees(df)
    nombre = changees = 0
    exemples = (np.empty(0, np.int64), np.empty(0), np.empty(0))  # clé, ancienne valeur, nouvelle
    with _connexion(chemins, con) as con:
        for cle, avant in _deja_la(con, noms):
            pos, trouvee = _chercher(cles, cle)
            cle, avant, apres = cle[trouvee], avant[trouvee], nouvelles[pos]
            change = ~((avant == apres) | (np.isnan(avant) & np.isnan(apres)))  # « is distinct from »
            nombre, changees = nombre + len(cle), changees + int(change.sum())
            exemples = _premieres(*(np.concatenate([e, v[change]]) for e, v in zip(exemples, (cle, avant, apres))))
    if rapport is not None:
        rapport.valeurs_changees = changees
        rapport.exemples_remplaces = [f"{niveau} {code}, {annee}, {ind} : {nombre_fr(a)} → {nombre_fr(b)}"
                                      for (niveau, code, annee, ind), a, b
                                      in zip(_decoder(exemples[0], noms), exemples[1], exemples[2])]
    return nombre


def _cles_triees(df: pd.DataFrame, marge: int = 0) -> tuple[np.ndarray, np.ndarray, dict[str, list]]:
    """Les clés entières du fichier triées (_cles_fichier), ses valeurs dans le même ordre (NaN : manquante)."""
    cles, noms = _cles_fichier(df, marge)
    ordre = np.argsort(cles)
    cles = cles[ordre]
    return cles, df["valeur"].to_numpy(dtype=np.float64, na_value=np.nan)[ordre], noms


def _deja_la(con: duckdb.DuckDBPyConnection, noms: dict[str, list]) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Les valeurs déjà là (table `mesures`) des niveaux, codes, indicateurs et années de `noms`, par lots : leur
    clé entière (_cles_fichier) et leur valeur (NaN : manquante)."""
    for nom in ("niveau", "code", "indicateur"):
        con.register(f"cles_{nom}", pd.DataFrame({"texte": noms[nom], "rang": np.arange(len(noms[nom]))}))
    try:
        lots = con.execute((DOSSIER_REQUETES / "_valeurs_remplacees.sql").read_text(encoding="utf-8"),
                           {"codes": len(noms["code"]), "annees": len(noms["annee"]),
                            "indicateurs": len(noms["indicateur"]), "annee_min": noms["annee"][0],
                            "annee_max": noms["annee"][-1]}).to_arrow_reader(LIGNES_PAR_LOT)
        for lot in lots:
            yield lot.column("cle").to_numpy(), lot.column("valeur").to_numpy(zero_copy_only=False)
    finally:
        for nom in ("niveau", "code", "indicateur"):
            con.unregister(f"cles_{nom}")


def _cles_fichier(df: pd.DataFrame, marge: int = 0) -> tuple[np.ndarray, dict[str, list]]:
    """La clé entière de chaque valeur du fichier (_valeurs_remplacees.sql) et, pour chaque colonne de la clé, ses
    valeurs distinctes dans l'ordre du texte (l'ordre de la clé est celui de niveau, code, année, indicateur) ; les
    années, de la première à la dernière du fichier élargies de `marge` (une clé plus `pas` : l'année suivante)."""
    noms, cle = {}, None
    annees = df["annee"].to_numpy()
    annees = annees if annees.dtype.kind in "iu" else annees.astype(np.int64)
    noms["annee"] = list(range(int(annees.min()) - marge, int(annees.max()) + marge + 1))
    for nom in ("niveau", "code", "annee", "indicateur"):  # la clé calculée en place : une colonne à la fois
        if nom == "annee":
            cle *= len(noms["annee"])
            cle += annees
            cle -= noms["annee"][0]
            continue
        colonne = df[nom]
        if isinstance(colonne.dtype, pd.CategoricalDtype):  # un gros fichier : les codes, sans un texte par ligne
            codes, valeurs = colonne.cat.codes.to_numpy(), [str(v) for v in colonne.cat.categories]
        else:
            codes, uniques = pd.factorize(colonne)
            valeurs = [str(v) for v in uniques]
        tri = sorted(range(len(valeurs)), key=valeurs.__getitem__)
        rang = np.empty(len(valeurs), dtype=np.int32)
        rang[tri] = np.arange(len(valeurs))
        noms[nom] = [valeurs[i] for i in tri]
        if cle is None:
            cle = rang[codes].astype(np.int64)
        else:
            cle *= len(noms[nom])
            cle += rang[codes]
    return cle, noms


def _premieres(cle: np.ndarray, avant: np.ndarray, apres: np.ndarray) -> tuple[np.ndarray, ...]:
    """Les MAX_EXEMPLES plus petites clés et leurs valeurs."""
    premieres = np.argsort(cle, kind="stable")[:MAX_EXEMPLES]
    return cle[premieres], avant[premieres], apres[premieres]


def _decoder(cles: np.ndarray, noms: dict[str, list]) -> list[tuple]:
    """Niveau, code, année et indicateur de clés entières (_cles_fichier)."""
    sortie = []
    for cle in cles.tolist():
        cle, ind = divmod(cle, len(noms["indicateur"]))
        cle, annee = divmod(cle, len(noms["annee"]))
        niveau, code = divmod(cle, len(noms["code"]))
        sortie.append((noms["niveau"][niveau], noms["code"][code], noms["annee"][annee], noms["indicateur"][ind]))
    return sortie


def nombre_fr(v: float | None) -> str:
    """Un nombre du rapport, à la française et sans rien arrondir au-delà de trois décimales (498 070 ; 3 685,7),
    « n.d. » s'il manque (vues/francais.py : le seul formatage des nombres)."""
    return francais.nombre_exact(v)


def poste_refuse(ou: str, ligne: dict, rapport: Rapport) -> bool:
    """Vrai (et les refus au rapport) si un poste lu a une valeur hors de sa plage (regles/cooperation.py)."""
    refus = cooperation.refus_poste(ligne, ANNEE_MIN, ANNEE_MAX)
    for motif, phrase in refus:
        rapport.refuser(ou, motif, f"{phrase} ; ligne refusée.")
    return bool(refus)


def sans_epci_hors_plage(postes: pd.DataFrame, rapport: Rapport) -> pd.DataFrame:
    """Les postes sans les EPCI dont le total d'ETP dépasse le maximum plausible (refusés, dits au rapport)."""
    hors = cooperation.epci_hors_plage(postes)
    for (annee, epci), total in hors.items():
        rapport.refuser(f"{rapport.fichier}, EPCI {epci}", "ETP d'un EPCI au-delà du maximum",
                        f"{total:g} ETP en {annee}, au-delà de {cooperation.ETP_EPCI_MAX:g} ETP par EPCI ; "
                        "postes de l'EPCI refusés.")
    if hors.empty:
        return postes
    cles = pd.MultiIndex.from_frame(postes[["annee", "epci"]])
    return postes[~cles.isin(hors.index)]
