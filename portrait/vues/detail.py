"""Vue de la page Détail par indicateur : chaque commune face à l'EPCI et au département, et son évolution."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

import pandas as pd

from portrait.donnees import jeux
from portrait.donnees.requetes import Requetes
from portrait.regles import catalogue
from portrait.vues import commun, graphiques
from portrait.vues import francais as fr
from portrait.vues.commun import NIVEAUX_LIBELLES, Figure, Tableau

CHOIX_DEFAUT = 3  # communes suivies quand ni l'URL ni le territoire n'en désignent


@dataclass
class Detail:
    """Tout ce que montre la page Détail pour un indicateur et des communes suivies."""

    titre: str
    id_indicateur: str
    demo: bool
    tableau: Tableau
    barres: Figure
    communes: dict[str, str]  # territoire -> nom : les communes qu'on peut suivre (les EPCI pour la France)
    choix: list[str]  # les communes suivies, dans l'ordre du choix
    intitule_evolution: str
    evolution: Figure
    resume: list[str] = field(default_factory=list)  # le résumé écrit, en tête de page


def indicateur_detail(theme: str, mode: str) -> str:
    """L'indicateur d'un thème et d'un mode (« enfants 0-2 ans », « Évolution » -> evolution_enfants_0_2)."""
    return catalogue.THEMES_DETAIL[theme][mode]


def tableau_detail(detail: pd.DataFrame, id_indicateur: str) -> pd.DataFrame:
    """Le tableau de détail : Territoire (regroupé comme le document 004), niveau, valeur de l'indicateur."""
    return pd.DataFrame({
        "Territoire": detail["nom"].values,
        "Niveau": detail["niveau"].map(NIVEAUX_LIBELLES).values,
        catalogue.indicateur(id_indicateur).libelle_court: detail["valeur"].values,
    })


def references_detail(detail: pd.DataFrame) -> list[tuple[str, str, float]]:
    """Les lignes de référence du graphique de détail : l'EPCI et le département."""
    refs = detail[detail["role"].isin(["epci", "departement", "france"])]
    return [(r, n, v) for r, n, v in zip(refs["role"], refs["nom"], refs["valeur"])]


def choix_retenu(communes: dict[str, str], territoire: str, demande: tuple[str, ...] | None) -> list[str]:
    """Les communes suivies : celles demandées qui existent ; sinon (aucune demandée, ou aucune de ce territoire après
    un changement de territoire) la commune choisie, ou les premières. Une liste vidée à la main reste vide."""
    retenues = [c for c in demande or () if c in communes]
    if demande is not None and (retenues or not demande):
        return retenues
    return [territoire] if territoire in communes else list(communes)[:CHOIX_DEFAUT]


def sans_valeur(detail: pd.DataFrame) -> str:
    """« Sans valeur (n.d.) : A, B. » : les communes qui n'ont pas de barre, nommées sous le graphique."""
    noms = list(detail.loc[(detail["ordre"] == 0) & detail["valeur"].isna(), "nom"])
    return f"Sans valeur (n.d.) : {commun.enumeration(noms)}." if noms else ""


