"""Les jeux de données des pages et de la ligne de commande, chacun tiré d'une requête de queries/."""

from __future__ import annotations

import re

import pandas as pd

from portrait.donnees.requetes import Requetes
from portrait.regles import catalogue

MOTIF_TERRITOIRE = re.compile(r"^(commune|epci|departement|region):([0-9AB]{2,9})$|^france$")
TERRITOIRE_DEFAUT = "epci:200067346"  # CA Pornic Agglo Pays de Retz, le territoire du document 004
ANNEE_DEFAUT = 2023
INDICATEURS_DEMO = "indicateurs_demo"  # attrs des lignes de valeurs_larges : où entre une valeur de démonstration


class TerritoireInconnu(ValueError):
    """Territoire mal écrit ou absent de la géographie de référence."""


def lire_territoire(texte: str) -> str:
    """Normalise « EPCI:200067346 » en « epci:200067346 » ; erreur en français si la forme est fausse."""
    t = (texte or "").strip()
    niveau, _, code = t.partition(":")
    t = f"{niveau.lower()}:{code.upper()}" if code else niveau.lower()
    if not MOTIF_TERRITOIRE.match(t):
        raise TerritoireInconnu(
            f"Territoire « {texte} » illisible : écrivez commune:44131, epci:200067346, departement:44 ou france."
        )
    return t


def territoire(req: Requetes, t: str) -> dict:
    """Niveau, code, nom, EPCI et département d'un territoire existant."""
    df = req.reference("territoire", {"territoire": lire_territoire(t)})
    if df.empty:
        raise TerritoireInconnu(f"Territoire « {t} » inconnu de la géographie 2026 (codes Insee, Siren des EPCI).")
    ligne = df.iloc[0].to_dict()
    return {k: (None if pd.isna(v) else v) for k, v in ligne.items()}


def cadre(req: Requetes, t: str) -> str:
    """Le territoire où l'on montre t : une commune est vue dans son EPCI, ou dans son département si elle n'en a
    pas ; tout autre territoire, en lui-même."""
    info = territoire(req, t)
    if info["niveau"] != "commune":
        return info["territoire"]
    return f"epci:{info['epci']}" if info["epci"] else f"departement:{info['departement']}"


def annees_disponibles(req: Requetes) -> list[int]:
    """Les années pour lesquelles des mesures existent, de la plus récente à la plus ancienne."""
    return [int(a) for a in req.executer("annees_disponibles")["annee"]]


def annee_par_defaut(disponibles: list[int]) -> int:
    """L'année montrée quand aucune n'est demandée, ou qu'une année sans données l'est : 2023 (le document 004)
    si elle a des données, sinon la plus récente."""
    return ANNEE_DEFAUT if ANNEE_DEFAUT in disponibles or not disponibles else max(disponibles)


def comparateurs(req: Requetes, t: str) -> pd.DataFrame:
    """Le territoire puis ses comparateurs : son EPCI, son département, la France."""
    return req.reference("comparateurs", {"territoire": lire_territoire(t)})


def valeurs_larges(req: Requetes, lignes: pd.DataFrame, ids: list[str], annee: int, recul: int) -> pd.DataFrame:
    """Ajoute aux lignes (une par territoire) une colonne par indicateur et la colonne `demo`."""
    longue = req.executer(
        "valeurs_territoires",
        {"territoires": list(lignes["territoire"]), "indicateurs": list(ids), "annee": annee, "recul": recul},
    )
    large = longue.pivot(index="territoire", columns="indicateur", values="valeur").reindex(columns=list(ids))
    demo = longue.groupby("territoire")["demo"].any().rename("demo")
    sortie = lignes.join(large.join(demo), on="territoire")
    sortie["demo"] = sortie["demo"].fillna(False).astype(bool)
    sortie = sortie.reset_index(drop=True)
    # les indicateurs où entre une valeur de démonstration : la mention « démonstration » de chaque figure (demo_de)
    sortie.attrs[INDICATEURS_DEMO] = frozenset(longue.loc[longue["demo"].fillna(False).astype(bool), "indicateur"])
    return sortie


