"""Jeu de démonstration : les comptes des communes calés sur le document 004, les postes de coopération sur la Cnaf."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from portrait.donnees.connexion import SOURCE_DEMO, Chemins
from portrait.regles import catalogue
from portrait.regles import cooperation as coop

GRAINE = 20231218  # loi du 18 décembre 2023 : le jeu est identique à chaque génération
ANNEES = list(range(2016, 2025))
ANNEE_CALAGE = 2023
SOURCE_POPULATION = "insee_populations_legales"

# Naissances en France (Insee) rapportées à 2023 : la tendance nationale des séries.
TENDANCE_NAISSANCES = {
    2013: 1.19, 2014: 1.20, 2015: 1.17, 2016: 1.15, 2017: 1.13, 2018: 1.12,
    2019: 1.11, 2020: 1.09, 2021: 1.10, 2022: 1.07, 2023: 1.00, 2024: 0.98,
}

# Chiffres 2023 du document 004 (CAF de Loire-Atlantique) sur lesquels la démo est calée.
CIBLES_TERRITOIRES = {
    "departement:44": dict(naissances=16130, enfants_0_2=43670, part_enfants_0_2=14, am_agreees=8963,
                           am_actives=6474, taux_couverture=76.2, part_enfants_0_2_parents_actifs=65,
                           part_am_60_plus=11, evolution_enfants_0_2=-4),
    "epci:200067346": dict(naissances=576, enfants_0_2=1633, part_enfants_0_2=13, am_agreees=433,
                           am_actives=295, taux_couverture=76.9, part_enfants_0_2_parents_actifs=74,
                           part_am_60_plus=10, evolution_enfants_0_2=-5),
    "epci:244400586": dict(naissances=258, enfants_0_2=800, part_enfants_0_2=13, am_agreees=189,
                           am_actives=136, taux_couverture=84.1, part_enfants_0_2_parents_actifs=72,
                           part_am_60_plus=10, evolution_enfants_0_2=-3),
}
# « Identification des tensions » de CA Pornic Agglo Pays de Retz (document 004), par commune :
# évolution enfants 0-2 ans, part AM 60 ans et plus, part enfants 0-2 ans avec parents actifs,
# taux de couverture, tous en %.
CIBLES_COMMUNES_PORNIC = {
    "CHAUMES EN RETZ": (11, 9, 77, 76),
    "CHAUVE": (-16, 5, 82, 78),
    "CHEIX EN RETZ": (-15, 0, 94, 75),
    "LA BERNERIE EN RETZ": (-13, 20, 60, 82),
    "LA PLAINE SUR MER": (-24, 7, 68, 57),
    "LES MOUTIERS EN RETZ": (-24, 0, 52, 41),
    "PORNIC": (0, 20, 71, 98),
    "PORT SAINT PERE": (-13, 0, 77, 71),
    "PREFAILLES": (-28, 0, 92, 259),
    "ROUANS": (-2, 13, 79, 69),
    "SAINT HILAIRE DE CHALEONS": (-14, 7, 79, 63),
    "SAINT MICHEL CHEF CHEF": (26, 20, 73, 61),
    "SAINTE PAZANNE": (-29, 4, 75, 83),
    "VILLENEUVE EN RETZ": (6, 6, 67, 66),
    "VUE": (11, 6, 87, 87),
}
MODES = list(catalogue.MODES_ACCUEIL)
AGES = ["am_actives_moins_35", "am_actives_35_49", "am_actives_50_59", "am_actives_60_plus"]

# Chargés de coopération : ETP financés fin 2023 en France (circulaire Cnaf, fiche 1), répartis entre les EPCI.
ETP_NATIONAL_2023 = 4_227
# CAF de la Charente, 2021 (document 003) : ETP contractualisés par EPCI, 14,75 ETP en tout.
CHARENTE_DOCUMENT_003 = {
    "grand angouleme": 2.5, "rochefoucauld": 1.5, "lavalette": 1.5, "4b": 1.0, "val de charente": 1.0,
    "coeur de charente": 1.0, "rouillacais": 0.75, "grand cognac": 4.0, "charente limousine": 1.5,
}
PRENOMS = ["Camille", "Claire", "Julien", "Sophie", "Nicolas", "Aurélie", "Thomas", "Élodie", "Karim", "Nadia",
           "Mathieu", "Laure", "Sébastien", "Inès", "Yann", "Céline"]
NOMS = ["Martin", "Bernard", "Moreau", "Laurent", "Garnier", "Rousseau", "Fontaine", "Chevalier", "Robin",
        "Mercier", "Blanc", "Guérin", "Boyer", "Perrin", "Morel", "Girard"]


def normaliser_nom(nom: str) -> str:
    """Nom de commune sans accents, tirets ni apostrophes, en majuscules (« Sainte-Pazanne » -> « SAINTE PAZANNE »)."""
    sans_accent = unicodedata.normalize("NFKD", nom).encode("ascii", "ignore").decode()
    return " ".join(sans_accent.upper().replace("-", " ").replace("'", " ").split())


def populations_annuelles(communes: pd.DataFrame, populations: pd.DataFrame, annees: list[int]) -> pd.DataFrame:
    """Population de chaque commune pour chaque année : légale quand elle existe, prolongée sinon."""
    pivot = populations.pivot_table(index="code", columns="annee", values="population").reindex(communes["code"])
    pivot = pivot.T.interpolate(limit_direction="both").T.fillna(1.0)
    premiere, derniere = pivot.columns.min(), pivot.columns.max()
    croissance = (pivot[derniere] / pivot[premiere]).pow(1 / max(derniere - premiere, 1)).clip(0.98, 1.03).fillna(1.0)
    sortie = {}
    for a in annees:
        if a in pivot.columns:
            sortie[a] = pivot[a]
        elif a < premiere:
            sortie[a] = pivot[premiere] / croissance ** (premiere - a)
        else:
            sortie[a] = pivot[derniere] * croissance ** (a - derniere)
    return pd.DataFrame(sortie).clip(lower=1.0)


def generer_brut(communes: pd.DataFrame, pop: pd.DataFrame, rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """Comptes non calés, cohérents entre eux : enfants 0-2 ans ≈ trois années de naissances, etc."""
    n = len(communes)
    idx = communes["code"].values
    annees_naiss = sorted(TENDANCE_NAISSANCES)
    natalite = 0.0102 * rng.lognormal(0, 0.18, n)  # naissances par habitant en 2023
    naiss = pd.DataFrame(
        {a: rng.poisson(pop[min(max(a, ANNEES[0]), ANNEES[-1])].values * natalite * TENDANCE_NAISSANCES[a])
         for a in annees_naiss}, index=idx).astype(float)
    sejour = rng.normal(0.92, 0.06, n).clip(0.7, 1.15)  # arrivées et départs des jeunes enfants
    v: dict[str, pd.DataFrame] = {"naissances": naiss[ANNEES]}
    v["enfants_0_2"] = pd.DataFrame(
        {a: ((naiss[a] + naiss[a - 1] + naiss[a - 2]) * sejour).round() for a in ANNEES}, index=idx)
    e = v["enfants_0_2"]
    par_annee = lambda serie: pd.DataFrame({a: serie for a in ANNEES}, index=idx)  # noqa: E731
    v["enfants_0_17"] = (e / par_annee(rng.normal(0.14, 0.015, n).clip(0.08, 0.22))).round()
    actifs = par_annee(rng.normal(0.66, 0.09, n).clip(0.3, 0.97))
    v["enfants_0_2_parents_actifs"] = (e * actifs).round()
    v["familles_0_2"] = (e * 0.9).round()
    v["familles_0_2_bas_revenus"] = (v["familles_0_2"] * par_annee(rng.normal(0.17, 0.07, n).clip(0.02, 0.6))).round()
    v["familles_0_2_monoparentales"] = (
        v["familles_0_2"] * par_annee(rng.normal(0.12, 0.04, n).clip(0.0, 0.4))).round()
    # Assistantes maternelles : leur nombre baisse d'environ 3 % par an.
    declin = pd.DataFrame({a: np.full(n, 0.97 ** (a - ANNEE_CALAGE)) for a in ANNEES}, index=idx)
    e23 = e[ANNEE_CALAGE]
    agreees = par_annee(e23 * rng.lognormal(np.log(0.15), 0.35, n)) * declin
    v["am_agreees"] = agreees.round()
    v["am_actives"] = (v["am_agreees"] * par_annee(rng.normal(0.72, 0.06, n).clip(0.4, 1.0))).round()
    parts_ages = rng.dirichlet([3.0, 14.0, 10.0, 4.0], n)
    for j, age in enumerate(AGES):
        v[age] = v["am_actives"] * par_annee(parts_ages[:, j])
    # Offre d'accueil : les crèches se concentrent dans les communes peuplées.
    p23 = pop[ANNEE_CALAGE].values
    croissance_creches = pd.DataFrame({a: np.full(n, 1.02 ** (a - ANNEE_CALAGE)) for a in ANNEES}, index=idx)
    taille = np.clip(p23 / 3000, 0, 1)
    psu = np.where(rng.random(n) < 0.1 + 0.85 * taille, e23 * rng.lognormal(np.log(0.22), 0.5, n), 0.0)
    mc = np.where(rng.random(n) < 0.05 + 0.6 * taille, 10.0 * rng.poisson(1 + p23 / 15000), 0.0)
    mam = np.where(rng.random(n) < 0.08 + 0.5 * taille, 4.0 * rng.integers(2, 5, n), 0.0)
    v["places_psu"] = par_annee(np.round(psu)) * croissance_creches
    v["places_mc_paje"] = par_annee(mc) * croissance_creches
    v["places_mam"] = par_annee(mam) * croissance_creches
    v["places_am"] = v["am_actives"] * par_annee(rng.normal(3.1, 0.4, n).clip(2.0, 4.0))
    v["places_prescolarisation"] = e * par_annee(rng.normal(0.03, 0.015, n).clip(0, 0.1))
    v["places_garde_domicile"] = e * par_annee(np.where(p23 > 5000, rng.normal(0.02, 0.01, n).clip(0, 0.06), 0.0))
    return v


def places_totales(v: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Capacité d'accueil : somme des places de tous les modes."""
    return sum(v[m] for m in MODES)


