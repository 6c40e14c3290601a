"""Vue de la page Synthèse petite enfance : besoins, offre, adéquation (document 004), que la fiche reprend."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from portrait.donnees import jeux
from portrait.donnees.requetes import Requetes
from portrait.regles import catalogue
from portrait.vues import commun, graphiques, resume
from portrait.vues import francais as fr
from portrait.vues.commun import Chiffre, Figure, GroupeChiffres, Tableau

TABLE_BESOINS = (
    "naissances",
    "enfants_0_2",
    "part_enfants_0_2",
    "part_enfants_0_2_parents_actifs",
    "part_familles_0_2_bas_revenus",
    "part_familles_0_2_monoparentales",
)


TABLE_OFFRE = (
    *catalogue.MODES_ACCUEIL,
    "places_total",
    "am_agreees",
    "am_actives",
    "am_actives_60_plus",
    "places_am_60_plus_estimees",
)


AGES_AM = ("am_actives_moins_35", "am_actives_35_49", "am_actives_50_59", "am_actives_60_plus")


LIBELLES_AGES = {"am_actives_moins_35": "moins de 35 ans", "am_actives_35_49": "35-49 ans",
                 "am_actives_50_59": "50-59 ans", "am_actives_60_plus": "60 ans et plus"}

SERIES = ("naissances", "enfants_0_2")
ROLES_CHIFFRES = ("territoire", "epci", "departement", "france")  # les grands nombres : pas les voisins
NOTE_ESTIMATION = ("Places AM 60 ans et plus : estimation = places chez les assistantes maternelles × part des "
                   "actives de 60 ans et plus.")
SANS_ENFANT = "n.d. : aucun enfant de moins de 3 ans"


@dataclass
class Synthese:
    """Tout ce que montrent la page Synthèse et les diapositives de synthèse de la fiche, dans leur ordre."""

    titre: str
    legende: str
    demo: bool
    naissances: GroupeChiffres
    series_naissances: Figure
    series_enfants: Figure
    besoins: Tableau
    places: Figure
    offre: Tableau
    retraite: GroupeChiffres
    ages: Figure
    couverture: GroupeChiffres
    figure_couverture: Figure
    resume: list[str] = field(default_factory=list)


def places_pour_100(synthese: pd.DataFrame) -> pd.DataFrame:
    """Places de chaque mode pour 100 enfants de moins de 3 ans (leur somme est le taux de couverture) ; sans
    enfant, pas de taux : la valeur reste manquante, jamais infinie."""
    enfants = synthese["enfants_0_2"].where(synthese["enfants_0_2"] > 0)
    return pd.concat([pd.DataFrame({"nom": synthese["nom"], "composante": mode,
                                    "valeur": 100 * synthese[mode] / enfants}) for mode in catalogue.MODES_ACCUEIL],
                     ignore_index=True)


def note_places(lignes: pd.DataFrame, places: pd.DataFrame) -> str:
    """Ce que mesurent les barres des places par mode. « Chaque barre a pour longueur le taux de couverture » n'est
    écrit que si c'est vrai de chaque territoire ; sinon (taux publié ou importé, places ou enfants d'une autre
    source), la note dit que les barres sont calculées et nomme les territoires où elles diffèrent du taux affiché."""
    longueurs = places.groupby("nom", sort=False)["valeur"].sum(min_count=1)
    ecarts = [f"{n} (barre : {fr.nombre(longueurs[n], 1)}, taux : {fr.valeur('taux_couverture', t)})"
              for n, t in zip(lignes["nom"], lignes["taux_couverture"])
              if not fr.manquant(longueurs.get(n)) and (fr.manquant(t) or round(longueurs[n], 1) != round(t, 1))]
    if not ecarts:
        return "Chaque barre a pour longueur le taux de couverture."
    return ("Chaque barre additionne les places de chaque mode pour 100 enfants de moins de 3 ans, calculées sur "
            "les places et les enfants ; le taux de couverture affiché (publié, ou d'une autre source) en diffère "
            f"pour {commun.enumeration(ecarts)}.")


def ages_assistantes_maternelles(synthese: pd.DataFrame) -> pd.DataFrame:
    """Répartition des assistantes maternelles actives par âge, en % des actives (manquante sans active)."""
    actives = synthese["am_actives"].where(synthese["am_actives"] > 0)
    return pd.concat([pd.DataFrame({"nom": synthese["nom"], "composante": age,
                                    "valeur": 100 * synthese[age] / actives}) for age in AGES_AM], ignore_index=True)


def sans_valeur(synthese: pd.DataFrame, denominateur: str, aucun: str) -> dict[str, str]:
    """nom -> ce qu'on écrit à la place d'une barre qui ne peut exister : « n.d. : aucun enfant de moins de 3 ans »
    quand le dénominateur est nul, « n.d. » quand il est inconnu."""
    return {n: aucun if d == 0 else fr.NON_DISPONIBLE for n, d in zip(synthese["nom"], synthese[denominateur])
            if fr.manquant(d) or d == 0}


def phrase_sans_valeur(manquants: dict[str, str]) -> str:
    """« Sans valeur : Bezonvaux (aucun enfant de moins de 3 ans). » pour la note d'une figure."""
    if not manquants:
        return ""
    raisons = [f"{n} ({t.removeprefix('n.d. : ')})" if t != fr.NON_DISPONIBLE else n for n, t in manquants.items()]
    return f"Sans valeur (n.d.) : {', '.join(raisons)}."


