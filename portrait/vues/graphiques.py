"""Figures Plotly du portrait : couleurs fixes par niveau de comparaison, nombres à la française."""

from __future__ import annotations

import numbers

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from portrait.regles import catalogue
from portrait.vues import francais as fr

# Okabe-Ito, lisible par les daltoniens : une couleur par niveau de comparaison, la même sur chaque page.
COULEURS_ROLES = {
    "territoire": "#0072B2",  # le territoire choisi
    "epci": "#E69F00",
    "departement": "#009E73",
    "voisin": "#CC79A7",  # les autres départements de la région
    "france": "#555555",
    "commune": "#56B4E9",  # les communes d'un tableau de détail
}
# Les lignes de référence (EPCI, département, voisins, France) gardent leur couleur ; les communes suivies prennent
# les autres couleurs d'Okabe-Ito, puis, au-delà, les mêmes avec un autre symbole : aucune ne se confond avec l'EPCI.
OKABE_ITO = ("#0072B2", "#D55E00", "#56B4E9", "#000000", "#F0E442", "#E69F00", "#009E73", "#CC79A7")
ROLES_REFERENCE = ("epci", "departement", "voisin", "france")
COULEURS_COMMUNES = tuple(c for c in OKABE_ITO if c not in {COULEURS_ROLES[r] for r in ROLES_REFERENCE})
SYMBOLES_COMMUNES = ("circle", "square", "diamond", "triangle-up", "x")
COULEURS_MODES = {
    "places_psu": "#0072B2", "places_mc_paje": "#56B4E9", "places_mam": "#009E73", "places_am": "#E69F00",
    "places_prescolarisation": "#CC79A7", "places_garde_domicile": "#F0E442",
}
COULEURS_AGES = {
    "am_actives_moins_35": "#C6DBEF", "am_actives_35_49": "#6BAED6", "am_actives_50_59": "#2171B5",
    "am_actives_60_plus": "#D55E00",
}
POLICE = "Marianne, Arial, sans-serif"
GRIS_NOTE = "#5F5F5F"
# Le français de Plotly : `locale: "fr"` ne suffit pas, le dictionnaire n'est pas enregistré dans le Plotly de
# Streamlit ; la configuration de chaque figure l'apporte (config.locales). Barre d'outils, messages, mois et jours.
LOCALE_FR = {
    "dictionary": {
        "Autoscale": "Échelle automatique", "Box Select": "Sélection rectangulaire",
        "Compare data on hover": "Comparer les données au survol", "Download plot": "Télécharger le graphique",
        "Download plot as a PNG": "Télécharger le graphique en image PNG (diapositive)",
        "Download plot as JSON": "Télécharger le graphique en JSON", "Draw circle": "Tracer un cercle",
        "Draw closed freeform": "Tracer une forme fermée", "Draw line": "Tracer une ligne",
        "Draw open freeform": "Tracer une forme ouverte", "Draw rectangle": "Tracer un rectangle",
        "Erase active shape": "Effacer la forme active", "Lasso Select": "Sélection lasso",
        "Orbital rotation": "Rotation orbitale", "Pan": "Déplacer", "Reset": "Réinitialiser",
        "Reset axes": "Réinitialiser les axes", "Reset camera to default": "Vue 3D par défaut",
        "Reset camera to last save": "Dernière vue 3D enregistrée", "Reset view": "Réinitialiser la vue",
        "Reset views": "Réinitialiser les vues", "Share chart...": "Partager le graphique…",
        "Show closest data on hover": "Donnée la plus proche au survol", "Toggle Spike Lines": "Lignes de repère",
        "Toggle show closest data on hover": "Donnée la plus proche au survol (bascule)",
        "Turntable rotation": "Rotation plateau", "Zoom": "Zoom", "Zoom in": "Zoom avant", "Zoom out": "Zoom arrière",
        "Double-click to zoom back out": "Double-cliquez pour revenir à la vue d'ensemble",
        "Snapshot succeeded": "Image enregistrée",
        "Taking snapshot - this may take a few seconds": "Image en cours, quelques secondes…",
        "Sorry, there was a problem downloading your snapshot!": "L'image n'a pas pu être téléchargée.",
        "Produced with Plotly.js": "Produit avec Plotly.js", "new text": "nouveau texte",
        "trace": "série", "max": "max.", "min": "min.", "median": "médiane", "mean": "moyenne",
        "lower fence": "borne inférieure", "upper fence": "borne supérieure", "q1": "q1", "q3": "q3",
    },
    "format": {
        "days": ["Dimanche", "Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi"],
        "shortDays": ["Dim", "Lun", "Mar", "Mer", "Jeu", "Ven", "Sam"],
        "months": ["Janvier", "Février", "Mars", "Avril", "Mai", "Juin", "Juillet", "Août", "Septembre", "Octobre",
                   "Novembre", "Décembre"],
        "shortMonths": ["Janv.", "Févr.", "Mars", "Avr.", "Mai", "Juin", "Juil.", "Août", "Sept.", "Oct.", "Nov.",
                        "Déc."],
        "date": "%d/%m/%Y", "decimal": ",", "thousands": "\u202f",
    },
}
# sans toImageButtonOptions : ecran.graphique retire l'appareil photo de la barre d'outils ; les boutons PNG et SVG
# sous la figure font les images (fiche.pour_diapositive)
CONFIG_PLOTLY = {
    "displaylogo": False,
    "locale": "fr",
    "locales": {"fr": LOCALE_FR},
}