def multiplier(v: dict[str, pd.DataFrame], indicateurs: list[str], masque: np.ndarray, facteur) -> None:
    """Multiplie les séries de quelques indicateurs sur un ensemble de communes."""
    for ind in indicateurs:
        v[ind].loc[masque] = v[ind].loc[masque].mul(facteur, axis=0)


def caler_compte(v, ind: str, masque: np.ndarray, cible: float, lies: tuple[str, ...] = ()) -> None:
    """Met à l'échelle un compte (et ses comptes liés) pour que sa somme 2023 sur le masque vaille la cible."""
    total = v[ind].loc[masque, ANNEE_CALAGE].sum()
    if total > 0:
        multiplier(v, [ind, *lies], masque, cible / total)


def caler_part(v, num: str, den: str, masque: np.ndarray, cible_pct: float, lies: tuple[str, ...] = ()) -> None:
    """Met à l'échelle un numérateur pour que la part 2023 (somme/somme) vaille la cible."""
    caler_compte(v, num, masque, v[den].loc[masque, ANNEE_CALAGE].sum() * cible_pct / 100, lies)


def repartir_ages(v, masque: np.ndarray, part_60: np.ndarray | float) -> None:
    """Fixe la part des 60 ans et plus parmi les actives et répartit le reste selon les autres âges."""
    actives = v["am_actives"].loc[masque]
    autres = sum(v[a].loc[masque] for a in AGES[:-1]).replace(0, np.nan)
    v["am_actives_60_plus"].loc[masque] = actives.mul(np.asarray(part_60, dtype=float) / 100, axis=0)
    reste = actives - v["am_actives_60_plus"].loc[masque]
    for a in AGES[:-1]:
        v[a].loc[masque] = (v[a].loc[masque] / autres * reste).fillna(reste / 3)


