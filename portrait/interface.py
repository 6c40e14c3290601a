"""Le bord Streamlit : connexion en cache, données en cache, sélecteur de territoire lié à l'URL."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from portrait import donnees, exports, graphiques, indicateurs, presentation
from portrait import tensions as regles  # interface.tensions est la requête
from portrait.base import DOSSIER_DONNEES, Chemins, connecter
from portrait.requetes import Requetes

FRANCE = "france"


def racine() -> str:
    """Le dossier de données de l'application (PORTRAIT_DATA_DIR pour les tests, data/ sinon)."""
    return os.environ.get("PORTRAIT_DATA_DIR", str(DOSSIER_DONNEES))


def signature(racine_: str) -> str:
    """Change quand un import ou une annulation modifie les données : la connexion est alors refaite."""
    chemins = Chemins(Path(racine_))
    fichiers = [chemins.demo, chemins.registre]
    return "|".join(f"{f.stat().st_mtime_ns}:{f.stat().st_size}" if f.exists() else "-" for f in fichiers)


@st.cache_resource(show_spinner=False, max_entries=2)
def _requetes(racine_: str, signature_: str) -> Requetes:
    return Requetes(connecter(racine_))


def requetes() -> tuple[Requetes, str]:
    """Les requêtes sur l'état courant des données, et la signature de cet état (clé des caches)."""
    r = racine()
    sig = signature(r)
    return _requetes(r, sig), sig


@st.cache_data(show_spinner=False, max_entries=500)
def portrait_territoire(sig: str, territoire: str, annee: int) -> pd.DataFrame:
    return donnees.portrait_territoire(requetes()[0], territoire, annee)


@st.cache_data(show_spinner=False, max_entries=500)
def etat_donnees(sig: str, territoire: str) -> pd.DataFrame:
    return donnees.etat_donnees(requetes()[0], territoire)


@st.cache_data(show_spinner=False, max_entries=500)
def choix_territoires(sig: str, niveau: str, parent: str) -> pd.DataFrame:
    return donnees.choix_territoires(requetes()[0], niveau, parent)


@st.cache_data(show_spinner=False, max_entries=100)
def infos_territoire(sig: str, territoire: str) -> dict:
    return donnees.territoire(requetes()[0], territoire)


@st.cache_data(show_spinner=False)
def annees(sig: str) -> list[int]:
    return donnees.annees_disponibles(requetes()[0])


@st.cache_data(show_spinner=False, max_entries=200)
def synthese(sig: str, territoire: str, annee: int) -> pd.DataFrame:
    return donnees.synthese(requetes()[0], territoire, annee)


@st.cache_data(show_spinner=False, max_entries=200)
def series_synthese(sig: str, territoire: str, ids: tuple[str, ...], annees: tuple[int, ...]) -> pd.DataFrame:
    return donnees.series_synthese(requetes()[0], territoire, list(ids), list(annees))


@st.cache_data(show_spinner=False, max_entries=200)
def detail(sig: str, territoire: str, id_indicateur: str, annee: int) -> pd.DataFrame:
    return donnees.detail(requetes()[0], territoire, id_indicateur, annee)


@st.cache_data(show_spinner=False, max_entries=200)
def serie(sig: str, territoires: tuple[str, ...], id_indicateur: str, annees: tuple[int, ...]) -> pd.DataFrame:
    return donnees.serie(requetes()[0], list(territoires), id_indicateur, list(annees))


@st.cache_data(show_spinner=False, max_entries=200)
def tensions(sig: str, territoire: str, annee: int, autres: tuple[str, ...]) -> pd.DataFrame:
    return donnees.tensions(requetes()[0], territoire, annee, autres=autres)


@st.cache_data(show_spinner=False, max_entries=100)
def contours(sig: str, territoire: str, unites: str = "communes") -> pd.DataFrame:
    from portrait import cartes

    return cartes.contours(requetes()[0], territoire, unites)


@st.cache_resource(show_spinner=False, max_entries=40)
def carte_tensions(sig: str, cadre: str, annee: int, nom_cadre: str, indicateur: str, methode: str, griser: bool,
                   filtres: regles.Filtres):
    """La carte d'une vue, gardée telle quelle et partagée entre les sessions (plotly_chart ne la modifie pas) :
    une vue rouverte ou partagée part aussitôt vers le navigateur, sans refaire la figure."""
    table = tensions(sig, cadre, annee, regles.indicateurs_a_lire(indicateur))
    evaluee = regles.evaluer(table, filtres)
    return graphiques.FigureFigee(presentation.carte_tensions(evaluee, contours(sig, cadre), indicateur, methode,
                                                              griser, filtres.zone, nom_cadre, annee))


