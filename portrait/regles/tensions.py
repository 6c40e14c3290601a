"""Règles SPPE : critères de tension, au moins k critères, compétences par population, zones d'offre insuffisante."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from portrait.regles import catalogue
from portrait.vues import francais as fr

# Seuils par défaut des quatre critères (en %) ; la couverture se compare au département si aucun seuil n'est fixé.
SEUIL_EVOLUTION_ENFANTS = 5.0  # le besoin grandit : + 5 % d'enfants de 0 à 2 ans en cinq ans
SEUIL_AM_60_PLUS = 15.0  # départs en retraite : 15 % des assistantes maternelles actives ont 60 ans et plus
SEUIL_PARENTS_ACTIFS = 75.0  # besoin d'accueil : 75 % des enfants ont leurs parents au travail
K_DEFAUT = 2  # « en tension » : au moins deux critères
SEUIL_ZONE_INSUFFISANTE = 50.0  # taux de couverture sous lequel l'offre est dite insuffisante

# Compétences d'autorité organisatrice (loi du 18 décembre 2023, art. L. 214-1-3 du CASF), par population légale.
SEUIL_PLANIFICATION = 3_500
SEUIL_SCHEMA = 10_000
CLASSES_SPPE = ("moins de 3 500 habitants", "3 500 à 9 999 habitants", "10 000 habitants et plus")
# chaque compétence : à partir de quelle population, son libellé, son nom court (pour un tableau à l'écran)
COMPETENCES = (
    (0, "recenser les besoins", "besoins"),
    (0, "informer et accompagner les familles", "information"),
    (SEUIL_PLANIFICATION, "planifier le développement des modes d'accueil", "planification"),
    (SEUIL_PLANIFICATION, "soutenir la qualité", "qualité"),
    (SEUIL_SCHEMA, "schéma pluriannuel de maintien et de développement de l'offre", "schéma"),
    (SEUIL_SCHEMA, "relais petite enfance", "RPE"),
)
PLANCHERS_SPPE = dict(zip(CLASSES_SPPE, (0, SEUIL_PLANIFICATION, SEUIL_SCHEMA)))
COMPETENCES_SPPE = {c: " ; ".join(libelle for seuil, libelle, _ in COMPETENCES if seuil <= plancher)
                    for c, plancher in PLANCHERS_SPPE.items()}
COMPETENCES_SPPE_COURTES = {COMPETENCES_SPPE[c]: ", ".join(court for seuil, _, court in COMPETENCES if seuil <= p)
                            for c, p in PLANCHERS_SPPE.items()}  # texte complet → texte court
INDICATEURS_ZONES = ("places_psu", "places_mc_paje", "enfants_0_2")  # ce que la règle des zones lit en plus
TENSION = "niveau_tension"  # l'indicateur « nombre de critères remplis », choisi comme les autres pour la carte


@dataclass(frozen=True)
class Seuils:
    """Les seuils d'un filtre de tension ; couverture None = la valeur du département."""

    evolution_enfants_0_2: float = SEUIL_EVOLUTION_ENFANTS
    part_am_60_plus: float = SEUIL_AM_60_PLUS
    part_enfants_0_2_parents_actifs: float = SEUIL_PARENTS_ACTIFS
    taux_couverture: float | None = None
    k: int = K_DEFAUT
    exiges: tuple[str, ...] = ()  # critères que toute commune en tension doit remplir, en plus d'en remplir k


@dataclass(frozen=True)
class Filtres:
    """Une sélection de la page Tensions : seuils et k, seuil des zones d'offre insuffisante, classes SPPE."""

    seuils: Seuils = Seuils()
    zone: float = SEUIL_ZONE_INSUFFISANTE
    classes_sppe: tuple[str, ...] = CLASSES_SPPE

    def __post_init__(self) -> None:
        """Aucune classe SPPE choisie = pas de filtre de population, comme une vue partagée sans « sppe » dans l'URL
        (une sélection vide n'y est pas écrite) : les deux montrent les mêmes communes."""
        if not self.classes_sppe:
            object.__setattr__(self, "classes_sppe", CLASSES_SPPE)