def caler_evolution(v, masque: np.ndarray, evolution_pct: np.ndarray | float, lies: tuple[str, ...]) -> None:
    """Réécrit les enfants 0-2 ans avant 2023 pour que l'évolution sur cinq ans vaille la cible."""
    e = v["enfants_0_2"]
    cible = np.broadcast_to(np.asarray(evolution_pct, dtype=float), (int(masque.sum()),))
    actuel = (e.loc[masque, ANNEE_CALAGE] / e.loc[masque, ANNEE_CALAGE - 5].replace(0, np.nan)).fillna(1.0).values
    taux_annuel = ((1 + cible / 100) / actuel) ** (1 / 5)
    for a in ANNEES:
        if a < ANNEE_CALAGE:
            f = taux_annuel ** -(ANNEE_CALAGE - a) if a >= ANNEE_CALAGE - 5 else taux_annuel ** -5
            for ind in ("enfants_0_2", *lies):
                v[ind].loc[masque, a] = v[ind].loc[masque, a] * f


def caler_territoire(v, masque: np.ndarray, cibles: dict) -> None:
    """Cale les comptes d'un territoire sur les chiffres 2023 du document 004."""
    lies_enfants = ("enfants_0_2_parents_actifs", "familles_0_2", "familles_0_2_bas_revenus",
                    "familles_0_2_monoparentales", "places_prescolarisation", "places_garde_domicile")
    if "evolution_enfants_0_2" in cibles:
        caler_evolution(v, masque, cibles["evolution_enfants_0_2"], lies_enfants + ("enfants_0_17",))
    caler_compte(v, "naissances", masque, cibles["naissances"])
    caler_compte(v, "enfants_0_2", masque, cibles["enfants_0_2"], lies_enfants)
    caler_compte(v, "enfants_0_17", masque, cibles["enfants_0_2"] * 100 / cibles["part_enfants_0_2"])
    caler_part(v, "enfants_0_2_parents_actifs", "enfants_0_2", masque, cibles["part_enfants_0_2_parents_actifs"])
    caler_compte(v, "am_agreees", masque, cibles["am_agreees"])
    caler_compte(v, "am_actives", masque, cibles["am_actives"], tuple(AGES) + ("places_am",))
    repartir_ages(v, masque, cibles["part_am_60_plus"])
    places = places_totales(v).loc[masque, ANNEE_CALAGE].sum()
    cible_places = cibles["taux_couverture"] * v["enfants_0_2"].loc[masque, ANNEE_CALAGE].sum() / 100
    multiplier(v, MODES, masque, cible_places / places)


