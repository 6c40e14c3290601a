"""Catalogue des indicateurs : seule source des libellés, unités, formules et sources."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

RECUL_EVOLUTION = 5  # années : une évolution compare l'année N à l'année N-5
NIVEAUX = ("commune", "epci", "departement", "region", "france")

SOURCE_RECENSEMENT = "Insee, recensement de la population"
SOURCE_ETAT_CIVIL = "Insee, état civil"
SOURCE_POP_LEGALES = "Insee, populations légales"
SOURCE_CNAF_ALLOC = "Cnaf, base communale allocataires (BCA)"
SOURCE_CNAF_AM = "Cnaf, Ircem et fichiers PMI des assistantes maternelles"
SOURCE_CNAF_OFFRE = "Cnaf, data.caf.fr, taux de couverture petite enfance (Onape)"
SOURCE_CNAF_FILEAS = "Cnaf, fichier des allocataires (FILEAS / BCA)"


@dataclass(frozen=True)
class Indicateur:
    """Un indicateur du portrait, tel que les chargés d'études le nomment."""

    id: str
    libelle: str  # titre de graphique : « Taux de couverture petite enfance »
    libelle_court: str  # en-tête de colonne : « taux de couverture »
    nature: str  # compte | somme | taux | evolution | estimation
    unite: str  # unité affichée d'un nombre, « % » pour taux et évolutions
    source: str
    definition: str
    numerateur: str | None = None  # taux : numérateur / dénominateur × 100
    denominateur: str | None = None
    composantes: tuple[str, ...] = ()  # somme : total de comptes ; estimation : compte × taux / 100
    base: str | None = None  # évolution : compte dont on suit l'évolution
    sens_tension: int = 0  # +1 : plus c'est haut, plus il y a tension ; -1 : l'inverse

    @property
    def est_pourcentage(self) -> bool:
        """Vrai pour les taux, parts et évolutions (exprimés en %)."""
        return self.nature in ("taux", "evolution")


def _compte(id: str, libelle: str, court: str, unite: str, source: str, definition: str) -> Indicateur:
    return Indicateur(id, libelle, court, "compte", unite, source, definition)


def _taux(
    id: str, libelle: str, court: str, num: str, den: str, source: str, definition: str, sens: int = 0
) -> Indicateur:
    return Indicateur(id, libelle, court, "taux", "%", source, definition, num, den, sens_tension=sens)


MODES_ACCUEIL = (
    "places_psu",
    "places_mc_paje",
    "places_mam",
    "places_am",
    "places_prescolarisation",
    "places_garde_domicile",
)

