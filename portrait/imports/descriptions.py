"""Les fichiers de mesures publiés (Cnaf, Onape, Insee), décrits colonne par colonne : leur sens et toutes leurs
orthographes connues, ici seulement.

Une nouvelle source, ou une nouvelle orthographe d'une source connue, est une entrée de DESCRIPTIONS ; le lecteur
(sources.lignes_decrites) et le rapport (ce qu'il a compris) la prennent telle quelle. Les en-têtes sont comparés
par leur clé (lecture.cle_entete : sans casse, accents, espaces, points, tirets ni soulignés) : `Numéro.Département`,
`Numéro Département` et `numero_departement` sont une seule orthographe ; `numdep` en est une autre, à lister.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from portrait.imports.lecture import cle_entete

# Le sens d'une colonne
CODE = "code"  # le code du territoire de la ligne, au niveau `niveau` (ou à celui que dit la colonne NIVEAU)
NIVEAU = "niveau"  # le niveau du territoire de la ligne (GEO_OBJECT de l'Insee) : `valeurs` le traduit
ANNEE = "annee"  # l'année (2022, 2022-12-31 ou 31/12/2022 : l'année est gardée)
FILTRE = "filtre"  # garde les lignes dont la valeur est dans `valeurs` (EC_MEASURE = LVB : les naissances)
VALEUR = "valeur"  # une valeur de l'indicateur `indicateur`, au niveau de la ligne ou au sien (`niveau`)
LIBELLE = "libelle"  # un nom de territoire, lu pour rien
IGNOREE = "ignoree"  # connue mais sans indicateur au catalogue : dite au rapport (« colonne ignorée »), avec `motif`

SANS_INDICATEUR = "pas d'indicateur au catalogue"
MAILLES_CAF = ("com", "epci", "dep", "reg", "nat")  # suffixes des identifiants de champs data.caf.fr
FICTIFS = frozenset({"XX", "XXX", "XXXXX", "99999"})  # la ligne « XX » (total) des fichiers Cnaf


@dataclass(frozen=True)
class Colonne:
    """Une colonne d'une source : son sens et ses orthographes (`ids` : identifiants de champs ; `libelles` : les
    mêmes écrits en mots, tels quels, en snake_case ou passés par make.names de R)."""

    sens: str
    ids: tuple[str, ...] = ()
    libelles: tuple[str, ...] = ()
    niveau: str | None = None  # CODE : son niveau ; VALEUR : le sien, s'il n'est pas celui de la ligne (Onape)
    indicateur: str | None = None  # VALEUR : l'indicateur du catalogue
    motif_annee: str | None = None  # VALEUR : l'année dans le nom de la colonne (naisd(\d\d) : NAISD21 -> 2021)
    valeurs: dict[str, str | None] = field(default_factory=dict)  # NIVEAU : valeur -> niveau ; FILTRE : gardées
    motif: str = ""  # IGNOREE : pourquoi
    variante: str = ""  # la variante du fichier que cette colonne signale (export long, fichier large…)

    def cles(self) -> dict[str, bool]:
        """Les clés de ses orthographes -> vrai pour un identifiant de champ, faux pour un libellé."""
        return {**{cle_entete(o): False for o in self.libelles}, **{cle_entete(o): True for o in self.ids}}


@dataclass(frozen=True)
class Description:
    """Une source de mesures, décrite par ses colonnes."""

    nom: str  # identifiant de la source (sources.SOURCES)
    libelle: str  # dans le rapport et le registre
    editeur: str  # début de la phrase « reconnu » : « data.caf.fr », « Onape »…
    colonnes: tuple[Colonne, ...]
    annee_dans_le_nom: bool = False  # l'année vient du nom du fichier (TAUXCOUV2021.csv)
    national_sans_code: bool = False  # sans colonne de code : une ligne par année pour la France (txcouv_pe_nat)
    styles: bool = False  # la variante dit la forme des en-têtes (identifiants, libellés, snake_case, make.names)
    telechargement: str = ""  # où l'analyste trouve le fichier (README, message « source non reconnue »)


def par_maille(base: str) -> tuple[str, ...]:
    """Les identifiants data.caf.fr d'un champ pour chaque maille : txcouv -> txcouv_com, txcouv_epci…"""
    return tuple(f"{base}_{m}" for m in MAILLES_CAF)


def _caf(indicateur: str | None, base: str, *libelles: str) -> Colonne:
    """Une valeur data.caf.fr : son identifiant par maille et ses libellés ; sans indicateur, ignorée."""
    if indicateur is None:
        return Colonne(IGNOREE, par_maille(base), libelles, motif=SANS_INDICATEUR)
    return Colonne(VALEUR, par_maille(base), libelles, indicateur=indicateur)