def demo_de(lignes: pd.DataFrame, ids) -> bool:
    """Vrai si une valeur de démonstration entre dans l'un de ces indicateurs des lignes (valeurs_larges) ; sans
    le détail par indicateur, la colonne `demo` des lignes."""
    if INDICATEURS_DEMO not in lignes.attrs:
        return bool(lignes["demo"].any())
    return bool(lignes.attrs[INDICATEURS_DEMO] & set(ids))


def portrait_territoire(req: Requetes, t: str, annee: int, recul: int = catalogue.RECUL_EVOLUTION) -> pd.DataFrame:
    """Une ligne par territoire comparé (lui, son EPCI, son département, la France), une colonne par indicateur."""
    lignes = comparateurs(req, t)
    sortie = valeurs_larges(req, lignes, list(catalogue.PAR_ID), annee, recul)
    return sortie[["ordre", "niveau", "code", "nom", "demo", *catalogue.PAR_ID]]


def avec_references(req: Requetes, lignes: pd.DataFrame, ids: list[str], annee: int, recul: int) -> pd.DataFrame:
    """Les valeurs des lignes (valeurs_larges), plus pour chacune celles de son territoire de comparaison (colonne
    `reference` : son département, ou la France) dans des colonnes `reference_<indicateur>`, lues dans la même
    requête : une commune se compare à son département, quel que soit le territoire affiché."""
    territoires = pd.DataFrame({"territoire": list(dict.fromkeys([*lignes["territoire"],
                                                                  *lignes["reference"].dropna()]))})
    valeurs = valeurs_larges(req, territoires, ids, annee, recul).set_index("territoire")
    sortie = lignes.join(valeurs, on="territoire")
    for i in ids:
        sortie[f"reference_{i}"] = sortie["reference"].map(valeurs[i]).astype(float)
    return sortie


def tensions(req: Requetes, t: str, annee: int, recul: int = catalogue.RECUL_EVOLUTION,
             autres: tuple[str, ...] = ()) -> pd.DataFrame:
    """Tableau des tensions : les communes du territoire (les EPCI pour la France), puis son EPCI, ses départements.

    `autres` ajoute des colonnes d'indicateurs (places collectives pour les zones, indicateur de la carte). Chaque
    unité porte les valeurs de son territoire de comparaison (`reference_<indicateur>`).
    """
    lignes = req.reference("lignes_communes", {"territoire": lire_territoire(t)})
    ids = list(dict.fromkeys([*catalogue.INDICATEURS_TENSION, *autres]))
    sortie = avec_references(req, lignes, ids, annee, recul)
    return sortie[["ordre", "territoire", "niveau", "code", "nom", "population", *ids, "demo", "reference",
                   *(f"reference_{i}" for i in ids)]]


def tensions_communes(req: Requetes, t: str, annee: int, recul: int = catalogue.RECUL_EVOLUTION) -> pd.DataFrame:
    """Les communes d'un territoire (toutes celles de la France pour `france`), avec leur EPCI, les quatre
    indicateurs de tension et les valeurs de leur département : de quoi juger chaque commune comme la page Tensions
    la juge, pour compter les communes en tension de chaque EPCI."""
    lignes = req.reference("communes_territoire", {"territoire": lire_territoire(t)})
    return avec_references(req, lignes, list(catalogue.INDICATEURS_TENSION), annee, recul)


def cadre_tensions(req: Requetes, t: str) -> str:
    """Le territoire de la page Tensions : un EPCI, un département, ou la France (par EPCI) ; une commune y
    est vue dans son EPCI (ou son département si elle n'en a pas)."""
    englobant = cadre(req, t)
    return "france" if englobant.startswith("region:") else englobant


ROLES_COMPARATEURS = {0: "territoire", 1: "epci", 2: "departement", 3: "voisin", 4: "france"}


def comparateurs_synthese(req: Requetes, t: str) -> pd.DataFrame:
    """Comparateurs de la synthèse : ceux du portrait, plus les autres départements de la région d'un département."""
    t = lire_territoire(t)
    lignes = pd.concat([comparateurs(req, t), req.reference("voisins", {"territoire": t})], ignore_index=True)
    lignes = lignes.sort_values("ordre", kind="stable").reset_index(drop=True)
    lignes["role"] = lignes["ordre"].map(ROLES_COMPARATEURS)
    return lignes