# Fichier des allocataires de la Cnaf (par commune ou par IRIS) : id, libellé, libellé court, unité, définition.
# La colonne du fichier de chacun est dans imports/allocataires.py.
COMPTES_ALLOCATAIRES = (
    ("allocataires", "Allocataires", "allocataires", "allocataires",
     "Allocataires de la Caf (responsables d'un dossier) ayant droit à au moins une prestation au 31 décembre."),
    ("personnes_couvertes", "Personnes couvertes par la Caf", "personnes couvertes", "personnes",
     "Allocataires, leurs conjoints, enfants et autres personnes à charge."),
    ("allocataires_monoparents", "Allocataires monoparents", "monoparents", "allocataires",
     "Allocataires isolés ayant au moins un enfant à charge (familles monoparentales)."),
    ("allocataires_couples_avec_enfants", "Allocataires en couple avec enfants", "couples avec enfants",
     "allocataires", "Allocataires en couple ayant au moins un enfant à charge."),
    ("allocataires_avec_enfants", "Allocataires avec enfants", "allocataires avec enfants", "allocataires",
     "Allocataires ayant au moins un enfant à charge : monoparents et couples avec enfants (AM + ACAVENF)."),
    ("enfants_couverts", "Enfants couverts par la Caf", "enfants couverts", "enfants",
     "Enfants à charge des allocataires, de tous âges au sens des prestations familiales."),
    ("enfants_couverts_0_2", "Enfants de 0 à 2 ans couverts par la Caf", "enfants couverts 0-2 ans", "enfants",
     "Enfants de moins de 3 ans à charge des allocataires."),
    ("allocataires_rsa", "Allocataires du RSA", "allocataires RSA", "allocataires",
     "Allocataires percevant le revenu de solidarité active (RSA socle)."),
    ("allocataires_aah", "Allocataires de l'AAH", "allocataires AAH", "allocataires",
     "Allocataires percevant l'allocation aux adultes handicapés."),
    ("allocataires_prime_activite", "Allocataires de la prime d'activité", "allocataires prime d'activité",
     "allocataires", "Allocataires percevant la prime d'activité."),
    ("allocataires_aide_logement", "Allocataires d'une aide au logement", "allocataires aide au logement",
     "allocataires", "Allocataires percevant une aide au logement (APL, ALF ou ALS)."),
    ("allocataires_dependants_50", "Allocataires dont les ressources dépendent à 50 % ou plus des prestations",
     "allocataires dépendants à 50 %", "allocataires",
     "Allocataires dont les prestations Caf font au moins la moitié des ressources."),
)
# Parts des allocataires : id, numérateur, dénominateur, libellé, libellé court, définition
PARTS_ALLOCATAIRES = (
    ("part_personnes_couvertes", "personnes_couvertes", "population", "Part de la population couverte par la Caf",
     "part population couverte",
     "Personnes couvertes par la Caf parmi la population municipale (Insee, populations légales)."),
    ("part_allocataires_monoparents", "allocataires_monoparents", "allocataires_avec_enfants",
     "Part des monoparents parmi les allocataires avec enfants", "part monoparents",
     "Allocataires monoparents parmi les allocataires ayant au moins un enfant à charge : AM / (AM + ACAVENF)."),
    ("part_enfants_couverts_0_2", "enfants_couverts_0_2", "enfants_0_2",
     "Part des enfants de 0 à 2 ans couverts par la Caf", "part enfants 0-2 ans couverts",
     "Enfants de moins de 3 ans à charge des allocataires parmi les enfants de 0 à 2 ans du recensement (Insee). "
     "Les deux sources diffèrent (dates, champ) : la part peut dépasser 100 %."),
    ("part_allocataires_rsa", "allocataires_rsa", "allocataires", "Part des allocataires du RSA",
     "part allocataires RSA", "Allocataires du RSA parmi l'ensemble des allocataires."),
    ("part_allocataires_aah", "allocataires_aah", "allocataires", "Part des allocataires de l'AAH",
     "part allocataires AAH", "Allocataires de l'AAH parmi l'ensemble des allocataires."),
    ("part_allocataires_prime_activite", "allocataires_prime_activite", "allocataires",
     "Part des allocataires de la prime d'activité", "part allocataires prime d'activité",
     "Allocataires de la prime d'activité parmi l'ensemble des allocataires."),
    ("part_allocataires_aide_logement", "allocataires_aide_logement", "allocataires",
     "Part des allocataires d'une aide au logement", "part allocataires aide au logement",
     "Allocataires d'une aide au logement parmi l'ensemble des allocataires."),
    ("part_allocataires_dependants_50", "allocataires_dependants_50", "allocataires",
     "Part des allocataires dépendants à 50 % ou plus des prestations", "part allocataires dépendants à 50 %",
     "Allocataires dont les prestations font au moins la moitié des ressources, parmi l'ensemble des allocataires "
     "(la Cnaf publie aussi cette part parmi les seuls allocataires de référence de moins de 65 ans, hors "
     "étudiants : elle est alors plus forte)."),
)