def caler_pornic(v, communes: pd.DataFrame) -> None:
    """Donne aux 15 communes de Pornic Agglo les valeurs du tableau des tensions du document 004."""
    noms = communes["nom"].map(normaliser_nom)
    masque_epci = (communes["epci"] == "200067346").values
    cibles = np.array([CIBLES_COMMUNES_PORNIC[n] for n in noms[masque_epci]], dtype=float)
    caler_territoire(v, masque_epci, CIBLES_TERRITOIRES["epci:200067346"])
    caler_evolution(v, masque_epci, cibles[:, 0], ("enfants_0_2_parents_actifs", "familles_0_2",
                                                   "familles_0_2_bas_revenus", "familles_0_2_monoparentales",
                                                   "enfants_0_17"))
    repartir_ages(v, masque_epci, cibles[:, 1])
    e = v["enfants_0_2"].loc[masque_epci]
    v["enfants_0_2_parents_actifs"].loc[masque_epci] = e.mul(cibles[:, 2] / 100, axis=0)
    # taux de couverture de chaque commune, puis un seul facteur pour retrouver 76,9 % à l'EPCI
    places = places_totales(v).loc[masque_epci, ANNEE_CALAGE].values
    facteur = cibles[:, 3] / 100 * e[ANNEE_CALAGE].values / np.where(places > 0, places, np.nan)
    multiplier(v, MODES, masque_epci, np.nan_to_num(facteur, nan=1.0))
    cible_epci = CIBLES_TERRITOIRES["epci:200067346"]
    caler_part(v, "enfants_0_2_parents_actifs", "enfants_0_2", masque_epci,
               cible_epci["part_enfants_0_2_parents_actifs"])
    total = places_totales(v).loc[masque_epci, ANNEE_CALAGE].sum()
    multiplier(v, MODES, masque_epci, cible_epci["taux_couverture"] * e[ANNEE_CALAGE].sum() / 100 / total)