def synthese(req: Requetes, t: str, annee: int, recul: int = catalogue.RECUL_EVOLUTION) -> pd.DataFrame:
    """Le portrait de la page « Synthèse » : une ligne par comparateur (avec son rôle), une colonne par indicateur."""
    lignes = comparateurs_synthese(req, t)
    return valeurs_larges(req, lignes, list(catalogue.PAR_ID), annee, recul)


def series_synthese(req: Requetes, t: str, ids: list[str], annees: list[int]) -> pd.DataFrame:
    """Les séries de quelques indicateurs pour le territoire et ses comparateurs (territoire, nom, role, annee...)."""
    lignes = comparateurs_synthese(req, t)
    morceaux = []
    for i in ids:
        s = serie(req, list(lignes["territoire"]), i, annees)
        morceaux.append(s.merge(lignes[["territoire", "role"]], on="territoire").assign(indicateur=i))
    return pd.concat(morceaux, ignore_index=True)


def detail(req: Requetes, t: str, id_indicateur: str, annee: int,
           recul: int = catalogue.RECUL_EVOLUTION) -> pd.DataFrame:
    """Un indicateur pour chaque commune, puis le département, puis l'EPCI (l'ordre du document 004).

    Pour une commune, le tableau montre les communes de son EPCI (ou de son département) : on la situe parmi elles.
    """
    lignes = req.reference("lignes_communes", {"territoire": cadre(req, t)})
    # les unités du tableau (communes, ou EPCI pour la France) sont des « communes » ; les autres, des références
    lignes["role"] = lignes["niveau"].where(lignes["ordre"] > 0, "commune")
    # document 004 : les communes, puis le département, puis l'EPCI
    lignes = lignes.sort_values("ordre", key=lambda o: o.map({0: 0, 2: 1, 1: 2, 3: 3}), kind="stable")
    lignes = lignes.reset_index(drop=True)
    large = valeurs_larges(req, lignes, [id_indicateur], annee, recul)
    return large.rename(columns={id_indicateur: "valeur"})


def serie(req: Requetes, territoires: list[str], indicateur: str, annees: list[int],
          recul: int = catalogue.RECUL_EVOLUTION) -> pd.DataFrame:
    """La série d'un indicateur pour quelques territoires."""
    catalogue.indicateur(indicateur)
    return req.executer(
        "serie_indicateur",
        {"territoires": [lire_territoire(t) for t in territoires], "indicateur": indicateur,
         "annees": list(annees), "recul": recul},
    )


def choix_territoires(req: Requetes, niveau: str, parent: str) -> pd.DataFrame:
    """Les départements de France, les EPCI d'un département, les communes d'un EPCI ou d'un département."""
    return req.reference("choix_territoires", {"niveau": niveau, "parent": lire_territoire(parent)})


def etat_donnees(req: Requetes, t: str) -> pd.DataFrame:
    """Les sources des valeurs d'un territoire : démonstration, populations légales, imports."""
    return req.executer("etat_donnees", {"territoire": lire_territoire(t)})


def cooperation(req: Requetes, t: str, annee: int, forfait: float | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(une ligne par EPCI du territoire avec ETP, ratios, financement et alertes ; les postes, une ligne par personne
    et thématique). Les EPCI sans poste sont gardés : ce sont eux qu'il faut voir."""
    from portrait.regles import cooperation as coop

    parent = cadre(req, t)
    epci = choix_territoires(req, "epci", parent)
    valeurs = valeurs_larges(req, epci.assign(ordre=0), ["enfants_0_2"], annee, catalogue.RECUL_EVOLUTION)
    postes = req.executer("postes_cooperation", {"territoire": parent, "annee": annee})
    synthese = coop.synthese_epci(postes, valeurs[["code", "nom", "enfants_0_2", "population"]],
                                  forfait if forfait is not None else coop.FORFAIT_ETP)
    synthese["demo"] = synthese["code"].isin(postes.loc[postes["source"] == "demo", "epci"])
    return synthese, postes
