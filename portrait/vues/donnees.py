"""Vue de la page Données : imports enregistrés et leur provenance ; colonnes d'un fichier non reconnu."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from urllib.parse import urlencode

import pandas as pd

from portrait.vues import francais

ACTIONS = {"import": "import", "annulation": "annulation d'import", "profil": "profil de colonnes"}
# les actions dont le journal compte des lignes et des valeurs. Une annulation n'en a pas à elle : les comptes de
# l'import annulé passaient pour son effet (« valeurs changées 108 555 » pour une annulation qui ne changeait rien,
# d'autres imports couvrant les mêmes valeurs ; essai du 30 novembre) ; la colonne « Import » dit lequel
IMPORTS = ("import",)
SANS_OBJET = "—"
COLONNE_AU = "Données d'alors"  # lien vers les pages telles qu'au moment de l'import (?au=<id>)


def lien_au(ident: str, adresse: dict[str, str]) -> str:
    """L'adresse de la vue courante (territoire, année, filtres : `adresse`, les paramètres de l'URL) avec les données
    telles qu'au moment de l'import `ident`."""
    return "?" + urlencode({**{k: v for k, v in adresse.items() if k != "au"}, "au": ident})


def libelle_importer(rapport) -> str:
    """Le bouton qui confirme un import : combien de valeurs, à la française (« Importer 209 250 valeurs »)."""
    n = rapport.lignes_gardees
    return f"Importer {francais.nombre(n)} valeur{'s' if n > 1 else ''}"


def tableau_imports(liste: pd.DataFrame, adresse: dict[str, str] | None = None) -> pd.DataFrame:
    """Les imports du registre, en français ; le lien « Données d'alors » garde la vue courante (`adresse`)."""
    return pd.DataFrame({
        "Import": liste["id"], "Date": liste["date"].map(lambda d: francais.date_heure(d, secondes=True)),
        "Source": liste["type"],
        "Fichier": liste["fichier_source"], "Lignes lues": liste["lignes_lues"].map(francais.nombre),
        "Valeurs gardées": liste["lignes_gardees"].map(francais.nombre),
        "État": liste["actif"].map({True: "actif", False: "annulé"}),
        "Empreinte SHA-256": liste["sha256"].str[:12],
        COLONNE_AU: [lien_au(i, adresse or {}) for i in liste["id"]],
    })


def imports_actifs(liste: pd.DataFrame) -> dict[str, str]:
    """Les imports qu'on peut annuler, du plus récent au plus ancien : identifiant -> « id · fichier · date »."""
    actifs = liste[liste["actif"]]
    return {i: f"{i} · {fichier} · {francais.date_heure(date)}"
            for i, fichier, date in zip(actifs["id"], actifs["fichier_source"], actifs["date"])}


def tableau_journal(journal: pd.DataFrame) -> pd.DataFrame:
    """Le journal des changements (registre.historique), en français : qui, quand, quoi, combien (lignes lues du
    fichier, valeurs gardées, valeurs remplacées ; « — » pour ce qui ne s'applique pas, un profil de colonnes)."""
    def textes(colonne: pd.Series) -> pd.Series:
        return colonne.map(lambda x: str(x) if pd.notna(x) and str(x) else "")

    def nombres(colonne: str) -> pd.Series:
        return pd.Series([francais.nombre(x) if action in IMPORTS else SANS_OBJET
                          for x, action in zip(journal[colonne], journal["action"])], index=journal.index, dtype=object)

    return pd.DataFrame({
        "Date": journal["date"].map(lambda d: francais.date_heure(d, secondes=True)), "Qui": journal["auteur"],
        "Action": journal["action"].map(lambda a: ACTIONS.get(a, a)), "Import": textes(journal["import"]),
        "Fichier": textes(journal["fichier_source"]), "Détail": textes(journal["detail"]),
        "Lignes lues": nombres("lignes_lues"), "Valeurs gardées": nombres("valeurs_gardees"),
        "Valeurs remplacées": nombres("valeurs_remplacees"), "Valeurs changées": nombres("valeurs_changees"),
        "Empreinte SHA-256": textes(journal["sha256"]).str[:12],
    })