def caler(v: dict[str, pd.DataFrame], communes: pd.DataFrame) -> None:
    """Cale la démonstration sur le document 004 : Pornic Agglo, Sud Estuaire, puis le reste de la Loire-Atlantique."""
    caler_pornic(v, communes)
    sud = (communes["epci"] == "244400586").values
    caler_territoire(v, sud, CIBLES_TERRITOIRES["epci:244400586"])
    dep = (communes["departement"] == "44").values
    reste = dep & ~sud & ~(communes["epci"] == "200067346").values
    fixes = ~reste & dep
    cibles_dep = CIBLES_TERRITOIRES["departement:44"]

    def somme(ind: str, masque, annee=ANNEE_CALAGE) -> float:
        return float(v[ind].loc[masque, annee].sum())

    e_fixes = somme("enfants_0_2", fixes)
    e_reste = cibles_dep["enfants_0_2"] - e_fixes
    e_fixes_avant = somme("enfants_0_2", fixes, ANNEE_CALAGE - 5)
    evo_reste = 100 * ((cibles_dep["enfants_0_2"] / (1 + cibles_dep["evolution_enfants_0_2"] / 100) - e_fixes_avant)
                       ** -1 * e_reste - 1)
    cibles_reste = {
        "naissances": cibles_dep["naissances"] - somme("naissances", fixes),
        "enfants_0_2": e_reste,
        "evolution_enfants_0_2": evo_reste,
        "part_enfants_0_2": 100 * e_reste / (cibles_dep["enfants_0_2"] * 100 / cibles_dep["part_enfants_0_2"]
                                            - somme("enfants_0_17", fixes)),
        "part_enfants_0_2_parents_actifs": 100 * (
            cibles_dep["enfants_0_2"] * cibles_dep["part_enfants_0_2_parents_actifs"] / 100
            - somme("enfants_0_2_parents_actifs", fixes)) / e_reste,
        "am_agreees": cibles_dep["am_agreees"] - somme("am_agreees", fixes),
        "am_actives": cibles_dep["am_actives"] - somme("am_actives", fixes),
        "part_am_60_plus": 100 * (cibles_dep["am_actives"] * cibles_dep["part_am_60_plus"] / 100
                                  - somme("am_actives_60_plus", fixes))
        / (cibles_dep["am_actives"] - somme("am_actives", fixes)),
        "taux_couverture": 100 * (cibles_dep["taux_couverture"] * cibles_dep["enfants_0_2"] / 100
                                  - float(places_totales(v).loc[fixes, ANNEE_CALAGE].sum())) / e_reste,
    }
    caler_territoire(v, reste, cibles_reste)