def colonne_reference(ind: str) -> str:
    """La colonne qui porte, pour chaque ligne, la valeur de son territoire de comparaison (jeux.tensions)."""
    return f"reference_{ind}"


def references(table: pd.DataFrame, ind: str) -> pd.Series:
    """La valeur à laquelle chaque ligne se compare : celle du département de la commune (même quand son EPCI est à
    cheval sur deux départements), ou celle de la France pour un EPCI de la vue France ; manquante sinon."""
    colonne = colonne_reference(ind)
    if colonne not in table.columns:
        return pd.Series(np.nan, index=table.index)
    return table[colonne].astype(float)


def seuil_couverture(seuils: Seuils, reference: pd.Series) -> pd.Series:
    """Le seuil de couverture effectif de chaque ligne : celui choisi, sinon la valeur de son département."""
    if seuils.taux_couverture is not None:
        return pd.Series(float(seuils.taux_couverture), index=reference.index)
    return reference


def criteres(table: pd.DataFrame, seuils: Seuils) -> pd.DataFrame:
    """Un booléen par critère et par ligne : vrai quand l'unité est en tension sur ce critère ; la couverture se
    compare au seuil choisi, sinon à la valeur du territoire de comparaison de la ligne.

    Une valeur manquante ne remplit jamais un critère (on ne déclare pas une tension sur « n.d. »).
    """
    couverture = seuil_couverture(seuils, references(table, "taux_couverture"))
    sortie = pd.DataFrame(index=table.index)
    sortie["evolution_enfants_0_2"] = table["evolution_enfants_0_2"] >= seuils.evolution_enfants_0_2
    sortie["part_am_60_plus"] = table["part_am_60_plus"] >= seuils.part_am_60_plus
    sortie["part_enfants_0_2_parents_actifs"] = (
        table["part_enfants_0_2_parents_actifs"] >= seuils.part_enfants_0_2_parents_actifs)
    sortie["taux_couverture"] = table["taux_couverture"] < couverture
    return sortie.fillna(False).astype(bool)


def en_tension(c: pd.DataFrame, seuils: Seuils) -> pd.Series:
    """Au moins k critères remplis, dont tous les critères exigés (« faible couverture et départs en retraite »)."""
    return (c.sum(axis=1) >= seuils.k) & c[list(seuils.exiges)].all(axis=1)


def classe_sppe(population: float | None) -> str | None:
    """La classe de compétences SPPE d'une commune d'après sa population légale."""
    if fr.manquant(population):
        return None
    if population >= SEUIL_SCHEMA:
        return CLASSES_SPPE[2]
    if population >= SEUIL_PLANIFICATION:
        return CLASSES_SPPE[1]
    return CLASSES_SPPE[0]


def zone_insuffisante(table: pd.DataFrame, seuil: float = SEUIL_ZONE_INSUFFISANTE) -> pd.Series:
    """Offre insuffisante : couverture sous le seuil, ou aucune place collective (PSU, micro-crèche) et des enfants."""
    collectives = table["places_psu"].fillna(0) + table["places_mc_paje"].fillna(0)
    sans_collectif = (collectives == 0) & (table["enfants_0_2"].fillna(0) > 0)
    return (table["taux_couverture"] < seuil).fillna(False) | sans_collectif


def juger(table: pd.DataFrame, filtres: Filtres = Filtres()) -> pd.DataFrame:
    """LA règle de tension, pour toute page, fiche ou commande : les critères remplis, leur nombre, « en tension »
    (au moins k critères, dont les exigés), la classe SPPE d'une commune et « retenue » (en tension et, pour une
    commune, dans les classes SPPE choisies). Un EPCI (vue France) n'a pas de classe SPPE : la loi donne les
    compétences aux communes. Seules les unités (ordre 0) sont jugées, jamais les lignes de référence."""
    c = criteres(table, filtres.seuils)
    unite = table["ordre"] == 0
    commune = unite & (table["niveau"] == "commune")
    sortie = pd.DataFrame({f"critere_{ind}": c[ind] for ind in catalogue.INDICATEURS_TENSION}, index=table.index)
    sortie[TENSION] = c.sum(axis=1).where(unite)
    sortie["en_tension"] = unite & en_tension(c, filtres.seuils)
    sortie["classe_sppe"] = table["population"].map(classe_sppe).where(commune)
    sortie["retenue"] = sortie["en_tension"] & (sortie["classe_sppe"].isin(filtres.classes_sppe) | ~commune)
    return sortie