CAF = Description(
    "caf", "data.caf.fr (taux de couverture ou places)", "data.caf.fr",
    (
        Colonne(ANNEE, ("annee",), ("Date référence", "Année")),
        Colonne(CODE, ("numcom", "codgeo", "depcom"),
                ("Numéro commune", "num_commune", "Code commune", "Code INSEE", "Code commune INSEE"),
                niveau="commune"),
        Colonne(CODE, ("numepci",), ("Numéro EPCI", "num_epci", "Code EPCI", "siren_epci"), niveau="epci"),
        Colonne(CODE, ("numdep",), ("Numéro département", "num_departement", "Code département"),
                niveau="departement"),
        Colonne(CODE, ("numreg",), ("Numéro région", "num_region", "Code région"), niveau="region"),
        Colonne(LIBELLE, ("nomcom", "nomepci", "nomdep", "nomreg"),
                ("Nom commune", "Nom EPCI", "Nom département", "Nom région", "Libellé commune")),
        # taux de couverture (en %)
        _caf("taux_couverture", "txcouv", "Taux de couv global"),
        _caf("taux_couverture_eaje", "txcouv_eaje", "Taux de couv EAJE ensemble"),
        _caf("taux_couverture_psu", "txcouv_psu_col", "Taux de couv EAJE PSU"),
        _caf("taux_couverture_hors_psu", "txcouv_hors_psu_col", "Taux de couv hors EAJE PSU"),
        _caf("taux_couverture_prescolarisation", "txcouv_prescol", "Taux de couv préscolarisation"),
        _caf("taux_couverture_individuel", "txcouv_ind", "Taux de couv accueil individuel ensemble"),
        _caf("taux_couverture_am", "txcouv_am_ind", "Taux de couv assistante maternelle"),
        _caf("taux_couverture_garde_domicile", "txcouv_gad_ind", "Taux de couv salariée à domicile"),
        # places (nombre)
        _caf("places_psu", "pl_psu_col", "Places EAJE PSU"),
        _caf("places_mc_paje", "pl_hors_psu_col", "Places hors EAJE PSU"),
        _caf(None, "pl_eaje", "Places EAJE ensemble"),
        _caf("places_prescolarisation", "pl_prescol", "Places préscolarisation"),
        _caf("places_am", "pl_am_ind", "Places assistante maternelle"),
        _caf("places_garde_domicile", "pl_gad_ind", "Places salariée domicile", "Places salariée à domicile"),
        _caf(None, "pl_ind", "Places accueil individuel ensemble"),
        _caf("places_total", "tot_offre", "Places offertes ensemble"),
    ),
    national_sans_code=True, styles=True,
    telechargement="data.caf.fr, jeux « Taux de couverture d'accueil du jeune enfant » et « Nombre de places "
                   "offertes pour les enfants de moins de 3 ans » (maille commune, EPCI, département, France), "
                   "export CSV",
)

ONAPE = Description(
    "onape", "Onape, taux de couverture (TAUXCOUVaaaa)",
    "Onape, taux de couverture par commune avec ceux de son EPCI, son département, sa région et la France",
    (
        Colonne(CODE, ("num_com",), niveau="commune"),
        Colonne(CODE, ("num_epci",), niveau="epci"),
        Colonne(LIBELLE, ("nom_com", "nom_epci")),
        Colonne(IGNOREE, ("numzempl", "nomzempl"), motif="zone d'emploi : niveau absent de l'outil"),
        Colonne(VALEUR, ("tauxcouv_comm", "tauxcouv_com"), indicateur="taux_couverture"),
        Colonne(VALEUR, ("tauxcouv_epci",), indicateur="taux_couverture", niveau="epci"),
        Colonne(VALEUR, ("tauxcouv_dep",), indicateur="taux_couverture", niveau="departement"),
        Colonne(VALEUR, ("tauxcouv_reg",), indicateur="taux_couverture", niveau="region"),
        Colonne(VALEUR, ("tauxcouv_nat", "tauxcouv_fe"), indicateur="taux_couverture", niveau="france"),
    ),
    annee_dans_le_nom=True,
    telechargement="fichiers TAUXCOUV2020.csv, TAUXCOUV2021.csv de l'Observatoire national de la petite enfance "
                   "(Onape, Cnaf), partagés entre Caf",
)

NIVEAUX_INSEE: dict[str, str | None] = {
    "COM": "commune", "DEP": "departement", "REG": "region", "FRANCE": "france", "FRA": "france", "FR": "france",
    "ARM": None,  # arrondissement municipal : la commune (75056…) est aussi dans le fichier
}

NAISSANCES = Description(
    "naissances", "Insee, naissances", "Insee, naissances",
    (
        # export long DS_ETAT_CIVIL_NAIS_COMMUNES (GEO, GEO_OBJECT, TIME_PERIOD, EC_MEASURE, OBS_VALUE)
        Colonne(CODE, ("geo",)),
        Colonne(NIVEAU, ("geo_object",), valeurs=NIVEAUX_INSEE),
        Colonne(ANNEE, ("time_period",)),
        Colonne(FILTRE, ("ec_measure",), valeurs=dict.fromkeys(("LVB", "NAIS", "LIVE_BIRTHS", "BIRTHS"))),
        Colonne(VALEUR, ("obs_value",), indicateur="naissances",
                variante="export long DS_ETAT_CIVIL_NAIS_COMMUNES"),
        # ancien fichier large base_naissances (CODGEO, NAISD16, NAISD17…)
        Colonne(CODE, ("codgeo",), niveau="commune"),
        Colonne(LIBELLE, ("libgeo",)),
        Colonne(VALEUR, indicateur="naissances", motif_annee=r"naisd(\d{2})",
                variante="fichier large base_naissances (NAISDaa)"),
    ),
    telechargement="insee.fr, « Naissances et décès par commune » (état civil, DS_ETAT_CIVIL_NAIS_COMMUNES), "
                   "ou l'ancien fichier base_naissances",
)

# Dans l'ordre où la reconnaissance les essaie.
DESCRIPTIONS: tuple[Description, ...] = (CAF, ONAPE, NAISSANCES)