class FigureFigee(go.Figure):
    """Une figure gardée en cache et partagée entre les sessions, qu'on ne modifie plus : to_dict() rend sans copie
    le dictionnaire calculé une fois. st.plotly_chart appelle to_dict(), qui recopie toute la figure à chaque
    affichage (sous cProfile : 42 ms pour la Loire-Atlantique, 0,45 s pour les 1 255 EPCI). Une copie
    (copy.deepcopy) redevient une figure ordinaire."""

    def __init__(self, fig: go.Figure):
        super().__init__(fig)
        self._dictionnaire = super().to_dict()

    @classmethod
    def figer(cls, fig: go.Figure) -> FigureFigee:
        """Fige une figure qu'on vient de construire et que rien d'autre ne tient, sans la recopier : FigureFigee(fig)
        la reconstruit et en revalide chaque point (le quart du calcul d'une carte de département)."""
        fig.__class__ = cls
        fig._dictionnaire = go.Figure.to_dict(fig)
        return fig

    def to_dict(self) -> dict:
        return self._dictionnaire

    def __reduce__(self):
        return go.Figure, (super().to_dict(),)


def mise_en_page(fig: go.Figure, titre: str, note: str, hauteur: int = 420, titre_axe_x: bool = False) -> go.Figure:
    """Titre et légende en haut, note de source en bas (la marge grandit avec ses lignes), séparateurs français,
    couleurs explicites."""
    haut_note = 95 if titre_axe_x else 70
    bas = haut_note + 14 * couper(note).count("<br>")
    fig.update_layout(
        title={"text": titre, "x": 0, "xanchor": "left", "y": 0.98, "yanchor": "top", "font": {"size": 17}},
        separators=fr.SEPARATEURS_PLOTLY,
        template="plotly_white",
        font={"family": POLICE, "size": 13, "color": "#1E1E1E"},
        height=hauteur,
        margin={"l": 10, "r": 20, "t": 95, "b": bas},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "xanchor": "left", "title": None},
        paper_bgcolor="white",
        plot_bgcolor="white",
    )
    fig.add_annotation(text=couper(note), xref="paper", yref="paper", x=0, y=0, yshift=-(haut_note - 22),
                       showarrow=False, xanchor="left", yanchor="top", font={"size": 11, "color": GRIS_NOTE},
                       align="left")
    return graduations_entieres(fig)


def _nombre(v) -> bool:
    """Vrai pour un nombre connu (pas un nom de catégorie, pas une valeur manquante)."""
    return isinstance(v, numbers.Real) and not isinstance(v, bool) and not fr.manquant(v)


