"""Les éléments Streamlit partagés : sélecteur de territoire, figures, téléchargements, mode présentation."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from portrait.donnees import jeux
from portrait.imports.rapport import ANNEE_MAX, ANNEE_MIN
from portrait.regles import tensions as regles
from portrait.surfaces import exports
from portrait.surfaces.cache import annees, choix_territoires, donnees_france, infos_territoire, requetes
from portrait.surfaces.url import ecrire_url
from portrait.vues import cartes, commun, graphiques, texte
from portrait.vues import francais as fr

FRANCE = "france"


@dataclass(frozen=True)
class Contexte:
    """Ce que l'utilisateur a choisi dans la barre latérale : le territoire et l'année."""

    territoire: str
    niveau: str
    code: str
    nom: str
    annee: int
    signature: str


def _annee_de_l_url(liste_annees: list[int]) -> tuple[int, str | None]:
    """L'année de l'URL si elle a des données ; sinon l'année par défaut, et la phrase qui le dit."""
    defaut = jeux.annee_par_defaut(liste_annees)
    demande = st.query_params.get("annee")
    if demande is None:
        return defaut, None
    annee = int(demande) if demande.strip().isdigit() else None
    if annee in liste_annees:
        return annee, None
    return defaut, (f"Année « {demande} » {'illisible' if annee is None else 'absente des données'} (années "
                    f"disponibles : {min(liste_annees)} à {max(liste_annees)}). Affichage de {defaut}.")


def _initialiser_depuis_url(sig: str, liste_annees: list[int]) -> None:
    """Au premier affichage, le territoire et l'année viennent de l'URL partagée ; ce qui n'y est pas lisible est
    remplacé par la valeur par défaut, et la barre latérale le dit (alerte_url)."""
    if "sel_departement" in st.session_state:
        return
    alertes = []
    demande = st.query_params.get("territoire", jeux.TERRITOIRE_DEFAUT)
    try:
        info = infos_territoire(sig, jeux.lire_territoire(demande))
    except jeux.TerritoireInconnu as e:
        alertes.append(f"{e} Affichage de CA Pornic Agglo Pays de Retz.")
        info = infos_territoire(sig, jeux.TERRITOIRE_DEFAUT)
    niveau = info["niveau"]
    st.session_state["sel_departement"] = (
        FRANCE if niveau in ("france", "region") else f"departement:{info['departement']}"
    )
    st.session_state["sel_epci"] = f"epci:{info['epci']}" if niveau in ("commune", "epci") and info["epci"] else None
    st.session_state["sel_commune"] = info["territoire"] if niveau == "commune" else None
    st.session_state["sel_annee"], alerte_annee = _annee_de_l_url(liste_annees)
    alertes += [alerte_annee] if alerte_annee else []
    if alertes:
        st.session_state["alerte_url"] = "\n\n".join(alertes)


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


def bandeau_demo(demo: bool, zone=None) -> None:
    """Le bandeau « Données de démonstration », sur chaque figure ou tableau qui en montre ; `zone` : où l'écrire."""
    if demo:
        (zone or st).warning(commun.BANDEAU_DEMO, icon=":material/science:")


def resume(phrases: list[str], zone=None) -> None:
    """Le résumé écrit d'une page (vues/*.py : resume), en tête, en un paragraphe, lu tel quel (un nom de commune
    ou d'EPCI n'y devient pas du Markdown) ; `zone` : où l'écrire."""
    if phrases:
        (zone or st).markdown(texte.markdown_litteral(" ".join(phrases)))


def entete(vue, zone=None, bandeau: bool = True) -> None:
    """L'en-tête d'une page, le même partout : le titre de la vue, son sous-titre (`sous_titre` ou `legende`), son
    résumé écrit et (`bandeau`) le bandeau de démonstration ; `zone` : où l'écrire."""
    zone = zone or st
    zone.title(vue.titre)
    if sous_titre := getattr(vue, "sous_titre", None) or getattr(vue, "legende", None):
        zone.caption(sous_titre)
    resume(vue.resume, zone)
    if bandeau:
        bandeau_demo(vue.demo, zone)


def alternative(fig, cle: str, resume: str = "", donnees: pd.DataFrame | None = None) -> None:
    """Sous une figure, son alternative textuelle (RGAA) : un volet qui s'ouvre au clavier, avec ce que montre la
    figure en une phrase et ses données en tableau ; dessiné seulement ouvert (la page reste légère)."""
    titre = " ".join(re.sub("<[^>]+>", " ", (fig.layout.title.text or "")).split()) or "Figure"
    volet = st.expander(f"Lire la figure en texte : {titre}", key=f"alt_{cle}", on_change="rerun",
                        icon=":material/table_view:")
    if volet.open:
        volet.markdown(resume or f"{titre}. Les données de la figure sont dans le tableau ci-dessous.")
        donnees = commun.donnees_figure(fig) if donnees is None else donnees
        volet.html(commun.html_donnees(donnees, titre))