CATALOGUE: tuple[Indicateur, ...] = (

    # Comptes à la maille communale (additifs)
    _compte("population", "Population municipale", "population", "habitants", SOURCE_POP_LEGALES,
            "Population municipale légale en vigueur au 1er janvier de l'année (recensement millésime N-3)."),
    _compte("naissances", "Nombre de naissances", "naissances", "naissances", SOURCE_ETAT_CIVIL,
            "Naissances domiciliées dans la commune au cours de l'année."),
    _compte("enfants_0_2", "Enfants de 0 à 2 ans", "enfants 0-2 ans", "enfants", SOURCE_RECENSEMENT,
            "Enfants de moins de 3 ans résidant dans la commune."),
    _compte("enfants_0_17", "Enfants de 0 à 17 ans", "enfants 0-17 ans", "enfants", SOURCE_RECENSEMENT,
            "Enfants de moins de 18 ans résidant dans la commune."),
    _compte("enfants_0_2_parents_actifs", "Enfants de 0 à 2 ans avec parents actifs",
            "enfants 0-2 ans avec parents actifs", "enfants", SOURCE_RECENSEMENT,
            "Enfants de moins de 3 ans dont les deux parents, ou le parent seul, ont un emploi."),
    _compte("familles_0_2", "Familles avec enfants de 0 à 2 ans", "familles avec enfants 0-2 ans",
            "familles", SOURCE_CNAF_ALLOC, "Familles allocataires ayant au moins un enfant de moins de 3 ans."),
    _compte("familles_0_2_bas_revenus", "Familles à bas revenus avec enfants de 0 à 2 ans",
            "familles à bas revenus avec enfants 0-2 ans", "familles", SOURCE_CNAF_ALLOC,
            "Familles allocataires à bas revenus ayant au moins un enfant de moins de 3 ans."),
    _compte("familles_0_2_monoparentales", "Familles monoparentales avec enfants de 0 à 2 ans",
            "familles monoparentales avec enfants 0-2 ans", "familles", SOURCE_CNAF_ALLOC,
            "Familles allocataires monoparentales ayant au moins un enfant de moins de 3 ans."),
    _compte("am_agreees", "Assistantes maternelles agréées", "AM agréées", "assistantes maternelles",
            SOURCE_CNAF_AM, "Assistantes maternelles titulaires d'un agrément au 31 décembre."),
    _compte("am_actives", "Assistantes maternelles actives", "AM actives", "assistantes maternelles",
            SOURCE_CNAF_AM, "Assistantes maternelles agréées ayant été employées dans l'année."),
    _compte("am_actives_moins_35", "Assistantes maternelles actives de moins de 35 ans", "AM moins de 35 ans",
            "assistantes maternelles", SOURCE_CNAF_AM, "Assistantes maternelles actives âgées de moins de 35 ans."),
    _compte("am_actives_35_49", "Assistantes maternelles actives de 35 à 49 ans", "AM 35-49 ans",
            "assistantes maternelles", SOURCE_CNAF_AM, "Assistantes maternelles actives âgées de 35 à 49 ans."),
    _compte("am_actives_50_59", "Assistantes maternelles actives de 50 à 59 ans", "AM 50-59 ans",
            "assistantes maternelles", SOURCE_CNAF_AM, "Assistantes maternelles actives âgées de 50 à 59 ans."),
    _compte("am_actives_60_plus", "Assistantes maternelles actives de 60 ans et plus", "AM 60 ans et plus",
            "assistantes maternelles", SOURCE_CNAF_AM,
            "Assistantes maternelles actives âgées de 60 ans et plus : départs en retraite dans les cinq ans."),
    _compte("places_am", "Places chez les assistantes maternelles", "places assistantes maternelles", "places",
            SOURCE_CNAF_OFFRE, "Places offertes aux moins de 3 ans par les assistantes maternelles à domicile."),
    _compte("places_mam", "Places en maisons d'assistantes maternelles (MAM)", "places MAM", "places",
            SOURCE_CNAF_OFFRE, "Places offertes par les assistantes maternelles exerçant en MAM."),
    _compte("places_mc_paje", "Places en micro-crèches Paje", "places MC Paje", "places", SOURCE_CNAF_OFFRE,
            "Places en micro-crèches financées par le complément de libre choix du mode de garde (Paje)."),
    _compte("places_psu", "Places en crèches PSU", "places PSU", "places", SOURCE_CNAF_OFFRE,
            "Places en établissements d'accueil du jeune enfant financés par la prestation de service unique."),
    _compte("places_prescolarisation", "Places en préscolarisation (enfants de 2 ans)", "places préscolarisation",
            "places", SOURCE_CNAF_OFFRE, "Enfants de 2 ans scolarisés en maternelle."),
    _compte("places_garde_domicile", "Places en garde à domicile", "places garde à domicile", "places",
            SOURCE_CNAF_OFFRE, "Enfants de moins de 3 ans gardés à domicile par un salarié."),
    # Somme de comptes
    Indicateur("places_total", "Capacité théorique d'accueil", "places, tous modes", "somme", "places",
               SOURCE_CNAF_OFFRE, "Somme des places de tous les modes d'accueil des moins de 3 ans.",
               composantes=MODES_ACCUEIL),
    # Taux et parts, en %
    _taux("taux_couverture", "Taux de couverture petite enfance", "taux de couverture", "places_total",
          "enfants_0_2", SOURCE_CNAF_OFFRE,
          "Places d'accueil pour 100 enfants de moins de 3 ans. Une valeur publiée est reprise telle quelle ; "
          "sinon, elle est calculée à partir des places et des enfants de 0 à 2 ans. Elle peut dépasser 100 %.",
          sens=-1),
    _taux("part_enfants_0_2", "Part des enfants de 0 à 2 ans", "part enfants 0-2 ans", "enfants_0_2",
          "enfants_0_17", SOURCE_RECENSEMENT, "Enfants de 0 à 2 ans parmi les enfants de 0 à 17 ans."),
    _taux("part_enfants_0_2_parents_actifs", "Part des enfants de 0 à 2 ans avec parents actifs",
          "part enfants 0-2 ans avec parents actifs", "enfants_0_2_parents_actifs", "enfants_0_2",
          SOURCE_RECENSEMENT,
          "Enfants de 0 à 2 ans dont les deux parents, ou le parent seul, ont un emploi, parmi les enfants "
          "de 0 à 2 ans.", sens=+1),
    _taux("part_familles_0_2_bas_revenus", "Part des familles à bas revenus avec enfants de 0 à 2 ans",
          "part familles à bas revenus", "familles_0_2_bas_revenus", "familles_0_2", SOURCE_CNAF_ALLOC,
          "Familles à bas revenus parmi les familles ayant un enfant de moins de 3 ans."),
    _taux("part_familles_0_2_monoparentales", "Part des familles monoparentales avec enfants de 0 à 2 ans",
          "part familles monoparentales", "familles_0_2_monoparentales", "familles_0_2", SOURCE_CNAF_ALLOC,
          "Familles monoparentales parmi les familles ayant un enfant de moins de 3 ans."),
    _taux("part_am_60_plus", "Part des assistantes maternelles de 60 ans et plus", "part AM 60 ans et plus",
          "am_actives_60_plus", "am_actives", SOURCE_CNAF_AM,
          "Assistantes maternelles actives de 60 ans et plus parmi les actives.", sens=+1),
    _taux("part_am_actives", "Part des assistantes maternelles agréées qui sont actives", "part AM actives",
          "am_actives", "am_agreees", SOURCE_CNAF_AM, "Assistantes maternelles actives parmi les agréées."),
    # Taux de couverture par mode, publiés par la Cnaf (data.caf.fr) : repris tels quels, jamais recalculés
    *(
        Indicateur(f"taux_couverture_{suffixe}", f"Taux de couverture : {libelle}", f"taux de couverture {court}",
                   "taux", "%", SOURCE_CNAF_OFFRE,
                   f"Places {libelle} pour 100 enfants de moins de 3 ans, telles que publiées par la Cnaf.")
        for suffixe, libelle, court in (
            ("eaje", "accueil collectif (EAJE)", "EAJE"),
            ("psu", "crèches PSU", "PSU"),
            ("hors_psu", "accueil collectif hors PSU (micro-crèches Paje)", "hors PSU"),
            ("prescolarisation", "préscolarisation", "préscolarisation"),
            ("individuel", "accueil individuel", "individuel"),
            ("am", "assistantes maternelles", "AM"),
            ("garde_domicile", "garde à domicile", "garde à domicile"),
        )
    ),
    # Évolutions, en %
    Indicateur("evolution_enfants_0_2", "Évolution du nombre d'enfants de 0 à 2 ans", "évolution enfants 0-2 ans",
               "evolution", "%", SOURCE_RECENSEMENT,
               f"Évolution du nombre d'enfants de 0 à 2 ans entre l'année N-{RECUL_EVOLUTION} et l'année N.",
               base="enfants_0_2", sens_tension=+1),
    Indicateur("evolution_naissances", "Évolution du nombre de naissances", "évolution naissances", "evolution",
               "%", SOURCE_ETAT_CIVIL,
               f"Évolution du nombre de naissances entre l'année N-{RECUL_EVOLUTION} et l'année N.",
               base="naissances"),
    *(
        Indicateur(f"evolution_{base}", f"Évolution : {libelle}", f"évolution {court}", "evolution", "%", source,
                   f"Évolution entre l'année N-{RECUL_EVOLUTION} et l'année N.", base=base)
        for base, libelle, court, source in (
            ("enfants_0_2_parents_actifs", "enfants de 0 à 2 ans avec parents actifs",
             "enfants 0-2 ans avec parents actifs", SOURCE_RECENSEMENT),
            ("familles_0_2_bas_revenus", "familles à bas revenus avec enfants de 0 à 2 ans",
             "familles à bas revenus", SOURCE_CNAF_ALLOC),
            ("familles_0_2_monoparentales", "familles monoparentales avec enfants de 0 à 2 ans",
             "familles monoparentales", SOURCE_CNAF_ALLOC),
            ("am_agreees", "assistantes maternelles agréées", "AM agréées", SOURCE_CNAF_AM),
            ("am_actives", "assistantes maternelles actives", "AM actives", SOURCE_CNAF_AM),
            ("am_actives_60_plus", "assistantes maternelles de 60 ans et plus", "AM 60 ans et plus", SOURCE_CNAF_AM),
            ("places_am", "places chez les assistantes maternelles", "places AM", SOURCE_CNAF_OFFRE),
            ("places_total", "capacité théorique d'accueil", "places, tous modes", SOURCE_CNAF_OFFRE),
        )
    ),
    # Fichier des allocataires : des comptes, et leurs parts calculées comme tout taux (somme des numérateurs sur
    # somme des dénominateurs, queries/_macros.sql)
    *(_compte(id, libelle, court, unite, SOURCE_CNAF_FILEAS, definition)
      for id, libelle, court, unite, definition in COMPTES_ALLOCATAIRES),
    *(_taux(id, libelle, court, num, den, SOURCE_CNAF_FILEAS, definition)
      for id, num, den, libelle, court, definition in PARTS_ALLOCATAIRES),
    # Estimation : les places que tiennent les assistantes maternelles proches de la retraite
    Indicateur("places_am_60_plus_estimees", "Places tenues par les AM de 60 ans et plus (estimation)",
               "places AM 60 ans et plus (estim.)", "estimation", "places", SOURCE_CNAF_AM,
               "Estimation : places chez les assistantes maternelles × part des actives de 60 ans et plus. "
               "Ce sont les places menacées par les départs en retraite dans les cinq ans.",
               composantes=("places_am", "part_am_60_plus")),
)