def _etendues(fig: go.Figure, axe: str) -> dict[str, tuple[float, float]]:
    """(minimum, maximum) de ce que montre chaque axe `axe` (x ou y) d'une figure, barres empilées cumulées."""
    autre = "y" if axe == "x" else "x"
    empile = fig.layout.barmode in ("stack", "relative")
    bornes: dict[str, list[float]] = {}
    cumuls: dict[tuple[str, object], float] = {}
    for trace in fig.data:
        valeurs = getattr(trace, axe, None) if axe in trace else None
        if valeurs is None:
            continue
        nom_axe = f"{axe}axis{(getattr(trace, f'{axe}axis') or axe)[1:]}"
        nombres = [float(v) for v in valeurs if _nombre(v)]
        bornes.setdefault(nom_axe, [0.0]).extend(nombres)
        if empile and trace.type == "bar" and getattr(trace, autre, None) is not None:
            for categorie, v in zip(getattr(trace, autre), valeurs):
                if _nombre(v) and v > 0:
                    cumuls[nom_axe, categorie] = cumuls.get((nom_axe, categorie), 0.0) + float(v)
    for (nom_axe, _), total in cumuls.items():
        bornes[nom_axe].append(total)
    return {nom: (min(v), max(v)) for nom, v in bornes.items()}


def graduations_entieres(fig: go.Figure) -> go.Figure:
    """Un axe gradué en entiers (« ,.0f ») dont les valeurs tiennent dans moins de 5 unités est gradué de 1 en 1 :
    sinon Plotly place ses graduations à 0 ; 0,2 ; 0,4… et l'axe lit « 0 0 0 1 1 1 » (une commune sans enfant)."""
    for axe in ("x", "y"):
        for nom_axe, (mini, maxi) in _etendues(fig, axe).items():
            if fig.layout[nom_axe].tickformat != ",.0f" or maxi - mini >= 5:
                continue
            fig.layout[nom_axe].update(dtick=1, tick0=0)
            if maxi - mini < 1:  # que des zéros, ou presque : l'axe va de 0 à 1, pas de -1 à 1
                fig.layout[nom_axe].update(range=[min(mini, 0), max(maxi, 0) + 1], autorange=False)
    return fig


def marquer_sans_valeur(fig: go.Figure, textes: dict[str, str], horizontal: bool) -> None:
    """Une étiquette là où une barre manque (« n.d. : aucun enfant de moins de 3 ans ») : une barre absente ne se
    lit pas. Une barre invisible garde au territoire sa place sur l'axe."""
    if not textes:
        return
    noms, zeros = list(textes), [0] * len(textes)
    invisible = {"showlegend": False, "hoverinfo": "skip", "marker": {"color": "rgba(0,0,0,0)"}}
    if horizontal:
        fig.add_bar(y=noms, x=zeros, orientation="h", **invisible)
    else:
        fig.add_bar(x=noms, y=zeros, **invisible)
    for nom, texte in textes.items():
        position = ({"x": 0, "y": nom, "xanchor": "left", "xshift": 8} if horizontal
                    else {"x": nom, "y": 0, "yanchor": "bottom"})
        fig.add_annotation(text=texte if horizontal else texte.replace(" : ", "<br>"), showarrow=False,
                           xref="x", yref="y", font={"color": GRIS_NOTE}, **position)


def couper(texte: str, largeur: int = 150) -> str:
    """Coupe une note trop longue en lignes (<br>) : plotly ne renvoie pas à la ligne tout seul."""
    import textwrap

    return "<br>".join(textwrap.wrap(texte, largeur))


def ligne_reference(fig: go.Figure, valeur: float, texte: str, couleur: str, verticale: bool, en_haut: bool = True):
    """Une ligne de référence en pointillés et son étiquette (add_vline/add_hline sont lents sur 1 000 barres)."""
    if verticale:
        fig.add_shape(type="line", x0=valeur, x1=valeur, y0=0, y1=1, xref="x", yref="paper",
                      line={"color": couleur, "dash": "dash", "width": 2})
        fig.add_annotation(x=valeur, y=1, yshift=2 if en_haut else 20, xref="x", yref="paper", text=texte,
                           showarrow=False, xanchor="left", yanchor="bottom", font={"color": couleur})
    else:
        fig.add_shape(type="line", x0=0, x1=1, y0=valeur, y1=valeur, xref="paper", yref="y",
                      line={"color": couleur, "dash": "dash", "width": 2})
        fig.add_annotation(x=1, y=valeur, xref="paper", yref="y", text=texte, showarrow=False, xanchor="right",
                           yanchor="bottom", font={"color": couleur})


