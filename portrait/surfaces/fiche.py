"""Pour le COPIL : images au format diapositive (1 600 × 900) et « fiche territoire » en PPTX et en PDF."""

from __future__ import annotations

import copy
import io
import warnings
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from portrait.donnees import jeux
from portrait.donnees.requetes import Requetes
from portrait.regles import tensions
from portrait.vues import accueil as vue_accueil
from portrait.vues import commun, graphiques
from portrait.vues import cooperation as vue_cooperation
from portrait.vues import francais as fr
from portrait.vues import synthese as vue_synthese
from portrait.vues import tensions as vue_tensions

LARGEUR, HAUTEUR = 1600, 900
LIGNES_PAR_DIAPOSITIVE = 12  # tableau lisible en projection
MENTION_DEMO = "Données de démonstration : ce ne sont pas des statistiques officielles."
_serveur_demarre = False


def demarrer() -> None:
    """Un seul serveur Kaleido (Chromium) pour une série d'images ; pas de MathJax (pas de réseau)."""
    global _serveur_demarre
    if not _serveur_demarre:
        import kaleido

        pio.defaults.mathjax = None
        kaleido.start_sync_server(silence_warnings=True)
        _serveur_demarre = True


def pour_diapositive(fig: go.Figure, demo: bool) -> go.Figure:
    """La figure au format 16:9, polices agrandies, mention de démonstration en haut à droite."""
    f = copy.deepcopy(fig)
    f.update_layout(width=LARGEUR, height=HAUTEUR, font={"size": 17}, title={"font": {"size": 26}})
    if demo:
        f.add_annotation(text=MENTION_DEMO, xref="paper", yref="paper", x=1, y=1, yshift=75, showarrow=False,
                         xanchor="right", font={"size": 14, "color": "#B00020"})
    return f


def image(fig: go.Figure, format_: str = "png", demo: bool = False) -> bytes:
    """PNG ou SVG (ou page PDF) 1 600 × 900 d'une figure, avec son titre, sa source et la mention de démonstration."""
    demarrer()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The kopts argument is ignored")  # serveur Kaleido partagé
        return pio.to_image(pour_diapositive(fig, demo), format=format_, width=LARGEUR, height=HAUTEUR)


@dataclass
class Diapositive:
    """Une diapositive : un titre, une figure ou un tableau, une note de source."""

    titre: str
    note: str
    figure: go.Figure | None = None
    tableau: pd.DataFrame | None = None
    formats: dict = field(default_factory=dict)
    texte: str = ""


def morceaux(df: pd.DataFrame, n: int = LIGNES_PAR_DIAPOSITIVE) -> list[pd.DataFrame]:
    """Découpe un long tableau en tranches lisibles à l'écran."""
    return [df.iloc[i:i + n] for i in range(0, len(df), n)] or [df]


def texte_cellule(valeur, formateur) -> str:
    if formateur is not None:
        return formateur(valeur)
    return fr.NON_DISPONIBLE if fr.manquant(valeur) else str(valeur)


def diapositives(req: Requetes, territoire: str, annee: int, filtres: tensions.Filtres = tensions.Filtres()
                 ) -> tuple[list[Diapositive], str, bool]:
    """Le contenu de la fiche : synthèse (besoins, offre, adéquation), tensions (carte et tableau, avec les filtres
    donnés, rappelés sur la diapositive), coopération."""
    nom = jeux.territoire(req, territoire)["nom"]
    d, demo = diapositives_synthese(req, territoire, annee)
    cadre = jeux.cadre_tensions(req, territoire)
    d += diapositives_tensions(req, cadre, annee, filtres)
    d += diapositives_cooperation(req, cadre, annee, filtres)
    return d, nom, demo


def diapositive_figure(f: commun.Figure, texte: str = "") -> Diapositive:
    """La diapositive d'une figure de page : son titre et sa note, mot pour mot."""
    return Diapositive(f.titre, f.note, figure=f.figure, texte=texte)


def diapositive_tableau(t: commun.Tableau, texte: str = "") -> Diapositive:
    """La diapositive d'un tableau de page : son titre, ses cellules à la française, sa note."""
    return Diapositive(t.titre, t.note, tableau=t.valeurs, formats=t.formats, texte=texte)


def diapositives_synthese(req: Requetes, territoire: str, annee: int) -> tuple[list[Diapositive], bool]:
    """Besoins, offre, adéquation : les figures, tableaux et grands nombres mêmes de la page Synthèse."""
    vue = vue_synthese.synthese(req, territoire, annee)
    d = [
        diapositive_figure(vue.series_naissances, vue.naissances.phrase()),
        diapositive_figure(vue.series_enfants),
        diapositive_tableau(vue.besoins),
        diapositive_figure(vue.places),
        diapositive_tableau(vue.offre),
        diapositive_figure(vue.ages, vue.retraite.phrase()),
        diapositive_figure(vue.figure_couverture, vue.couverture.phrase()),
    ]
    return d, vue.demo