def evaluer(table: pd.DataFrame, filtres: Filtres = Filtres()) -> pd.DataFrame:
    """Le tableau des tensions jugé (juger), avec les compétences SPPE des communes et la zone d'offre insuffisante."""
    sortie = pd.concat([table, juger(table, filtres)], axis=1)
    sortie["competences_sppe"] = sortie["classe_sppe"].map(COMPETENCES_SPPE)
    sortie["zone_insuffisante"] = (sortie["ordre"] == 0) & zone_insuffisante(sortie, filtres.zone)
    return sortie


def part_en_tension_par_epci(communes: pd.DataFrame, filtres: Filtres = Filtres()) -> pd.DataFrame:
    """Par EPCI : nombre de communes, communes en tension (retenues, comme au décompte de la page Tensions) et leur
    part en %. `communes` : jeux.tensions_communes, toutes les communes de chaque EPCI, chacune jugée contre son
    département ; un EPCI a donc la même part quel que soit le territoire affiché."""
    jugees = communes[["epci"]].assign(retenue=juger(communes, filtres)["retenue"])
    sortie = jugees.groupby("epci").agg(communes=("retenue", "size"), en_tension=("retenue", "sum"))
    sortie["part_communes_en_tension"] = 100 * sortie["en_tension"] / sortie["communes"]
    return sortie.reset_index(names="code")


def indicateurs_a_lire(indicateur_carte: str) -> tuple[str, ...]:
    """Ce qu'il faut lire en plus des quatre critères : les places des zones et l'indicateur de la carte."""
    carte = (indicateur_carte,) if indicateur_carte in catalogue.PAR_ID else ()
    return (*INDICATEURS_ZONES, *carte)


def zones(evaluee: pd.DataFrame) -> list[str]:
    """Codes des unités en zone d'offre insuffisante (à entourer sur la carte)."""
    return list(evaluee.loc[evaluee["zone_insuffisante"], "code"])


def decompte(evaluee: pd.DataFrame) -> tuple[int, int]:
    """(communes retenues, communes du territoire) : « 9 communes sur 15 »."""
    unites = evaluee[evaluee["ordre"] == 0]
    return int(unites["retenue"].sum()), len(unites)


def ecart_tension(table: pd.DataFrame, ind: str) -> pd.Series:
    """Écart de chaque ligne à la valeur de son territoire de comparaison, dans le sens de la tension, en points
    (positif = plus de tension)."""
    return (table[ind] - references(table, ind)) * catalogue.indicateur(ind).sens_tension


# --- Classes de la carte ----------------------------------------------------------------------------------------

METHODES = ("rapport au département", "quantiles", "seuils fixes")
NON_DISPONIBLE = "n.d."
HORS_FILTRE = "hors filtre"
ROUGES = ("#FEF0D9", "#FDCC8A", "#FC8D59", "#E34A33", "#B30000")  # OrRd : vers la tension
BLEUS = ("#EFF3FF", "#BDD7E7", "#6BAED6", "#3182BD", "#08519C")  # Blues : indicateurs sans sens de tension
GRIS_ND = "#BDBDBD"
GRIS_HORS_FILTRE = "#F2F2F2"
RAPPORTS = (0.8, 0.95, 1.05, 1.2)
SEUILS_FIXES = {"evolution": (-10, -5, 5, 10), "pourcent": (20, 40, 60, 80), "compte": (10, 50, 100, 500)}


# quand les unités d'une carte se comparent à des départements différents (EPCI à cheval sur deux départements),
# les classes du rapport au département ne peuvent pas s'écrire en valeurs : elles disent la position de chacune
LIBELLES_RAPPORT = ("très en dessous de son département", "en dessous de son département",
                    "proche de son département", "au-dessus de son département", "très au-dessus de son département")


def bornes_rapport(reference: float) -> list[float]:
    """Les quatre bornes croissantes du rapport à une valeur de référence : 0,8, 0,95, 1,05 et 1,2 fois."""
    return [reference * r for r in RAPPORTS] if reference > 0 else [reference / r for r in RAPPORTS]