PAR_ID: dict[str, Indicateur] = {i.id: i for i in CATALOGUE}
COMPTES: tuple[str, ...] = tuple(i.id for i in CATALOGUE if i.nature == "compte")

# Les quatre colonnes du tableau « identification des tensions » du document 004.
INDICATEURS_TENSION = (
    "evolution_enfants_0_2",
    "part_am_60_plus",
    "part_enfants_0_2_parents_actifs",
    "taux_couverture",
)


# Page « Détail par indicateur » : les thèmes du document 004, et l'indicateur de chaque mode.
MODES_DETAIL = ("Nombre", "Part", "Évolution")
PART_DE = {num: id for id, num, *_ in PARTS_ALLOCATAIRES}  # allocataires_rsa -> part_allocataires_rsa
THEMES_DETAIL: dict[str, dict[str, str]] = {
    "assistantes maternelles 60 ans et plus": {
        "Nombre": "am_actives_60_plus", "Part": "part_am_60_plus", "Évolution": "evolution_am_actives_60_plus"},
    "enfants 0-2 ans": {"Nombre": "enfants_0_2", "Part": "part_enfants_0_2", "Évolution": "evolution_enfants_0_2"},
    "enfants 0-2 ans avec parents actifs": {
        "Nombre": "enfants_0_2_parents_actifs", "Part": "part_enfants_0_2_parents_actifs",
        "Évolution": "evolution_enfants_0_2_parents_actifs"},
    "familles à bas revenus avec enfants 0-2 ans": {
        "Nombre": "familles_0_2_bas_revenus", "Part": "part_familles_0_2_bas_revenus",
        "Évolution": "evolution_familles_0_2_bas_revenus"},
    "familles monoparentales avec enfants 0-2 ans": {
        "Nombre": "familles_0_2_monoparentales", "Part": "part_familles_0_2_monoparentales",
        "Évolution": "evolution_familles_0_2_monoparentales"},
    "places assistantes maternelles": {"Nombre": "places_am", "Évolution": "evolution_places_am"},
    "taux de couverture petite enfance": {"Part": "taux_couverture"},
    "naissances": {"Nombre": "naissances", "Évolution": "evolution_naissances"},
    "assistantes maternelles agréées": {"Nombre": "am_agreees", "Évolution": "evolution_am_agreees"},
    "assistantes maternelles actives": {
        "Nombre": "am_actives", "Part": "part_am_actives", "Évolution": "evolution_am_actives"},
    "capacité théorique d'accueil": {"Nombre": "places_total", "Évolution": "evolution_places_total"},
    "places AM de 60 ans et plus (estimation)": {"Nombre": "places_am_60_plus_estimees"},
    **{court: {"Nombre": id, **({"Part": PART_DE[id]} if id in PART_DE else {})}
       for id, _, court, _, _ in COMPTES_ALLOCATAIRES},
}
# Les groupes de thèmes, nommés dans le choix de l'indicateur (« Familles allocataires · monoparents »)
GROUPES_DETAIL: dict[str, tuple[str, ...]] = {
    "Familles allocataires": tuple(court for _, _, court, _, _ in COMPTES_ALLOCATAIRES),
}