def libelles_modes() -> dict[str, str]:
    """« places_psu » -> « crèches PSU » : libellés courts des modes d'accueil, tirés du catalogue."""
    return {m: catalogue.indicateur(m).libelle_court.removeprefix("places ") for m in catalogue.MODES_ACCUEIL}


def chiffres_comparateurs(synthese: pd.DataFrame, id_indicateur: str, intitule: str) -> GroupeChiffres:
    """Les grands nombres d'un indicateur : le territoire puis ses comparateurs (pas les voisins)."""
    lignes = synthese[synthese["role"].isin(ROLES_CHIFFRES)]
    return GroupeChiffres(intitule, [Chiffre(n, fr.valeur(id_indicateur, v))
                                     for n, v in zip(lignes["nom"], lignes[id_indicateur])])


def reference_departement(lignes: pd.DataFrame, id_indicateur: str) -> tuple[str, float] | None:
    """(nom, valeur) du département parmi des lignes de comparaison, pour la ligne de référence d'un graphique."""
    dep = lignes[lignes["niveau"] == "departement"]
    return (dep["nom"].iloc[0], dep[id_indicateur].iloc[0]) if len(dep) else None


def figure_serie(series: pd.DataFrame, id_indicateur: str, debut_titre: str, nom: str, annee: int,
                 demo: bool) -> Figure:
    """La petite courbe par territoire d'un compte, titrée de la période que couvrent vraiment ses valeurs."""
    serie = series[(series["indicateur"] == id_indicateur) & series["valeur"].notna()]
    demo = bool(serie["demo"].any()) if "demo" in serie else demo  # les années montrées, pas le reste de la page
    titre = f"{debut_titre}, {nom} et comparaisons, {commun.etendue(serie['annee'])}"
    vide = "" if len(serie) else f"Aucune valeur connue pour ces territoires ({fr.NON_DISPONIBLE})."
    note = commun.note([id_indicateur], annee, demo, vide)
    return Figure(f"{id_indicateur}_series", titre, note, graphiques.series_par_territoire(serie, id_indicateur,
                                                                                           titre, note), demo=demo)


def figure_empilee(long: pd.DataFrame, couleurs: dict, libelles: dict, titre: str, note: str, axe: str,
                   manquants: dict[str, str], cle: str, demo: bool = False) -> Figure:
    """Barres empilées d'une page, la raison de chaque barre absente écrite à sa place et dans la note."""
    note = f"{note} {phrase_sans_valeur(manquants)}".strip()
    return Figure(cle, titre, note, graphiques.barres_empilees(long, couleurs, libelles, titre, note, axe,
                                                               sans_valeur=manquants), demo=demo)


def phrase_modes(lignes: pd.DataFrame) -> str | None:
    """« Premier mode d'accueil : PSU, avec 37,1 places pour 100 enfants de moins de 3 ans. » (la plus longue
    part de la barre du territoire) ; None sans enfant ou sans place."""
    pour_100 = places_pour_100(lignes.iloc[:1]).dropna(subset=["valeur"])
    if pour_100.empty or pour_100["valeur"].max() <= 0:
        return None
    haut = pour_100.loc[pour_100["valeur"].idxmax()]
    return (f"Premier mode d'accueil : {libelles_modes()[haut['composante']]}, avec {fr.nombre(haut['valeur'], 1)} "
            "places pour 100 enfants de moins de 3 ans.")


def resume_synthese(lignes: pd.DataFrame, annee: int) -> list[str]:
    """Le résumé de la synthèse : naissances, couverture face au département et à la France, mode d'accueil
    principal, départs en retraite des assistantes maternelles."""
    return resume.phrases(
        resume.phrase_naissances(lignes, annee),
        resume.phrase_taux(lignes, "taux_couverture",
                           f"En {annee}, le taux de couverture petite enfance "
                           f"{resume.de(lignes.iloc[0]['nom'])} est de"),
        phrase_modes(lignes),
        resume.phrase_retraites(lignes),
    )