def bornes(valeurs: pd.Series, ind: str, methode: str) -> list[float]:
    """Les quatre bornes intérieures de cinq classes, en quantiles ou en seuils fixes."""
    v = valeurs.dropna()
    if methode == "seuils fixes" or v.nunique() < 5:
        nature = catalogue.indicateur(ind).nature
        cle = "evolution" if nature == "evolution" else ("pourcent" if nature == "taux" else "compte")
        return list(SEUILS_FIXES[cle])
    return list(np.unique(np.quantile(v, [0.2, 0.4, 0.6, 0.8])))


def codes_rapport(valeurs: pd.Series, references: pd.Series) -> pd.Series:
    """La classe (0 à 4) de chaque valeur rapportée à SA référence : une commune a la même classe quel que soit le
    territoire affiché ; manquante si la valeur ou la référence l'est."""
    b = np.array([bornes_rapport(r) if not fr.manquant(r) else [np.nan] * 4 for r in references], dtype=float)
    codes = (valeurs.to_numpy(dtype=float)[:, None] >= b.reshape(-1, 4)).sum(axis=1).astype(float)
    return pd.Series(codes, index=valeurs.index).where(valeurs.notna() & references.notna())


def libelles_classes(limites: list[float], formater) -> list[str]:
    """« moins de 52 % », « 52 % à 62 % », …, « 78 % et plus » pour des bornes [-inf, b1, …, bn, +inf] ; sans borne
    intérieure (aucune valeur à répartir), une seule classe « toutes valeurs »."""
    if len(limites) == 2:
        return ["toutes valeurs"]
    libelles = []
    for i in range(len(limites) - 1):
        if i == 0:
            libelles.append(f"moins de {formater(limites[1])}")
        elif i == len(limites) - 2:
            libelles.append(f"{formater(limites[i])} et plus")
        else:
            libelles.append(f"{formater(limites[i])} à {formater(limites[i + 1])}")
    return libelles


def classer(valeurs: pd.Series, ind: str, methode: str, references: pd.Series) -> tuple[pd.Series, dict[str, str]]:
    """Classe de chaque valeur (libellé à la française) et couleur de chaque classe ; « n.d. » à part, en gris.
    `references` : la valeur de comparaison de chaque ligne (rapport au département)."""
    def formater(x):
        return fr.valeur(ind, x)
    refs = references.astype(float).where(references != 0)
    if methode == METHODES[0] and refs.notna().any():
        uniques = refs.dropna().unique()
        libelles = (libelles_classes([-np.inf, *bornes_rapport(uniques[0]), np.inf], formater) if len(uniques) == 1
                    else list(LIBELLES_RAPPORT))
        codes = codes_rapport(valeurs, refs)
    else:
        limites = [-np.inf, *bornes(valeurs, ind, methode), np.inf]
        libelles = libelles_classes(limites, formater)
        codes = pd.cut(valeurs, limites, labels=False, right=False)
    sens = catalogue.indicateur(ind).sens_tension
    palette = ROUGES if sens > 0 else (ROUGES[::-1] if sens < 0 else BLEUS)
    classes = codes.map(lambda c: libelles[int(c)] if not fr.manquant(c) else NON_DISPONIBLE)
    couleurs = {lib: palette[i] for i, lib in enumerate(libelles[: len(palette)])}
    couleurs[NON_DISPONIBLE] = GRIS_ND
    return classes, couleurs


def classer_tension(niveaux: pd.Series) -> tuple[pd.Series, dict[str, str]]:
    """Classes du niveau de tension : 0 à 4 critères remplis."""
    libelles = [f"{n} critère{'s' if n > 1 else ''}" for n in range(5)]
    classes = niveaux.map(lambda n: libelles[int(n)] if not fr.manquant(n) else NON_DISPONIBLE)
    couleurs = dict(zip(libelles, ("#FFFFFF", *ROUGES[1:]), strict=True))
    couleurs[libelles[0]] = "#E8F1E4"
    couleurs[NON_DISPONIBLE] = GRIS_ND
    return classes, couleurs