def diapositives_tensions(req: Requetes, cadre: str, annee: int, filtres: tensions.Filtres) -> list[Diapositive]:
    """Tensions SPPE, la vue de la page pour ces filtres (rappelés sur la diapositive) : sa carte, qui grise les
    unités hors filtre, et son tableau des unités retenues, avec les lignes de référence."""
    vue = vue_tensions.vue_tensions(req, cadre, annee, filtres)
    texte = f"{vue.filtres} {vue.decompte}."
    d = [Diapositive(f"Tensions SPPE, {vue.nom}, {annee}", vue.source, texte=texte, figure=vue.carte.figure)]
    tableau_t = vue.tableau.valeurs.drop(columns=["Compétences SPPE", "Code"], errors="ignore")
    parts = morceaux(tableau_t)
    for i, part in enumerate(parts):
        d.append(Diapositive(vue.tableau.titre + (f" ({i + 1}/{len(parts)})" if len(parts) > 1 else ""), vue.source,
                             tableau=part, formats=vue.tableau.formats, texte=texte if i == 0 else ""))
    return d


def diapositives_cooperation(req: Requetes, cadre: str, annee: int,
                             filtres: tensions.Filtres = tensions.Filtres()) -> list[Diapositive]:
    """Chargés de coopération CTG, la vue de la page : le tableau par EPCI, puis les priorités (tension SPPE des
    communes avec les filtres de la fiche, médianes de tous les EPCI de France)."""
    vue = vue_cooperation.vue_cooperation(req, cadre, annee, filtres=filtres)
    tableau_c = vue.tableau.valeurs[["EPCI", "ETP petite enfance", "ETP total", "ETP pour 1 000 enfants 0-2 ans",
                                     "Financement estimé (€)", "Alertes"]]
    d = [Diapositive(vue.tableau.titre, vue.note, tableau=part, formats=vue.tableau.formats)
         for part in morceaux(tableau_c, 10)]
    d.append(Diapositive(vue.priorites.titre, vue.note, figure=vue.priorites.figure, texte=vue.phrase_prioritaires))
    return d


def _pptx(d: list[Diapositive], titre: str, demo: bool, resume: list[str] = ()) -> bytes:
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.util import Emu, Inches, Pt

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    vide = prs.slide_layouts[6]

    def zone_texte(slide, x, y, w, h, texte, taille, gras=False, couleur=None):
        boite = slide.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h))
        boite.text_frame.word_wrap = True
        p = boite.text_frame.paragraphs[0]
        p.text = texte
        p.font.size, p.font.bold = Pt(taille), gras
        if couleur:
            p.font.color.rgb = RGBColor.from_string(couleur)
        return boite

    couverture = prs.slides.add_slide(vide)
    zone_texte(couverture, 0.8, 0.5, 11.7, 1.0, titre, 36, gras=True)
    zone_texte(couverture, 0.8, 1.5, 11.7, 0.6, f"Portrait de territoire petite enfance · fiche produite le "
               f"{date.today():%d/%m/%Y}", 18)
    boite = zone_texte(couverture, 0.8, 2.4, 11.7, 4.0, resume[0] if resume else "", 20)
    for phrase in resume[1:]:  # le résumé écrit de la page Accueil, une phrase par paragraphe
        p = boite.text_frame.add_paragraph()
        p.text, p.font.size, p.space_before = phrase, Pt(20), Pt(10)
    if demo:
        zone_texte(couverture, 0.8, 6.6, 11.7, 0.6, MENTION_DEMO, 16, couleur="B00020")
    for diapo in d:
        s = prs.slides.add_slide(vide)
        zone_texte(s, 0.4, 0.2, 12.5, 0.7, diapo.titre, 24, gras=True)
        haut = 0.95
        if diapo.texte:
            zone_texte(s, 0.4, 0.85, 12.5, 0.6, diapo.texte, 13)
            haut = 1.45
        if diapo.figure is not None:
            png = image(diapo.figure, "png", demo)
            hauteur = 6.9 - haut
            s.shapes.add_picture(io.BytesIO(png), Inches(0.4 + (12.5 - hauteur * 16 / 9) / 2), Inches(haut),
                                 height=Inches(hauteur))
        if diapo.tableau is not None:
            t = diapo.tableau
            forme = s.shapes.add_table(len(t) + 1, len(t.columns), Inches(0.4), Inches(haut), Inches(12.5),
                                       Inches(0.4 * (len(t) + 1)))
            for j, col in enumerate(t.columns):
                cellule = forme.table.cell(0, j)
                cellule.text = str(col)
                cellule.text_frame.paragraphs[0].font.size = Pt(12)
                cellule.text_frame.paragraphs[0].font.bold = True
                for i, v in enumerate(t[col]):
                    c = forme.table.cell(i + 1, j)
                    c.text = texte_cellule(v, diapo.formats.get(col))
                    c.text_frame.paragraphs[0].font.size = Pt(13)
            forme.width = Emu(Inches(12.5))
        zone_texte(s, 0.4, 6.95, 12.5, 0.5, diapo.note + (" " + MENTION_DEMO if demo else ""), 10,
                   couleur="5F5F5F")
    sortie = io.BytesIO()
    prs.save(sortie)
    return sortie.getvalue()