def libelle_source_import(source: str | None) -> str:
    """Libellé d'une source dans le choix de la page Données."""
    from portrait.imports import sources

    if source is None:
        return "Reconnaître à partir des en-têtes"
    return sources.SOURCES[source].titre or sources.SOURCES[source].libelle


# Un fichier qu'aucune source ne reconnaît : ses colonnes, pour dire ce qu'elles contiennent (imports/correspondance.py)

NIVEAUX_LIBELLES = {"commune": "commune (code Insee)", "epci": "EPCI (Siren)", "departement": "département",
                    "region": "région", "france": "France entière"}
IGNORER = "ignorer"


@dataclass(frozen=True)
class Apercu:
    """Les colonnes d'un fichier déposé, telles que la page Données les montre pour en dire la correspondance."""

    entetes: tuple[str, ...]  # pliés : ce que la correspondance et les profils comparent
    bruts: dict[str, str]  # en-tête plié -> tel qu'écrit dans le fichier
    numeriques: tuple[str, ...]  # les colonnes de nombres, qui peuvent porter un indicateur
    colonnes: pd.DataFrame  # « Colonne », « Exemples » : trois valeurs de chacune
    proposition: tuple[str | None, str, str | None]  # colonne du code, niveau, colonne de l'année proposés d'office
    empreinte: str  # des en-têtes pliés : les choix de la page sont gardés pour un fichier aux mêmes en-têtes


def apercu(nom: str, octets: bytes) -> Apercu:
    """Le fichier déposé lu sans être validé : ses colonnes et trois valeurs de chacune ; illisible -> ErreurImport."""
    from portrait.imports import correspondance, depot

    colonnes = correspondance.colonnes(depot.lire_tableau(nom, octets))
    return Apercu(tuple(c.entete for c in colonnes), {c.entete: c.brut for c in colonnes},
                  tuple(c.entete for c in colonnes if c.numerique),
                  pd.DataFrame({"Colonne": [c.brut for c in colonnes],
                                "Exemples": [" ; ".join(c.exemples) or "(vide)" for c in colonnes]}),
                  correspondance.proposition(colonnes),
                  hashlib.sha256("\n".join(sorted({c.entete for c in colonnes})).encode()).hexdigest()[:8])


def libelle_indicateur(indicateur: str | None) -> str:
    """Un indicateur dans le choix de la page Données : libellé, unité et identifiant (on cherche l'un ou l'autre)."""
    from portrait.imports import correspondance

    if indicateur is None:
        return IGNORER
    return f"{correspondance.importables()[indicateur]} · {indicateur}"


def libelle_profil(profil) -> str:
    """Un profil de correspondance dans le choix de la page Données (None : le choix de tout dire soi-même)."""
    return "aucun : dire moi-même chaque colonne" if profil is None else f"{profil.nom} (enregistré le " \
        f"{francais.jour(profil.date)})"


def libelle_sur(libelle: str) -> bool:
    """Vrai si un libellé de choix s'affiche tel quel : rien que Streamlit lirait comme du Markdown (lettres,
    chiffres, espaces, . , ' ° % / « » - ( ) + et « _ » entre deux lettres). Sinon la page le montre au-dessus du
    choix, échappé (markdown_litteral), et le donne tel quel au choix sans l'afficher : l'aria-label, lu par un
    lecteur d'écran, reste le nom tel qu'écrit, sans barre oblique d'échappement."""
    return bool(re.fullmatch(r"[\w .,'°%/«»()+-]+", libelle)) and not re.search(r"(^|[\W])_|_([\W]|$)", libelle)


def libelle_colonne(brut: str) -> str:
    """Le libellé du choix de l'indicateur d'une colonne, son nom tel qu'écrit dans le fichier."""
    return f"Indicateur de la colonne « {brut} »"