def format_d3(id_indicateur: str) -> str:
    """Format d3 d'une valeur : « 16 130 », « 76,9 % »."""
    return ",.1f" if catalogue.indicateur(id_indicateur).est_pourcentage else ",.0f"


def suffixe(id_indicateur: str) -> str:
    return "\u00a0%" if catalogue.indicateur(id_indicateur).est_pourcentage else ""


def series_par_territoire(serie: pd.DataFrame, id_indicateur: str, titre: str, note: str) -> go.Figure:
    """Une petite courbe par territoire, chacune à son échelle : un EPCI et la France n'ont pas la même taille."""
    if serie.empty:
        return figure_vide(titre, note)
    ordre_noms = list(dict.fromkeys(serie["nom"]))
    fig = px.line(serie, x="annee", y="valeur", color="role", facet_col="nom", facet_col_wrap=4,
                  category_orders={"nom": ordre_noms}, color_discrete_map=COULEURS_ROLES, markers=True,
                  facet_col_spacing=0.06, custom_data=["nom"])
    fig.update_yaxes(matches=None, showticklabels=True, rangemode="tozero", title=None,
                     tickformat=format_d3(id_indicateur).replace(".1f", ".0f"), ticksuffix=suffixe(id_indicateur))
    fig.update_xaxes(title=None, dtick=2, tickformat="d")
    fig.for_each_annotation(lambda a: a.update(text=a.text.split("=", 1)[-1]))
    fig.update_traces(hovertemplate=f"%{{customdata[0]}}<br>%{{x}} : %{{y:{format_d3(id_indicateur)}}}"
                                    f"{suffixe(id_indicateur)}<extra></extra>")
    fig.update_layout(showlegend=False)
    lignes = (len(ordre_noms) + 3) // 4
    fig.update_layout(margin={"t": 95})
    return mise_en_page(fig, titre, note, hauteur=200 + 230 * lignes)


def figure_vide(titre: str, note: str) -> go.Figure:
    """Une figure sans valeur : « n.d. » écrit au milieu, pas d'axes gradués dans le vide."""
    fig = go.Figure()
    fig.add_annotation(text=f"Aucune valeur connue ({fr.NON_DISPONIBLE})", xref="paper", yref="paper", x=0.5, y=0.5,
                       showarrow=False, font={"size": 16, "color": GRIS_NOTE})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return mise_en_page(fig, titre, note, hauteur=260)


def barres_empilees(long: pd.DataFrame, couleurs: dict[str, str], libelles: dict[str, str], titre: str, note: str,
                    axe: str, pourcent: bool = True, sans_valeur: dict[str, str] | None = None) -> go.Figure:
    """Barres horizontales empilées, une par territoire (long : nom, composante, valeur) ; `sans_valeur` : le texte
    écrit à la place de la barre d'un territoire qui n'en a pas (nom -> « n.d. : aucun enfant… »)."""
    ordre_noms = list(dict.fromkeys(long["nom"]))
    fig = go.Figure()
    for comp, couleur in couleurs.items():
        part = long[(long["composante"] == comp) & long["valeur"].notna()]
        if part.empty:
            continue
        fig.add_bar(y=part["nom"], x=part["valeur"], name=libelles[comp], orientation="h",
                    marker={"color": couleur, "line": {"color": "white", "width": 0.5}},
                    hovertemplate=f"%{{y}}<br>{libelles[comp]} : %{{x:,.1f}}{' %' if pourcent else ''}<extra></extra>")
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    marquer_sans_valeur(fig, sans_valeur or {}, horizontal=True)
    fig.update_yaxes(categoryorder="array", categoryarray=ordre_noms[::-1], title=None)
    fig.update_xaxes(title=axe, ticksuffix="\u00a0%" if pourcent else "", tickformat=",.0f")
    return mise_en_page(fig, titre, note, hauteur=230 + 48 * len(ordre_noms), titre_axe_x=True)