def graphique(fig, cle: str | None = None, demo: bool = False, images: bool = True, resume: str = "",
              donnees: pd.DataFrame | None = None, **options):
    """Affiche une figure avec ses propres couleurs (pas le thème Streamlit) ; sous elle (images=True), ses images
    au format diapositive (PNG et SVG 1 600 × 900 : titre, source et année, filtres d'une carte, mention de
    démonstration), produites au clic. En mode présentation : ni images, ni barre d'outils, ni volet."""
    from portrait.surfaces import fiche

    # sans l'appareil photo de la barre d'outils : il photographiait l'écran (carte cadrée pour l'écran, source en
    # 11 px) ; les images viennent des boutons, mis en page par fiche.pour_diapositive comme la fiche
    config = {**graphiques.CONFIG_PLOTLY, "modeBarButtonsToRemove": ["toImage"]}
    if en_presentation():  # aucune barre d'outils dans une capture
        config["displayModeBar"] = False
    evenement = st.plotly_chart(fig, theme=None, config=config, width="stretch", key=cle, **options)
    if images and not en_presentation():
        rangee = st.container(horizontal=True)
        nom = cle or "figure"
        rangee.download_button("Image PNG (diapositive)", lambda: fiche.image(fig, "png", demo),
                               f"{nom}.png", "image/png", key=f"png_{nom}", icon=":material/image:", on_click="ignore")
        rangee.download_button("SVG", lambda: fiche.image(fig, "svg", demo), f"{nom}.svg", "image/svg+xml",
                               key=f"svg_{nom}", on_click="ignore")
    if not en_presentation():
        alternative(fig, cle or "figure", resume, donnees)
    return evenement


HAUTEUR_PRESENTATION = 82  # % de la hauteur de la fenêtre : la carte en mode présentation
# la fenêtre supposée pour cadrer la carte en présentation (le serveur ne connaît pas celle du navigateur) : un écran
# 1 500 × 900, la carte sur HAUTEUR_PRESENTATION % de sa hauteur
FENETRE_PRESENTATION = (1400, 900)
STYLE_PRESENTATION = f"""
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
.stSelectbox, .stMultiSelect, .stNumberInput, .stRadio, .stSlider, .stToggle, .stCheckbox, .stFileUploader,
.stDownloadButton, .stButton, .stExpander {{
    display: none !important;
}}
/* le bouton de sortie se cache lui-même : invisible dans une capture, il paraît au survol ou au clavier (Tab) */
.st-key-quitter_presentation {{ position: fixed; top: 0.5rem; right: 0.5rem; z-index: 1000; opacity: 0; }}
.st-key-quitter_presentation:hover, .st-key-quitter_presentation:focus-within {{ opacity: 1; }}
.st-key-quitter_presentation .stButton {{ display: block !important; }}
.block-container {{ max-width: 100% !important; padding-top: 1rem !important; padding-bottom: 1rem !important; }}
.st-key-carte_tensions {{ height: {HAUTEUR_PRESENTATION}vh; }}
h1 {{ font-size: 2.2rem !important; padding-top: 0 !important; }}
</style>
"""


def en_presentation() -> bool:
    """Vrai en mode présentation (posé par mode_presentation, en tête de chaque page)."""
    return bool(st.session_state.get("presentation"))


def carte_presentation(fig):
    """La carte en mode présentation : sur HAUTEUR_PRESENTATION % de la fenêtre, le territoire recadré pour elle."""
    largeur, hauteur = FENETRE_PRESENTATION
    d = fig.to_dict()
    mise = {**d["layout"], "height": int(hauteur * HAUTEUR_PRESENTATION / 100)}
    return go.Figure({**d, "layout": cartes.recadrer(mise, largeur, mise["height"])})