def indicateur(id: str) -> Indicateur:
    """Rend l'indicateur du catalogue, ou lève une erreur en français s'il est inconnu."""
    try:
        return PAR_ID[id]
    except KeyError:
        raise KeyError(f"Indicateur inconnu : « {id} ». Indicateurs connus : {', '.join(PAR_ID)}.") from None


def libelle_theme(theme: str) -> str:
    """Le thème tel que le choix de l'indicateur le montre, précédé de son groupe s'il en a un."""
    groupe = next((g for g, themes in GROUPES_DETAIL.items() if theme in themes), None)
    return f"{groupe} · {theme}" if groupe else theme


def table_catalogue() -> pd.DataFrame:
    """Le catalogue sous forme de table, enregistrée dans DuckDB pour les requêtes."""
    return pd.DataFrame(
        {
            "indicateur": [i.id for i in CATALOGUE],
            "nature": [i.nature for i in CATALOGUE],
            "numerateur": [i.numerateur for i in CATALOGUE],
            "denominateur": [i.denominateur for i in CATALOGUE],
            "base": [i.base for i in CATALOGUE],
            "facteur_1": [i.composantes[0] if i.nature == "estimation" else None for i in CATALOGUE],
            "facteur_2": [i.composantes[1] if i.nature == "estimation" else None for i in CATALOGUE],
        }
    )