def resume_detail(lignes: pd.DataFrame, id_indicateur: str, annee: int) -> list[str]:
    """Le résumé de la page Détail : la valeur des références, l'étendue entre communes, combien sont sous la valeur
    du département (pour un taux : un compte de communes ne se compare pas à celui du département) ; rien sur
    une valeur n.d."""
    valeur = partial(fr.valeur, id_indicateur)
    refs = [(n, v) for _, n, v in references_detail(lignes) if not fr.manquant(v)]
    unites = lignes[lignes["ordre"] == 0]
    connues = unites[unites["valeur"].notna()].sort_values("valeur", kind="stable")
    _, pluriel = ("commune", "communes") if (unites["niveau"] == "commune").any() else ("EPCI", "EPCI")
    sortie = []
    if lignes["valeur"].isna().all():
        ind = catalogue.indicateur(id_indicateur)
        sortie.append(f"{ind.libelle} : aucune valeur en {annee} pour ces territoires (source : {ind.source}). "
                      "Importez le fichier de la source depuis la page Données ; rien n'est estimé à sa place.")
    if refs:
        sortie.append(f"{catalogue.indicateur(id_indicateur).libelle}, {annee} : "
                      + " ; ".join(f"{n} : {valeur(v)}" for n, v in refs) + ".")
    if len(connues) > 1:
        bas, haut = connues.iloc[0], connues.iloc[-1]
        sortie.append(f"Parmi les {fr.nombre(len(connues))} {pluriel} qui ont une valeur, elle va de "
                      f"{valeur(bas['valeur'])} ({bas['nom']}) à {valeur(haut['valeur'])} ({haut['nom']}).")
    dep = lignes[(lignes["role"] == "departement") & lignes["valeur"].notna()]
    if len(dep) and len(connues) and catalogue.indicateur(id_indicateur).nature in ("taux", "evolution"):
        ref = dep.iloc[0]
        sous = int((connues["valeur"] < ref["valeur"]).sum())
        sortie.append(f"{fr.nombre(sous)} {pluriel} sur {fr.nombre(len(connues))} "
                      f"{'sont' if sous > 1 else 'est'} sous la valeur du département ({ref['nom']}, "
                      f"{valeur(ref['valeur'])}).")
    return sortie


def detail(req: Requetes, territoire: str, annee: int, theme: str, mode: str,
           communes: tuple[str, ...] | None = None) -> Detail:
    """Le détail d'un indicateur (thème et mode) pour les communes d'un territoire ; `communes` : celles dont on
    suit l'évolution (None : la commune choisie, ou les premières), sur les années où l'indicateur existe."""
    id_indicateur = indicateur_detail(theme, mode)
    info = jeux.territoire(req, territoire)
    lignes = jeux.detail(req, info["territoire"], id_indicateur, annee)
    demo = bool(lignes["demo"].any())
    libelle = catalogue.indicateur(id_indicateur).libelle
    titre = commun.titre(id_indicateur, info["nom"], annee)
    note = commun.note([id_indicateur], annee, demo)
    unites = lignes[lignes["ordre"] == 0]
    possibles = dict(zip(unites["territoire"], unites["nom"]))
    choix = choix_retenu(possibles, info["territoire"], communes)
    roles = lignes.set_index("territoire")["role"]
    annees = commun.annees_serie(jeux.annees_disponibles(req), id_indicateur)
    serie = jeux.serie(req, [*choix, *lignes.loc[lignes["ordre"] > 0, "territoire"]], id_indicateur, annees)
    serie = serie[serie["valeur"].notna()].assign(role=lambda s: s["territoire"].map(roles).fillna("commune"))
    periode = commun.etendue(serie["annee"])
    titre_courbes = f"{libelle}, communes choisies, {periode}"
    note_barres = commun.note([id_indicateur], annee, demo, sans_valeur(lignes))
    return Detail(
        titre=f"Détail par indicateur · {info['nom']}",
        id_indicateur=id_indicateur,
        demo=demo,
        tableau=Tableau(titre, note, tableau_detail(lignes, id_indicateur), commun.formats_colonnes([id_indicateur]),
                        commun.formats_excel([id_indicateur]), f"detail_{id_indicateur}_{info['code']}_{annee}"),
        barres=Figure("detail_barres", titre, note_barres, graphiques.barres_communes(
            unites, id_indicateur, titre, note_barres, references_detail(lignes), surligne=info["territoire"])),
        communes=possibles,
        choix=choix,
        intitule_evolution=f"Au fil des années : {libelle}, {periode}",
        evolution=Figure("detail_series", titre_courbes, note,
                         graphiques.courbes(serie, id_indicateur, titre_courbes, note)),
        resume=resume_detail(lignes, id_indicateur, annee),
    )