def mode_presentation() -> bool:
    """Mode présentation (bascule ou ?presentation=1) : ni barre latérale ni widget, les figures en grand, les
    filtres courants gardés (dits en une phrase par la page) ; on en sort par l'URL (sans « presentation=1 ») ou par
    un bouton qui ne paraît qu'au survol ou au clavier (aucune capture ne le montre)."""
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
    from portrait.surfaces import fiche

    st.sidebar.markdown("**Fiche territoire (COPIL)**")
    rangee = st.sidebar.container(horizontal=True)
    nom = f"fiche_{ctx.territoire.replace(':', '_')}_{ctx.annee}"
    filtres = st.session_state.get(FILTRES_TENSIONS, regles.Filtres())
    # les repères nationaux de la page Coopération, en cache : la fiche ne les recalcule pas à chaque clic
    rangee.download_button("PPTX", lambda: fiche.fiche(requetes()[0], ctx.territoire, ctx.annee, "pptx", filtres,
                                                       donnees_france(ctx.signature, ctx.annee)),
                           f"{nom}.pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                           key="fiche_pptx", on_click="ignore", icon=":material/slideshow:")
    rangee.download_button("PDF", lambda: fiche.fiche(requetes()[0], ctx.territoire, ctx.annee, "pdf", filtres,
                                                      donnees_france(ctx.signature, ctx.annee)),
                           f"{nom}.pdf", "application/pdf", key="fiche_pdf", on_click="ignore",
                           icon=":material/picture_as_pdf:")


def telechargements(df: pd.DataFrame, ids, nom_fichier: str, titre: str, note: str,
                    formats: dict[str, str] | None = None) -> None:
    """Deux boutons : CSV pour Excel (; et virgule décimale) et XLSX aux nombres réels, produits au clic
    (rien n'est calculé ni envoyé au navigateur tant qu'on ne clique pas)."""
    rangee = st.container(horizontal=True)
    rangee.download_button("CSV (Excel)", lambda: exports.csv_excel(df), f"{nom_fichier}.csv", "text/csv",
                           key=f"csv_{nom_fichier}", icon=":material/download:", on_click="ignore")
    rangee.download_button("XLSX", lambda: exports.xlsx(df, titre, note, formats or commun.formats_excel(ids)),
                           f"{nom_fichier}.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           key=f"xlsx_{nom_fichier}", icon=":material/download:", on_click="ignore")


def chiffres(liste: list[commun.Chiffre], par_rangee: int | None = None) -> None:
    """De grands nombres (st.metric) en rangées ; la flèche suit le signe de l'écart, aucune pour un écart nul."""
    n = par_rangee or len(liste) or 1
    for debut in range(0, len(liste), n):
        for colonne, c in zip(st.columns(n), liste[debut:debut + n]):
            fleche = "auto" if c.ecart and c.ecart[0] in "+-" else "off"
            colonne.metric(c.libelle, c.valeur, c.ecart, delta_color="off", delta_arrow=fleche, help=c.aide)


def figure(f: commun.Figure, demo: bool, **options):
    """Une figure d'une vue, sous sa clé, avec ses images au format diapositive."""
    return graphique(f.figure, cle=f.cle, demo=demo, resume=f.resume, donnees=f.donnees, **options)


def tableau(t: commun.Tableau, transposer: bool = False, complement: str = "", telecharger: bool = True,
            entete: bool = True, hauteur: int | None = None, **options) -> None:
    """Un tableau d'une vue : son titre (`entete`), ses cellules à la française (ses formats, sinon virgule décimale ;
    le tri reste numérique), sa note, et ses téléchargements CSV et XLSX. `transposer` : un indicateur par ligne, un
    territoire par colonne ; `hauteur` : au-delà, le tableau défile."""
    if entete:
        st.subheader(t.titre)
    if hauteur is not None:
        options["height"] = min(38 + 35 * len(t.valeurs), hauteur)
    # placeholder : ce que le navigateur écrit dans une cellule vide (« None » sinon, quel que soit le Styler)
    if transposer:
        textes = commun.textes(t)
        st.dataframe(textes.set_index(textes.columns[0]).T, width="stretch", placeholder=fr.NON_DISPONIBLE,
                     **options)
    else:
        style = t.valeurs.style.format(decimal=",", thousands="\u202f", precision=2, na_rep=fr.NON_DISPONIBLE)
        st.dataframe(style.format(t.formats, na_rep=fr.NON_DISPONIBLE), hide_index=True, width="stretch",
                     placeholder=fr.NON_DISPONIBLE, **options)
    st.caption(f"{t.note} {complement}".strip())
    if telecharger:
        telechargements(t.valeurs, [], t.fichier, t.titre, t.note, formats=t.formats_excel)


def annee_des_donnees() -> int | None:
    """L'année d'un fichier qui ne la dit ni dans ses colonnes ni dans son nom (fichier des allocataires, Onape),
    demandée à l'analyste ; None tant qu'il ne l'a pas donnée."""
    annee = st.number_input("Année des données", min_value=ANNEE_MIN, max_value=ANNEE_MAX, value=None, step=1,
                            key="annee_donnees", placeholder="par exemple 2022",
                            help="Le fichier ne dit son année ni dans une colonne ni dans son nom.")
    return None if annee is None else int(annee)