def table_composantes() -> pd.DataFrame:
    """Les composantes des indicateurs « somme » (places de chaque mode pour la capacité totale)."""
    lignes = [(i.id, c) for i in CATALOGUE if i.nature == "somme" for c in i.composantes]
    return pd.DataFrame(lignes, columns=["indicateur", "composante"])


# Valeurs plausibles : ce qu'un fichier importé peut donner (hors plage : refusé ; inhabituel : gardé et signalé)
ANNEE_MIN = 1990
TAUX_MAX = 1000.0  # % : un taux de couverture dépasse 100 % ; au-delà de 1 000 %, c'est une erreur de saisie
TAUX_USUEL_MAX = 100.0  # % : au-delà, gardé et signalé
FRACTION_MAX = 1.5  # une colonne de taux toute sous 1,5 : des fractions (0,76) au lieu de pourcentages (76) ?
# des taux dont les vraies valeurs sont de 0 à 2 % (data.caf.fr) : tout sous 1,5 n'y dit rien d'une erreur d'unité
TAUX_FAIBLES = ("taux_couverture_garde_domicile", "taux_couverture_hors_psu", "taux_couverture_prescolarisation")
SAUT_MAX = 3.0  # d'une année à la suivante, une valeur multipliée ou divisée par plus de 3 : unité changée ?
# … sauf si les deux valeurs sont sous ce seuil : 5 naissances puis 1 dans une petite commune est ordinaire (un import
# de toutes les communes en signalait 8 118, essai du 30 novembre) ; une erreur d'unité (× 100, × 1 000) le dépasse
SAUT_PLANCHER = 10.0
# comptes dénombrés, forcément entiers ; les autres (recensement, places) sont des estimations pondérées
COMPTES_ENTIERS = ("population", "naissances", "familles_0_2", "familles_0_2_bas_revenus",
                   "familles_0_2_monoparentales", "am_agreees", "am_actives", "am_actives_moins_35",
                   "am_actives_35_49", "am_actives_50_59", "am_actives_60_plus",
                   *(c[0] for c in COMPTES_ALLOCATAIRES))