@st.cache_data(show_spinner=False, max_entries=200)
def cadre_tensions(sig: str, territoire: str) -> str:
    return donnees.cadre_tensions(requetes()[0], territoire)


@st.cache_data(show_spinner=False, max_entries=100)
def cooperation(sig: str, territoire: str, annee: int, forfait: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    return donnees.cooperation(requetes()[0], territoire, annee, forfait)


@st.cache_data(show_spinner=False, max_entries=100)
def part_en_tension_par_epci(sig: str, territoire: str, annee: int) -> pd.DataFrame:
    return donnees.part_en_tension_par_epci(requetes()[0], territoire, annee)


@dataclass(frozen=True)
class Contexte:
    """Ce que l'utilisateur a choisi dans la barre latérale : le territoire et l'année."""

    territoire: str
    niveau: str
    code: str
    nom: str
    annee: int
    signature: str


def _initialiser_depuis_url(sig: str, liste_annees: list[int]) -> None:
    """Au premier affichage, le territoire et l'année viennent de l'URL partagée."""
    if "sel_departement" in st.session_state:
        return
    demande = st.query_params.get("territoire", donnees.TERRITOIRE_DEFAUT)
    try:
        info = infos_territoire(sig, donnees.lire_territoire(demande))
    except donnees.TerritoireInconnu as e:
        st.session_state["alerte_url"] = f"{e} Affichage de CA Pornic Agglo Pays de Retz."
        info = infos_territoire(sig, donnees.TERRITOIRE_DEFAUT)
    niveau = info["niveau"]
    st.session_state["sel_departement"] = (
        FRANCE if niveau in ("france", "region") else f"departement:{info['departement']}"
    )
    st.session_state["sel_epci"] = f"epci:{info['epci']}" if niveau in ("commune", "epci") and info["epci"] else None
    st.session_state["sel_commune"] = info["territoire"] if niveau == "commune" else None
    try:
        annee = int(st.query_params.get("annee", donnees.ANNEE_DEFAUT))
    except ValueError:
        annee = donnees.ANNEE_DEFAUT
    st.session_state["sel_annee"] = annee if annee in liste_annees else liste_annees[0]


def _oublier(*cles: str) -> None:
    for cle in cles:
        st.session_state[cle] = None


def _libelle(df: pd.DataFrame, tous: str):
    noms = dict(zip(df["territoire"], df["nom"] + " (" + df["code"] + ")"))
    return lambda t: tous if t is None else noms.get(t, t)


def choix_territoire() -> Contexte:
    """Le territoire et l'année choisis dans la barre latérale (au premier affichage : ceux de l'URL) ; l'URL suit.

    Les valeurs sont lues dans session_state avant que les listes ne soient dessinées : la barre latérale peut
    ainsi venir après la page, et le navigateur reçoit d'abord le contenu (la carte des tensions, notamment).
    """
    _, sig = requetes()
    _initialiser_depuis_url(sig, annees(sig))
    etat = st.session_state
    territoire = etat.get("sel_commune") or etat.get("sel_epci") or etat["sel_departement"]
    annee = int(etat["sel_annee"])
    ecrire_url(territoire=territoire, annee=annee)
    info = infos_territoire(sig, territoire)
    return Contexte(territoire, info["niveau"], info["code"], info["nom"], annee, sig)


def selecteur_territoire(ctx: Contexte) -> None:
    """Barre latérale : département, puis EPCI, puis commune, et l'année (les choix sont lus par choix_territoire)."""
    sig = ctx.signature
    if alerte := st.session_state.pop("alerte_url", None):
        st.sidebar.warning(alerte)
    deps = choix_territoires(sig, "departement", FRANCE)
    noms_dep = dict(zip(deps["territoire"], deps["code"] + " · " + deps["nom"]))
    st.sidebar.selectbox(
        "Département", [FRANCE, *deps["territoire"]], key="sel_departement",
        format_func=lambda t: "France entière" if t == FRANCE else noms_dep.get(t, t),
        on_change=_oublier, args=("sel_epci", "sel_commune"),
        help="Tapez un nom ou un numéro pour chercher.",
    )
    dep = st.session_state["sel_departement"]
    if dep != FRANCE:
        epcis = choix_territoires(sig, "epci", dep)
        st.sidebar.selectbox(
            "EPCI", [None, *epcis["territoire"]], key="sel_epci",
            format_func=_libelle(epcis, "Tout le département"), placeholder="Tout le département",
            on_change=_oublier, args=("sel_commune",), help="Intercommunalité (code Siren).",
        )
        communes = choix_territoires(sig, "commune", st.session_state["sel_epci"] or dep)
        st.sidebar.selectbox(
            "Commune", [None, *communes["territoire"]], key="sel_commune",
            format_func=_libelle(communes, "Toutes les communes"), placeholder="Toutes les communes",
            help="Code Insee de la commune.",
        )
    st.sidebar.selectbox("Année", annees(sig), key="sel_annee")


def contexte() -> Contexte:
    """Le choix de la barre latérale, pour les pages (posé par dashboard.py)."""
    return st.session_state["contexte"]


def bandeau_demo(demo: bool) -> None:
    """Le bandeau « Données de démonstration », sur chaque figure ou tableau qui en montre."""
    if demo:
        st.warning(presentation.BANDEAU_DEMO, icon=":material/science:")


def graphique(fig, cle: str | None = None, demo: bool = False, images: bool = True, **options):
    """Affiche une figure avec ses propres couleurs (pas le thème Streamlit) ; sous elle (images=True), ses images
    au format diapositive (PNG et SVG 1 600 × 900, titre, source et mention de démonstration compris), produites
    au clic. L'appareil photo de la barre d'outils donne toujours le PNG 1 600 × 900 de ce qui est à l'écran."""
    from portrait import diapositives

    config = {**graphiques.CONFIG_PLOTLY,
              "toImageButtonOptions": {**graphiques.CONFIG_PLOTLY["toImageButtonOptions"], "filename": cle or "figure"}}
    evenement = st.plotly_chart(fig, theme=None, config=config, width="stretch", key=cle, **options)
    if images and not st.session_state.get("presentation"):
        rangee = st.container(horizontal=True)
        nom = cle or "figure"
        rangee.download_button("Image PNG (diapositive)", lambda: diapositives.image(fig, "png", demo),
                               f"{nom}.png", "image/png", key=f"png_{nom}", icon=":material/image:", on_click="ignore")
        rangee.download_button("SVG", lambda: diapositives.image(fig, "svg", demo), f"{nom}.svg", "image/svg+xml",
                               key=f"svg_{nom}", on_click="ignore")
    return evenement


STYLE_PRESENTATION = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
.stSelectbox, .stMultiSelect, .stNumberInput, .stRadio, .stSlider, .stToggle, .stCheckbox, .stFileUploader,
.stDownloadButton, .stButton {
    display: none !important;
}
.st-key-quitter_presentation .stButton { display: block !important; }
.block-container { max-width: 100% !important; padding-top: 1.5rem !important; }
h1 { font-size: 2.6rem !important; }
</style>
"""


def mode_presentation() -> bool:
    """Mode présentation (bascule ou ?presentation=1) : ni barre latérale ni widgets, les figures en grand,
    les filtres courants gardés ; un bouton ramène au mode normal."""
    if "presentation" not in st.session_state:
        st.session_state["presentation"] = st.query_params.get("presentation") == "1"
    if st.session_state["presentation"]:
        st.query_params["presentation"] = "1"
        st.markdown(STYLE_PRESENTATION, unsafe_allow_html=True)
        st.button("Quitter le mode présentation", key="quitter_presentation", on_click=_quitter_presentation,
                  icon=":material/close_fullscreen:")
        return True
    if "presentation" in st.query_params:
        del st.query_params["presentation"]
    return False


def bascule_presentation() -> None:
    """Barre latérale : la bascule du mode présentation (son état est lu par mode_presentation)."""
    st.sidebar.toggle("Mode présentation", key="presentation", help="Pour une capture ou un écran partagé en COPIL.")


def _quitter_presentation() -> None:
    st.session_state["presentation"] = False


FILTRES_TENSIONS = "filtres_tensions"  # clé de session : la sélection de la page Tensions, pour la fiche


def telechargement_fiche(ctx: Contexte) -> None:
    """Barre latérale : la fiche territoire du territoire et de l'année choisis, en PPTX ou en PDF (au clic), avec
    les derniers filtres de la page Tensions (FILTRES_TENSIONS, rappelés sur la diapositive), sinon ceux par défaut."""
    from portrait import diapositives

    st.sidebar.markdown("**Fiche territoire (COPIL)**")
    rangee = st.sidebar.container(horizontal=True)
    nom = f"fiche_{ctx.territoire.replace(':', '_')}_{ctx.annee}"
    filtres = st.session_state.get(FILTRES_TENSIONS, regles.Filtres())
    rangee.download_button("PPTX", lambda: diapositives.fiche(requetes()[0], ctx.territoire, ctx.annee, "pptx",
                                                              filtres),
                           f"{nom}.pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                           key="fiche_pptx", on_click="ignore", icon=":material/slideshow:")
    rangee.download_button("PDF", lambda: diapositives.fiche(requetes()[0], ctx.territoire, ctx.annee, "pdf",
                                                             filtres),
                           f"{nom}.pdf", "application/pdf", key="fiche_pdf", on_click="ignore",
                           icon=":material/picture_as_pdf:")


def telechargements(df: pd.DataFrame, ids, nom_fichier: str, titre: str, note: str,
                    formats: dict[str, str] | None = None) -> None:
    """Deux boutons : CSV pour Excel (; et virgule décimale) et XLSX aux nombres réels, produits au clic
    (rien n'est calculé ni envoyé au navigateur tant qu'on ne clique pas)."""
    rangee = st.container(horizontal=True)
    rangee.download_button("CSV (Excel)", lambda: exports.csv_excel(df), f"{nom_fichier}.csv", "text/csv",
                           key=f"csv_{nom_fichier}", icon=":material/download:", on_click="ignore")
    rangee.download_button("XLSX", lambda: exports.xlsx(df, titre, note, formats or presentation.formats_excel(ids)),
                           f"{nom_fichier}.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           key=f"xlsx_{nom_fichier}", icon=":material/download:", on_click="ignore")


def parametre_url(cle: str, options: list, defaut) -> None:
    """Au premier affichage d'une page, la valeur d'un de ses widgets vient de l'URL (si elle est permise)."""
    if cle in st.session_state and st.session_state[cle] in options:
        return
    demande = st.query_params.get(cle)
    st.session_state[cle] = demande if demande in options else defaut


def parametres_url_liste(cle: str, options: list, defaut: list) -> None:
    """Comme parametre_url, pour une liste (« communes=44131,44136 »)."""
    if cle in st.session_state:
        return
    demande = st.query_params.get(cle)
    valeurs = [v for v in demande.split(",") if v in options] if demande else defaut
    st.session_state[cle] = valeurs


def ecrire_url(**valeurs) -> None:
    """Recopie les choix de la page dans l'URL : une vue partagée s'ouvre à l'identique. Une valeur None ou une liste
    vide (un seuil vidé, plus de commune choisie, aucun critère exigé) retire le paramètre : l'URL ne garde pas un
    choix abandonné, et la vue rouverte reprend la valeur par défaut. Seuls les changements partent vers le
    navigateur, en un message : chaque écriture de st.query_params en envoie un, que le navigateur traite."""
    a_ecrire = {}
    for cle, valeur in valeurs.items():
        if valeur is None or (isinstance(valeur, list | tuple) and not valeur):
            st.query_params.pop(cle, None)
            continue
        if isinstance(valeur, bool):
            texte = "true" if valeur else "false"
        else:
            texte = ",".join(valeur) if isinstance(valeur, list | tuple) else str(valeur)
        if st.query_params.get(cle) != texte:
            a_ecrire[cle] = texte
    if a_ecrire:
        st.query_params.update(a_ecrire)


def libelle_indicateur(id_indicateur: str) -> str:
    return indicateurs.indicateur(id_indicateur).libelle


def parametre_url_nombre(cle: str, defaut: float | None, mini: float, maxi: float) -> None:
    """Valeur numérique d'un widget lue dans l'URL au premier affichage (bornée), sinon la valeur par défaut."""
    if cle in st.session_state:
        return
    try:
        valeur = float(st.query_params[cle])
        st.session_state[cle] = min(max(valeur, mini), maxi)
    except (KeyError, ValueError):
        st.session_state[cle] = defaut


def reinitialiser(defauts: dict) -> None:
    """Rappel du bouton « Réinitialiser » : les widgets reprennent leurs valeurs par défaut."""
    for cle, valeur in defauts.items():
        st.session_state[cle] = valeur
        if cle in st.query_params:
            del st.query_params[cle]


def parametre_url_booleen(cle: str, defaut: bool) -> None:
    """Oui / non lu dans l'URL au premier affichage (« true », « false »), sinon la valeur par défaut."""
    if cle in st.session_state:
        return
    st.session_state[cle] = {"true": True, "false": False}.get(st.query_params.get(cle, ""), defaut)


def parametre_url_entier(cle: str, defaut: int, mini: int, maxi: int) -> None:
    """Entier lu dans l'URL au premier affichage (borné), sinon la valeur par défaut."""
    if cle in st.session_state:
        return
    try:
        st.session_state[cle] = min(max(int(st.query_params[cle]), mini), maxi)
    except (KeyError, ValueError):
        st.session_state[cle] = defaut