def barres_comparaison(tableau: pd.DataFrame, id_indicateur: str, titre: str, note: str,
                       reference: tuple[str, float] | None = None, sans_valeur: dict[str, str] | None = None
                       ) -> go.Figure:
    """Une barre par territoire, colorée par niveau de comparaison, avec la valeur de référence marquée ;
    `sans_valeur` : le texte écrit à la place de la barre d'un territoire qui n'en a pas."""
    t = tableau.dropna(subset=[id_indicateur])
    fig = go.Figure()
    fig.add_bar(x=t["nom"], y=t[id_indicateur], marker_color=[COULEURS_ROLES[r] for r in t["role"]],
                name=catalogue.indicateur(id_indicateur).libelle_court,
                text=[fr.valeur(id_indicateur, v) for v in t[id_indicateur]], textposition="outside",
                hovertemplate=f"%{{x}} : %{{y:{format_d3(id_indicateur)}}}{suffixe(id_indicateur)}<extra></extra>")
    if reference is not None and not fr.manquant(reference[1]):
        ligne_reference(fig, reference[1], f"{reference[0]} : {fr.valeur(id_indicateur, reference[1])}",
                        COULEURS_ROLES["departement"], verticale=False)
    marquer_sans_valeur(fig, {n: sans_valeur.get(n, fr.NON_DISPONIBLE) for n in tableau["nom"]
                              if n not in set(t["nom"])} if sans_valeur is not None else {}, horizontal=False)
    fig.update_yaxes(title=None, ticksuffix=suffixe(id_indicateur), tickformat=",.0f", rangemode="tozero")
    fig.update_xaxes(title=None, categoryorder="array", categoryarray=list(tableau["nom"]))
    fig.update_layout(showlegend=False, bargap=0.35, barmode="stack")
    return mise_en_page(fig, titre, note, hauteur=440)


def barres_communes(detail: pd.DataFrame, id_indicateur: str, titre: str, note: str,
                    references: list[tuple[str, str, float]], surligne: str | None = None) -> go.Figure:
    """Les communes triées par valeur, barres horizontales, avec l'EPCI et le département en lignes de référence."""
    t = detail.dropna(subset=["valeur"]).sort_values("valeur")
    couleurs = [COULEURS_ROLES["territoire"] if c == surligne else COULEURS_ROLES["commune"] for c in t["territoire"]]
    fig = go.Figure()
    fig.add_bar(y=t["nom"], x=t["valeur"], orientation="h", marker_color=couleurs,
                hovertemplate=f"%{{y}} : %{{x:{format_d3(id_indicateur)}}}{suffixe(id_indicateur)}<extra></extra>")
    for i, (role, nom, valeur) in enumerate(references):
        if fr.manquant(valeur):
            continue
        ligne_reference(fig, valeur, f"{nom} : {fr.valeur(id_indicateur, valeur)}", COULEURS_ROLES[role],
                        verticale=True, en_haut=i == 0)
    fig.update_xaxes(title=None, ticksuffix=suffixe(id_indicateur), tickformat=",.0f")
    fig.update_yaxes(title=None, automargin=True)
    fig.update_layout(showlegend=False)
    mise_en_page(fig, titre, note, hauteur=min(230 + 18 * len(t), 12000))
    return fig.update_layout(margin={"t": 120})