@dataclass(frozen=True)
class Plage:
    """Les valeurs permises d'un indicateur importé : bornes, entier ou non, et le maximum usuel (au-delà : signalé)."""

    minimum: float
    maximum: float | None
    entier: bool
    usuel_max: float | None = None


def annee_max() -> int:
    """La dernière année qu'un fichier peut donner : l'année en cours."""
    return date.today().year


def plage(id: str) -> Plage:
    """La plage d'un indicateur : un compte est positif (entier s'il est dénombré), un taux va de 0 à 1 000 %."""
    nature = PAR_ID[id].nature
    if nature == "taux":
        return Plage(0.0, TAUX_MAX, False, TAUX_USUEL_MAX)
    if nature == "evolution":
        return Plage(-100.0, None, False)
    return Plage(0.0, None, id in COMPTES_ENTIERS)


def juger_valeur(id: str, valeur: float) -> tuple[str | None, str | None]:
    """(motif du refus, None) pour une valeur hors de sa plage ; (None, phrase) pour une valeur possible mais
    inhabituelle, gardée et signalée ; (None, None) sinon. Le motif compte les refus du rapport."""
    p = plage(id)
    if valeur < p.minimum:
        return f"{id} négatif" if p.minimum == 0 else f"{id} sous {p.minimum:g}", None
    if p.maximum is not None and valeur > p.maximum:
        return f"{id} au-delà de {p.maximum:,.0f} %".replace(",", "\u202f"), None
    if p.entier and not float(valeur).is_integer():
        return f"{id} non entier (un compte dénombré)", None
    if p.usuel_max is not None and valeur > p.usuel_max:
        return None, f"{id} au-delà de {p.usuel_max:g} % (gardé : possible, mais à vérifier)"
    return None, None