def arrondir_coherent(v: dict[str, pd.DataFrame]) -> None:
    """Arrondit à l'unité en gardant les inclusions : actives ≤ agréées, âges = actives, parts ≤ total."""
    for ind in v:
        v[ind] = v[ind].clip(lower=0).round()
    v["am_actives"] = np.minimum(v["am_actives"], v["am_agreees"])
    v["am_actives_60_plus"] = np.minimum(v["am_actives_60_plus"], v["am_actives"])
    reste = v["am_actives"] - v["am_actives_60_plus"]
    v["am_actives_50_59"] = np.minimum(v["am_actives_50_59"], reste)
    v["am_actives_moins_35"] = np.minimum(v["am_actives_moins_35"], reste - v["am_actives_50_59"])
    v["am_actives_35_49"] = reste - v["am_actives_50_59"] - v["am_actives_moins_35"]
    v["enfants_0_2_parents_actifs"] = np.minimum(v["enfants_0_2_parents_actifs"], v["enfants_0_2"])
    v["enfants_0_17"] = np.maximum(v["enfants_0_17"], v["enfants_0_2"])
    for part in ("familles_0_2_bas_revenus", "familles_0_2_monoparentales"):
        v[part] = np.minimum(v[part], v["familles_0_2"])


def en_table_longue(v: dict[str, pd.DataFrame], source: str) -> pd.DataFrame:
    """Tableaux larges (communes × années) -> table longue (niveau, code, annee, indicateur, valeur, source)."""
    morceaux = []
    for ind, df in v.items():
        long = df.rename_axis(index="code", columns="annee").stack().rename("valeur").reset_index()
        long["indicateur"] = ind
        morceaux.append(long)
    t = pd.concat(morceaux, ignore_index=True)
    t["niveau"] = "commune"
    t["source"] = source
    t["annee"] = t["annee"].astype("int32")
    return t[["niveau", "code", "annee", "indicateur", "valeur", "source"]]


def generer(racine: Path) -> pd.DataFrame:
    """Génère la démonstration (déterministe) et l'écrit dans data/demo/mesures.parquet."""
    chemins = Chemins(racine)
    communes = pd.read_parquet(chemins.table("communes")).sort_values("code").reset_index(drop=True)
    populations = pd.read_parquet(chemins.table("populations"))
    rng = np.random.default_rng(GRAINE)
    pop = populations_annuelles(communes, populations, ANNEES)
    v = generer_brut(communes, pop, rng)
    caler(v, communes)
    arrondir_coherent(v)
    demo = en_table_longue(v, SOURCE_DEMO)
    # population légale en vigueur au 1er janvier de l'année (édition), pas le millésime du recensement
    legales = populations.loc[populations["code"].isin(communes["code"]), ["code", "edition", "population"]]
    legales = legales.rename(columns={"population": "valeur", "edition": "annee"}).assign(
        niveau="commune", indicateur="population", source=SOURCE_POPULATION)
    legales["valeur"] = legales["valeur"].astype(float)
    table = pd.concat([demo, legales[demo.columns]], ignore_index=True)
    table = table.sort_values(["annee", "code", "indicateur"], kind="stable").reset_index(drop=True)
    chemins.demo.parent.mkdir(parents=True, exist_ok=True)
    table.to_parquet(chemins.demo, index=False, compression="zstd", row_group_size=200_000)
    return table


def etp_charente(epci: pd.DataFrame) -> dict[str, float]:
    """Les ETP réels du document 003 pour les EPCI de la Charente, retrouvés par leur nom."""
    sortie = {}
    for code, nom in zip(epci["code"], epci["nom"]):
        n = coop.sans_accents(nom)
        for cle, etp in CHARENTE_DOCUMENT_003.items():
            if cle in n:
                sortie[code] = etp
    return sortie