def courbes(serie: pd.DataFrame, id_indicateur: str, titre: str, note: str) -> go.Figure:
    """Séries de quelques communes cochées, une couleur par commune, les références en pointillés."""
    fig = go.Figure()
    communes = 0
    for nom, s in serie.groupby("nom", sort=False):
        role = s["role"].iloc[0]
        reference = role in ROLES_REFERENCE
        couleur, symbole = COULEURS_ROLES.get(role), "circle"
        if not reference:  # une commune : une couleur qu'aucune ligne de référence ne porte
            couleur = COULEURS_COMMUNES[communes % len(COULEURS_COMMUNES)]
            symbole = SYMBOLES_COMMUNES[communes // len(COULEURS_COMMUNES) % len(SYMBOLES_COMMUNES)]
            communes += 1
        fig.add_scatter(x=s["annee"], y=s["valeur"], name=nom, mode="lines+markers", marker={"symbol": symbole},
                        line={"color": couleur, "dash": "dash" if reference else "solid"},
                        hovertemplate=f"{nom}<br>%{{x}} : %{{y:{format_d3(id_indicateur)}}}"
                                      f"{suffixe(id_indicateur)}<extra></extra>")
    fig.update_xaxes(title=None, dtick=1, tickformat="d")
    fig.update_yaxes(title=None, ticksuffix=suffixe(id_indicateur), tickformat=",.0f")
    return mise_en_page(fig, titre, note, hauteur=460)


def nuage_priorites(df: pd.DataFrame, seuil_x: float, seuil_y: float, titre: str, note: str) -> go.Figure:
    """Un point par EPCI : ETP petite enfance pour 1 000 enfants (x) contre part des communes en tension (y).
    Le quadrant haut-gauche, « forte tension, peu de coopération » (colonne `prioritaire`), est nommé ; les lignes
    sont les médianes de tous les EPCI de France."""
    fig = go.Figure()
    prioritaire = df["prioritaire"].astype(bool)
    for masque, couleur, nom in ((~prioritaire, COULEURS_ROLES["france"], "autres EPCI"),
                                 (prioritaire, "#D55E00", "forte tension, peu de coopération")):
        d = df[masque]
        fig.add_scatter(x=d["etp_pe_pour_1000_enfants_0_2"].fillna(0), y=d["part_communes_en_tension"], mode="markers",
                        name=nom, marker={"color": couleur, "size": 10, "line": {"color": "white", "width": 1}},
                        customdata=d[["nom"]].values,
                        hovertemplate="%{customdata[0]}<br>%{x:,.2f} ETP petite enfance pour 1 000 enfants"
                                      "<br>%{y:,.0f} % des communes en tension<extra></extra>")
    ligne_reference(fig, seuil_x, f"{fr.nombre(seuil_x, 2)} ETP (médiane France)", GRIS_NOTE, verticale=True)
    ligne_reference(fig, seuil_y, f"{fr.nombre(seuil_y, 0)} % en tension (médiane France)", GRIS_NOTE,
                    verticale=False)
    fig.add_annotation(text="<b>forte tension, peu de coopération</b>", xref="paper", yref="paper", x=0.01, y=0.99,
                       showarrow=False, xanchor="left", yanchor="top", font={"color": "#D55E00"})
    fig.update_xaxes(title="ETP petite enfance pour 1 000 enfants de 0 à 2 ans", tickformat=",.1f", rangemode="tozero")
    fig.update_yaxes(title="% des communes en tension", ticksuffix="\u00a0%", rangemode="tozero",
                     ticklabelstandoff=12)  # « 0 % » ne touche pas le « 0,0 » de l'axe horizontal
    lignes = couper(note).count("<br>")  # la note dit d'où viennent les lignes et quels filtres : toute lisible
    mise_en_page(fig, titre, note, hauteur=520 + 16 * lignes, titre_axe_x=True)
    fig.update_layout(margin={"b": 95 + 16 * lignes})
    # la légende dans le cadre, en haut à droite : au-dessus, elle recouvrait l'étiquette de la médiane d'ETP
    fig.update_layout(legend={"orientation": "v", "x": 0.99, "xanchor": "right", "y": 0.99, "yanchor": "top",
                              "bgcolor": "rgba(255,255,255,0.85)"})
    return fig


def boites(comptes: pd.DataFrame, titre: str, note: str) -> go.Figure:
    """Distribution des comptes d'activité (réunions, COPIL…) par thématique, en boîtes à moustaches."""
    fig = px.box(comptes, x="activite", y="nombre", color="thematique", points=False,
                 color_discrete_sequence=["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"])
    fig.update_xaxes(title=None)
    fig.update_yaxes(title="nombre dans l'année", rangemode="tozero")
    return mise_en_page(fig, titre, note, hauteur=460)