def synthese(req: Requetes, territoire: str, annee: int) -> Synthese:
    """La synthèse petite enfance d'un territoire : ses comparateurs, leurs séries sur les années des données."""
    info = jeux.territoire(req, territoire)
    t, nom, code = info["territoire"], info["nom"], info["code"]
    lignes = jeux.synthese(req, t, annee)
    demo = bool(lignes["demo"].any())
    annees = commun.annees_serie(jeux.annees_disponibles(req), SERIES[0])
    series = jeux.series_synthese(req, t, list(SERIES), annees)
    # chaque figure, chaque tableau dit « démonstration » si une valeur de démonstration entre dans ses indicateurs
    demo_places = jeux.demo_de(lignes, [*catalogue.MODES_ACCUEIL, "enfants_0_2"])
    demo_ages = jeux.demo_de(lignes, ["am_actives", *AGES_AM])
    demo_couverture = jeux.demo_de(lignes, ["taux_couverture"])
    note_offre = commun.note(TABLE_OFFRE, annee, jeux.demo_de(lignes, TABLE_OFFRE), NOTE_ESTIMATION)
    sans_enfant = sans_valeur(lignes, "enfants_0_2", SANS_ENFANT)
    note_couverture = commun.note(["taux_couverture"], annee, demo_couverture, phrase_sans_valeur(sans_enfant))
    titre_couverture = f"Taux de couverture petite enfance, {nom} et comparaisons, {annee}"
    t0 = lignes.iloc[0]
    places = places_pour_100(lignes)
    return Synthese(
        titre=f"Synthèse petite enfance · {nom}",
        legende=f"{annee} · comparé à {', '.join(lignes['nom'].iloc[1:])}",
        demo=demo,
        naissances=chiffres_comparateurs(lignes, "naissances", f"Nombre de naissances, {annee}"),
        series_naissances=figure_serie(series, "naissances", "Évolution du nombre de naissances", nom, annee, demo),
        series_enfants=figure_serie(series, "enfants_0_2", "Évolution du nombre d'enfants de 0 à 2 ans", nom, annee,
                                    demo),
        besoins=commun.tableau_indicateurs(lignes, TABLE_BESOINS, f"Besoins des familles, {nom}, {annee}",
                                           commun.note(TABLE_BESOINS, annee, jeux.demo_de(lignes, TABLE_BESOINS)),
                                           f"besoins_{code}_{annee}"),
        places=figure_empilee(
            places, graphiques.COULEURS_MODES, libelles_modes(),
            f"Places d'accueil pour 100 enfants de moins de 3 ans, par mode, {nom}, {annee}",
            commun.note(["places_total"], annee, demo_places, note_places(lignes, places)),
            "places pour 100 enfants de moins de 3 ans", sans_enfant, "places_modes", demo_places),
        offre=commun.tableau_indicateurs(lignes, TABLE_OFFRE, f"Places et assistantes maternelles, {nom}, {annee}",
                                         note_offre, f"offre_{code}_{annee}"),
        retraite=GroupeChiffres("", [
            Chiffre(f"Assistantes maternelles de 60 ans et plus, {nom}", fr.valeur("am_actives_60_plus",
                                                                                 t0["am_actives_60_plus"])),
            Chiffre("Places menacées par les départs en retraite d'ici cinq ans (estimation)",
                    fr.valeur("places_am_60_plus_estimees", t0["places_am_60_plus_estimees"]),
                    aide=commun.definition("places_am_60_plus_estimees"))]),
        ages=figure_empilee(
            ages_assistantes_maternelles(lignes), graphiques.COULEURS_AGES, LIBELLES_AGES,
            f"Âge des assistantes maternelles actives, {nom}, {annee}", commun.note(["am_actives"], annee, demo_ages),
            "% des assistantes maternelles actives",
            sans_valeur(lignes, "am_actives", "n.d. : aucune assistante maternelle active"), "ages_am", demo_ages),
        couverture=chiffres_comparateurs(lignes, "taux_couverture", f"Taux de couverture petite enfance, {annee}"),
        figure_couverture=Figure("couverture", titre_couverture, note_couverture, graphiques.barres_comparaison(
            lignes, "taux_couverture", titre_couverture, note_couverture,
            reference=reference_departement(lignes, "taux_couverture"), sans_valeur=sans_enfant),
            demo=demo_couverture),
        resume=resume_synthese(lignes, annee),
    )