def generer_cooperation(racine: Path, annees: tuple[int, ...] = (2023, 2024), graine: int = 4227) -> pd.DataFrame:
    """Postes de démonstration pour chaque EPCI de France, environ 4 227 ETP ; la Charente du document 003."""
    chemins = Chemins(racine)
    epci = pd.read_parquet(chemins.table("epci")).sort_values("code").reset_index(drop=True)
    rng = np.random.default_rng(graine)
    poids = epci["population"].astype(float) ** 0.8
    couverts = rng.random(len(epci)) > 0.1  # un EPCI sur dix sans chargé de coopération
    totaux = np.where(couverts, poids / poids[couverts].sum() * ETP_NATIONAL_2023, 0.0)
    reels_charente = etp_charente(epci[epci["departement"] == "16"])
    autres_16 = (epci["departement"] == "16") & ~epci["code"].isin(reels_charente)
    totaux = np.where(autres_16, 0.0, totaux)
    lignes = []
    for i, e in epci.iterrows():
        total = reels_charente.get(e["code"], round(totaux[i] * 4) / 4)
        if total <= 0:
            continue
        # environ 0,8 ETP par poste, aucun au-delà de 1,5 (référentiel) : une grande métropole a beaucoup de postes
        n_postes = max(1, int(np.ceil(total / 0.8)))
        cof = bool(rng.random() < 0.93)  # une convention d'objectifs et de financement par EPCI
        parts = rng.dirichlet(np.full(n_postes, 4.0)) * total
        parts = np.clip(np.round(parts * 20) / 20, 0.25, 1.2)
        if n_postes > 1 and rng.random() < 0.12:
            parts[0] = 0.15  # une petite affectation, sous le minimum du référentiel
        parts = np.round(parts * total / parts.sum(), 2)
        # la somme tombe juste (document 003 pour la Charente) : l'écart d'arrondi réparti par centièmes, en
        # partant du dernier poste (reporté sur un seul, il faisait d'un poste de métropole plus de 1,5 ETP)
        ecart = int(round((total - parts.sum()) * 100))
        np.add.at(parts, n_postes - 1 - np.arange(abs(ecart)) % n_postes, np.sign(ecart) * 0.01)
        parts = np.round(parts, 2)
        while parts.max() > coop.ETP_POSTE_MAX:  # un petit EPCI remis à l'échelle : l'excédent au plus petit poste
            i, j = parts.argmax(), np.where(parts == 0.15, np.inf, parts).argmin()
            parts[j], parts[i] = round(parts[j] + parts[i] - 1.2, 2), 1.2
        for j, etp in enumerate(parts):
            thematique = rng.choice(list(coop.THEMATIQUES), p=[0.34, 0.3, 0.14, 0.08, 0.04, 0.10])
            for annee in annees:
                reel = etp * (1 if rng.random() > 0.2 else rng.uniform(0.6, 0.95))
                oui = {q: bool(rng.random() < p)
                       for q, p in zip(coop.QUESTIONS_OUI_NON, np.linspace(0.95, 0.55, 14))}
                lignes.append({
                    "annee": annee, "departement": e["departement"], "niveau": "epci", "code": e["code"],
                    "epci": e["code"], "employeur": e["nom"], "intitule_poste": f"Chargé·e de coopération CTG "
                    f"{coop.THEMATIQUES[thematique].lower()}",
                    "nom": f"{PRENOMS[(i + j) % 16]} {NOMS[(3 * i + j) % 16]}", "thematique": thematique,
                    "etp_valorises": round(float(etp), 2), "etp_reels": round(float(reel), 2),
                    "cof_signee": cof, "reunions_elus": int(rng.poisson(4)),
                    "copil": int(rng.poisson(1.6)), "groupes_travail": int(rng.poisson(3)),
                    "reunions_reseau": int(rng.poisson(5)), **oui, "source": SOURCE_DEMO,
                })
    table = pd.DataFrame(lignes, columns=coop.COLONNES)
    chemins.demo.parent.mkdir(parents=True, exist_ok=True)
    table.to_parquet(chemins.demo_cooperation, index=False, compression="zstd")
    return table