def figure_tableau(diapo: Diapositive) -> go.Figure:
    """Un tableau en figure (pour la page PDF), valeurs à la française."""
    t = diapo.tableau
    cellules = [[texte_cellule(v, diapo.formats.get(c)) for v in t[c]] for c in t.columns]
    # chaque colonne aussi large que son texte le plus long (un nom de commune ne se coupe pas : « Saint-Aubin-des-
    # Châteaux » était tronqué), ou que le plus long mot de son en-tête, qui passe à la ligne
    largeurs = [max([len(x) for x in col] + [len(m) for m in str(c).split()]) for c, col in zip(t.columns, cellules)]
    taille = 19 if len(t.columns) <= 8 else 15  # un tableau large (l'offre : 12 colonnes) garde ses mots entiers
    fig = go.Figure(go.Table(
        columnwidth=largeurs,
        header={"values": [f"<b>{c}</b>" for c in t.columns], "fill_color": "#E8EEF4", "align": "left",
                "font": {"size": taille}, "height": 46},
        cells={"values": cellules, "align": "left", "font": {"size": taille}, "height": 44}))
    graphiques.mise_en_page(fig, diapo.titre, diapo.note, hauteur=HAUTEUR)
    fig.update_layout(margin={"b": 100, "t": 130})
    if diapo.texte:
        fig.add_annotation(text=graphiques.couper(diapo.texte, 170), xref="paper", yref="paper", x=0, y=1, yshift=8,
                           showarrow=False, xanchor="left", yanchor="bottom", align="left", font={"size": 13})
    return fig


def _pdf(d: list[Diapositive], titre: str, demo: bool, resume: list[str] = ()) -> bytes:
    from pypdf import PdfReader, PdfWriter

    ecrivain = PdfWriter()
    couverture = go.Figure()
    couverture.add_annotation(text=f"<b>{titre}</b><br>Portrait de territoire petite enfance · fiche produite "
                              f"le {date.today():%d/%m/%Y}", x=0, y=1, xref="paper", yref="paper", showarrow=False,
                              xanchor="left", yanchor="top", align="left", font={"size": 34})
    couverture.add_annotation(text="<br><br>".join(graphiques.couper(p, 95) for p in resume), x=0, y=0.78,
                              xref="paper", yref="paper", showarrow=False, xanchor="left", yanchor="top",
                              align="left", font={"size": 26})
    if demo:
        couverture.add_annotation(text=MENTION_DEMO, x=0, y=0, xref="paper", yref="paper", showarrow=False,
                                  xanchor="left", yanchor="bottom", font={"size": 24, "color": "#B00020"})
    couverture.update_xaxes(visible=False)
    couverture.update_yaxes(visible=False)
    couverture.update_layout(template="plotly_white")
    pages = [couverture]
    for diapo in d:
        if diapo.figure is not None:
            fig = copy.deepcopy(diapo.figure)
            if diapo.texte:  # sous le titre, au-dessus de la figure (la marge haute s'agrandit pour elle)
                fig.update_layout(margin={"t": (fig.layout.margin.t or 95) + 65})
                fig.add_annotation(text=graphiques.couper(diapo.texte, 170), xref="paper", yref="paper", x=0, y=1,
                                   yshift=28, showarrow=False, xanchor="left", yanchor="bottom", align="left",
                                   font={"size": 13})
            pages.append(fig)
        else:
            pages.append(figure_tableau(diapo))
    for fig in pages:
        for page in PdfReader(io.BytesIO(image(fig, "pdf", demo))).pages:
            ecrivain.add_page(page)
    sortie = io.BytesIO()
    ecrivain.write(sortie)
    return sortie.getvalue()


def fiche(req: Requetes, territoire: str, annee: int, format_: str = "pptx",
          filtres: tensions.Filtres = tensions.Filtres()) -> bytes:
    """La fiche territoire d'un territoire et d'une année, en PPTX ou en PDF."""
    d, nom, demo = diapositives(req, territoire, annee, filtres)
    titre = f"{nom} · {annee}"
    resume = vue_accueil.accueil(req, territoire, annee).resume  # les phrases mêmes de la page Accueil
    return _pptx(d, titre, demo, resume) if format_ == "pptx" else _pdf(d, titre, demo, resume)
