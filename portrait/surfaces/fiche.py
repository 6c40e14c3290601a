"""Pour le COPIL : images au format diapositive (1 600 × 900) et « fiche territoire » en PPTX et en PDF."""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from portrait.donnees import jeux
from portrait.donnees.requetes import Requetes
from portrait.regles import tensions
from portrait.vues import accueil as vue_accueil
from portrait.vues import cartes, commun, graphiques
from portrait.vues import cooperation as vue_cooperation
from portrait.vues import francais as fr
from portrait.vues import synthese as vue_synthese
from portrait.vues import tensions as vue_tensions

LARGEUR, HAUTEUR = 1600, 900
LIGNES_PAR_DIAPOSITIVE = 12  # tableau lisible en projection
MENTION_DEMO = "Données de démonstration : ce ne sont pas des statistiques officielles."
LANGUE = "fr-FR"
MARQUE = "●"

ONGLETS_KALEIDO = 2  # onglets de Chromium qui dessinent en même temps (deux cœurs)
TAILLE_SOURCE = 24  # px, sur une page de 1 600 px : une source lisible en projection
TAILLE_SOURCE_PPTX = 14  # pt
TAILLE_TEXTE = 22  # px : la phrase des filtres, sous le titre d'une page PDF
CARACTERES_TEXTE = 125  # caractères par ligne de cette phrase
CARACTERES_SOURCE = 110  # caractères par ligne d'une source de 24 px sur 1 600 px
CARACTERES_COLONNE = 28  # largeur (en caractères) d'une colonne de texte qui passe à la ligne
HAUTEUR_LIGNE_MAX = 130  # px : un tableau de trois lignes remplit aussi sa page
_kaleido: tuple | None = None  # (Kaleido ouvert, boucle asyncio du fil qui le tient), un par processus
_ouverture = threading.Lock()  # deux sessions qui demandent ensemble leur première image n'ouvrent qu'un Chromium


def _classe_kaleido():
    """Kaleido, moins le rechargement de l'onglet après chaque image : recharger relisait plotly.js (4,6 Mo de
    JavaScript) entre deux figures, de 0,3 à 0,5 s par page de la fiche, près de la moitié du temps des images.
    Rien ne passe d'une image à l'autre : Plotly.toImage dessine dans un élément qu'il détruit ensuite (une carte
    MapLibre rend son contexte WebGL), et la page PDF remplace l'image et le format de page de la précédente."""
    import kaleido

    class KaleidoSansRechargement(kaleido.Kaleido):
        async def _return_kaleido_tab(self, tab) -> None:
            await self.tabs_ready.put(tab)

    return KaleidoSansRechargement


def demarrer() -> tuple:
    """Un seul Chromium (Kaleido) pour toutes les images du processus, ouvert au premier appel, dans un fil qui fait
    tourner sa boucle asyncio (les sessions Streamlit s'y adressent ensemble) ; fermé à la sortie du processus. Pas
    de MathJax : Kaleido le demandait à un CDN (sans réseau) à chaque page."""
    global _kaleido
    with _ouverture:
        if _kaleido is None:
            import asyncio
            import atexit

            pio.defaults.mathjax = None
            boucle = asyncio.new_event_loop()
            threading.Thread(target=boucle.run_forever, name="kaleido", daemon=True).start()
            navigateur = _classe_kaleido()(n=ONGLETS_KALEIDO, mathjax=False)
            asyncio.run_coroutine_threadsafe(navigateur.open(), boucle).result()
            atexit.register(lambda: asyncio.run_coroutine_threadsafe(navigateur.close(), boucle).result(timeout=10))
            _kaleido = (navigateur, boucle)
    return _kaleido


def source_lisible(annotations: list[dict], source: bool, demo: bool) -> tuple[list[dict], int]:
    """Les annotations d'une figure, sa note de source (grise, sous le graphique) en 24 px et recoupée pour 1 600 px
    (elle restait à 11 px : illisible projetée), suivie en rouge de la mention de démonstration (en haut à droite,
    elle chevauchait les titres longs), ou retirée (source=False : la diapositive l'écrit elle-même) ; et la marge
    basse qu'il lui faut."""
    sortie, bas = [], 0
    for a in annotations:
        est_source = a.get("font", {}).get("color") == graphiques.GRIS_NOTE and a.get("y") == 0 and \
            a.get("yanchor") == "top"  # la note posée sous le graphique par graphiques.mise_en_page
        if not est_source:
            sortie.append(a)
        elif source:
            texte = graphiques.couper(a["text"].replace("<br>", " "), CARACTERES_SOURCE)
            texte += f"<br><span style='color:#B00020'>{MENTION_DEMO}</span>" if demo else ""
            decalage = abs(a.get("yshift", 0))
            sortie.append({**a, "text": texte, "font": {**a["font"], "size": TAILLE_SOURCE}})
            bas = decalage + 10 + int(TAILLE_SOURCE * 1.3) * (texte.count("<br>") + 1)
    return sortie, bas


def pour_diapositive(fig: go.Figure | dict, demo: bool, source: bool = True, texte: str = "") -> dict:
    """L'image exportée d'une figure (bouton PNG ou SVG, page PDF, image PPTX), en dictionnaire : la seule fonction
    qui la met en page. Format 16:9, polices agrandies, titre, phrase `texte` sous le titre (les filtres d'une
    diapositive), source lisible avec l'année, mention de démonstration ; la légende d'une carte dit déjà ses filtres,
    et son cadre est refait pour le territoire. source=False (PPTX) : ni titre ni source, la diapositive les écrit.
    Seule la mise en page est recopiée (une copie profonde de la carte des 207 communes coûtait 0,7 s par image)."""
    d = fig if isinstance(fig, dict) else fig.to_dict()
    mise = dict(d.get("layout", {}))
    titre = {**mise.get("title", {}), "font": {**mise.get("title", {}).get("font", {}), "size": 26}}
    mise.update(width=LARGEUR, height=HAUTEUR, font={**mise.get("font", {}), "size": 17},
                title=titre if source else {**titre, "text": ""})
    mise["annotations"], bas = source_lisible(mise.get("annotations", []), source, demo)
    marge = dict(mise.get("margin", {}))
    if bas:
        marge["b"] = max(bas, marge.get("b", 0))
    if texte:  # sous le titre, au-dessus de la figure et de sa légende : la marge haute s'agrandit pour elle
        texte_coupe = graphiques.couper(texte, CARACTERES_TEXTE)
        haut = marge.get("t", 95)
        marge["t"] = haut + 30 * (texte_coupe.count("<br>") + 1) + 20
        mise["annotations"] = [*mise["annotations"], {
            "text": texte_coupe, "xref": "paper", "yref": "paper", "x": 0, "y": 1, "yshift": haut - 50,
            "showarrow": False, "xanchor": "left", "yanchor": "bottom", "align": "left",
            "font": {"size": TAILLE_TEXTE}}]
    mise["margin"] = marge
    if demo and not bas and source:  # sans note de source (la couverture) : en haut à droite
        mise["annotations"] = [*mise.get("annotations", []), {
            "text": MENTION_DEMO, "xref": "paper", "yref": "paper", "x": 1, "y": 1, "yshift": 75, "showarrow": False,
            "xanchor": "right", "font": {"size": TAILLE_SOURCE, "color": "#B00020"}}]
    # une carte : le territoire remplit à nouveau le cadre, ses noms écrits en annotations
    return cartes.pour_image({**d, "layout": mise}, LARGEUR, HAUTEUR)


def images(figures: list[go.Figure], format_: str = "png", demo: bool = False, source: bool = True,
           textes: list[str] | None = None) -> list[bytes]:
    """Les images 1 600 × 900 de plusieurs figures en UN appel à Kaleido (ses onglets travaillent ensemble) : une
    fiche de 27 pages en faisait 27, d'une seconde chacun. `textes` : la phrase sous le titre de chacune."""
    import asyncio
    import tempfile
    from pathlib import Path

    navigateur, boucle = demarrer()
    textes = textes or [""] * len(figures)
    with tempfile.TemporaryDirectory() as dossier:
        chemins = [Path(dossier) / f"{i}.{format_}" for i in range(len(figures))]
        travaux = [{"fig": pour_diapositive(f, demo, source, t), "path": c,
                    "opts": {"format": format_, "width": LARGEUR, "height": HAUTEUR, "scale": 1}}
                   for f, t, c in zip(figures, textes, chemins)]
        # les cartes d'abord : MapLibre (WebGL) en dessine une en 1 à 2 s, cinq fois une autre page ; partie la
        # dernière, l'autre onglet l'attendait les bras croisés
        travaux.sort(key=lambda x: "map" not in x["fig"]["layout"])
        asyncio.run_coroutine_threadsafe(navigateur.write_fig_from_object(travaux, cancel_on_error=True),
                                         boucle).result()
        return [c.read_bytes() for c in chemins]


def image(fig: go.Figure, format_: str = "png", demo: bool = False) -> bytes:
    """PNG ou SVG (ou page PDF) 1 600 × 900 d'une figure, avec son titre, sa source et la mention de démonstration."""
    return images([fig], format_, demo)[0]


@dataclass
class Diapositive:
    """Une diapositive : un titre, une figure ou un tableau, une note de source."""

    titre: str
    note: str
    figure: go.Figure | None = None
    tableau: pd.DataFrame | None = None
    formats: dict = field(default_factory=dict)
    texte: str = ""
    couleurs: list[list[str]] | None = None  # fond de chaque cellule, par colonne (les cellules rouges des tensions)


def morceaux(df: pd.DataFrame, n: int = LIGNES_PAR_DIAPOSITIVE) -> list[pd.DataFrame]:
    """Découpe un long tableau en tranches lisibles à l'écran."""
    return [df.iloc[i:i + n] for i in range(0, len(df), n)] or [df]


def texte_cellule(valeur, formateur) -> str:
    if formateur is not None:
        return formateur(valeur)
    return fr.NON_DISPONIBLE if fr.manquant(valeur) else str(valeur)


def en_colonne(diapo: Diapositive) -> Diapositive:
    """Un tableau d'une seule ligne (les chargés de coopération d'un EPCI seul) posé en colonne : une ligne par
    en-tête, ses valeurs à la française en face ; il remplit la diapositive au lieu d'en laisser la moitié vide."""
    t = diapo.tableau
    if t is None or len(t) != 1 or diapo.couleurs or len(t.columns) < 3:
        return diapo
    premiere, autres = t.columns[0], list(t.columns[1:])
    valeurs = [texte_cellule(t[c].iloc[0], diapo.formats.get(c)) for c in autres]
    colonne = pd.DataFrame({str(premiere): autres, texte_cellule(t[premiere].iloc[0], diapo.formats.get(premiere)):
                            valeurs})
    return Diapositive(diapo.titre, diapo.note, tableau=colonne, texte=diapo.texte)


def diapositives(req: Requetes, territoire: str, annee: int, filtres: tensions.Filtres = tensions.Filtres(),
                 france: vue_cooperation.DonneesFrance | None = None) -> tuple[list[Diapositive], str, bool]:
    """Le contenu de la fiche : synthèse (besoins, offre, adéquation), tensions (carte et tableau, avec les filtres
    donnés, rappelés sur la diapositive), coopération."""
    nom = jeux.territoire(req, territoire)["nom"]
    d, demo = diapositives_synthese(req, territoire, annee)
    cadre = jeux.cadre_tensions(req, territoire)
    d += diapositives_tensions(req, cadre, annee, filtres)
    d += diapositives_cooperation(req, cadre, annee, filtres, france)
    return [en_colonne(x) for x in d], nom, demo


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
    texte = vue.phrase
    # la légende de la carte dit déjà les filtres (la phrase même) : la diapositive n'en redit que le décompte
    d = [Diapositive(f"Tensions SPPE, {vue.nom}, {annee}", vue.source, texte=f"{vue.decompte}.",
                     figure=vue.carte.figure)]
    colonnes = [c for c in vue.tableau.valeurs.columns if c not in ("Compétences SPPE", "Code")]
    tableau_t = textes_marques(vue)[colonnes]
    fonds = vue_tensions.styles_tensions(vue.tableau.valeurs, vue.lignes)[colonnes].map(fond)
    parts = morceaux(tableau_t)
    for i, part in enumerate(parts):
        d.append(Diapositive(vue.tableau.titre + (f" ({i + 1}/{len(parts)})" if len(parts) > 1 else ""), vue.source,
                             tableau=part, texte=(texte + " " if i == 0 else "") + legende_marque(vue.par_epci),
                             couleurs=[list(fonds.loc[part.index, c]) for c in colonnes]))
    return d


def legende_marque(par_epci: bool) -> str:
    """Ce que disent la marque et le rouge des cellules du tableau des tensions."""
    return f"{MARQUE} : critère de tension rempli ; rouge : {vue_tensions.reference_tensions(par_epci)[1]} dans le " \
           "sens de la tension."


def fond(css: str) -> str:
    """Le fond d'une cellule du tableau des tensions (son style CSS) en couleur opaque « #RRGGBB » : le rouge
    transparent mêlé au blanc, comme à l'écran ; blanc sans style."""
    import re

    m = re.search(r"background-color:\s*(#[0-9A-Fa-f]{6}|rgba\(([^)]*)\))", css or "")
    if not m:
        return "#FFFFFF"
    if m.group(1).startswith("#"):
        return m.group(1).upper()
    r, g, b, a = (float(x) for x in m.group(2).split(","))
    return "#" + "".join(f"{round(255 - a * (255 - c)):02X}" for c in (r, g, b))


def textes_marques(vue: vue_tensions.VueTensions) -> pd.DataFrame:
    """Les cellules du tableau des tensions telles qu'on les lit, chaque critère rempli marqué « ● » : la couleur
    n'est pas seule à le dire (daltoniens, impression en noir et blanc)."""
    t = vue.tableau
    sortie = commun.textes(t)
    for ind, libelle in vue_tensions.COLONNES_TENSION.items():
        rempli = vue.lignes[f"critere_{ind}"].fillna(False).to_numpy(dtype=bool) & (vue.lignes["ordre"] == 0).to_numpy()
        sortie[libelle] = [f"{x} {MARQUE}" if r else x for x, r in zip(sortie[libelle], rempli)]
    return sortie


def diapositives_cooperation(req: Requetes, cadre: str, annee: int, filtres: tensions.Filtres = tensions.Filtres(),
                             france: vue_cooperation.DonneesFrance | None = None) -> list[Diapositive]:
    """Chargés de coopération CTG, la vue de la page : le tableau par EPCI, puis les priorités (tension SPPE des
    communes avec les filtres de la fiche, médianes de tous les EPCI de France)."""
    vue = vue_cooperation.vue_cooperation(req, cadre, annee, filtres=filtres, france=france)
    tableau_c = vue.tableau.valeurs[["EPCI", "ETP petite enfance", "ETP total", "ETP pour 1 000 enfants 0-2 ans",
                                     "Financement estimé (€)", "Alertes"]]
    d = [Diapositive(vue.tableau.titre, vue.note, tableau=part, formats=vue.tableau.formats)
         for part in morceaux(tableau_c, 10)]
    d.append(Diapositive(vue.priorites.titre, vue.note, figure=vue.priorites.figure, texte=vue.phrase_prioritaires))
    return d


def hauteur_texte(texte: str, taille: float, largeur: float = 12.5) -> float:
    """La hauteur (pouces) d'un texte de `taille` points sur `largeur` pouces, ses lignes comptées large (un
    caractère moyen fait un peu plus d'une demi-taille de large) : la boîte suivante se pose dessous."""
    import math

    par_ligne = int(largeur * 72 / (taille * 0.55))
    return 0.12 + math.ceil(max(len(texte), 1) / par_ligne) * taille * 1.25 / 72


def texte_alternatif(diapo: Diapositive) -> str:
    """Le texte alternatif d'une image de la fiche : son titre, la phrase qui l'accompagne et sa source."""
    return " ".join(x for x in (diapo.titre + ".", diapo.texte, diapo.note) if x)


def _pptx(d: list[Diapositive], titre: str, demo: bool, resume: list[str] = ()) -> bytes:
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.util import Emu, Inches, Pt

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    vide = prs.slide_layouts[6]

    prs.core_properties.title, prs.core_properties.language = titre, LANGUE
    prs.core_properties.subject = "Portrait de territoire petite enfance"
    figures = [x.figure for x in d if x.figure is not None]
    pngs = iter(images(figures, "png", demo, source=False))  # un seul appel à Kaleido ; la source est écrite dessous

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
        haut = 0.2 + hauteur_texte(diapo.titre, 24)
        zone_texte(s, 0.4, 0.2, 12.5, haut - 0.2, diapo.titre, 24, gras=True)
        if diapo.texte:  # sous le titre, à la hauteur de ses lignes : plus de texte sur texte
            zone_texte(s, 0.4, haut, 12.5, hauteur_texte(diapo.texte, 14), diapo.texte, 14)
            haut += hauteur_texte(diapo.texte, 14)
        source = diapo.note + (" " + MENTION_DEMO if demo else "")
        bas = 7.4 - hauteur_texte(source, TAILLE_SOURCE_PPTX)
        if diapo.figure is not None:
            hauteur = min(bas - 0.05 - haut, 12.5 * 9 / 16)
            image_ = s.shapes.add_picture(io.BytesIO(next(pngs)), Inches(0.4 + (12.5 - hauteur * 16 / 9) / 2),
                                          Inches(haut), height=Inches(hauteur))
            image_._element.nvPicPr.cNvPr.set("descr", texte_alternatif(diapo))
        if diapo.tableau is not None:
            t = diapo.tableau
            ligne = min(0.5, (bas - 0.1 - haut) / (len(t) + 1.5))  # les lignes remplissent la place, sans déborder
            forme = s.shapes.add_table(len(t) + 1, len(t.columns), Inches(0.4), Inches(haut), Inches(12.5),
                                       Inches(ligne * (len(t) + 1)))
            for j, col in enumerate(t.columns):
                cellule = forme.table.cell(0, j)
                cellule.text = str(col)
                cellule.text_frame.paragraphs[0].font.size = Pt(14)
                cellule.text_frame.paragraphs[0].font.bold = True
                for i, v in enumerate(t[col]):
                    c = forme.table.cell(i + 1, j)
                    c.text = texte_cellule(v, diapo.formats.get(col))
                    c.text_frame.word_wrap = True  # un nom long passe à la ligne, jamais coupé
                    c.text_frame.paragraphs[0].font.size = Pt(14)
                    if diapo.couleurs:
                        c.fill.solid()
                        c.fill.fore_color.rgb = RGBColor.from_string(diapo.couleurs[j][i][1:])
                        c.text_frame.paragraphs[0].font.color.rgb = RGBColor.from_string("1E1E1E")
            forme.width = Emu(Inches(12.5))
        zone_texte(s, 0.4, bas, 12.5, 7.45 - bas, source, TAILLE_SOURCE_PPTX, couleur="5F5F5F")
    for forme in (f for s in prs.slides for f in s.shapes):  # chaque texte en français (lecteurs d'écran, correcteur)
        for run in forme._element.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}r"):
            run.get_or_add_rPr().set("lang", LANGUE)
    sortie = io.BytesIO()
    prs.save(sortie)
    return sortie.getvalue()


def lignes_entete(colonnes, largeurs: list[int], taille: int) -> int:
    """Le nombre de lignes du plus haut en-tête d'un tableau de la page PDF, ses mots renvoyés à la ligne."""
    import textwrap

    total = sum(largeurs)
    return max(len(textwrap.wrap(str(c), max(1, int((LARGEUR - 40) * w / total / (0.62 * taille)) - 1)) or [""])
               for c, w in zip(colonnes, largeurs))


def figure_tableau(diapo: Diapositive) -> go.Figure:
    """Un tableau en figure (pour la page PDF), valeurs à la française."""
    t = diapo.tableau
    cellules = [[texte_cellule(v, diapo.formats.get(c)) for v in t[c]] for c in t.columns]
    # chaque colonne aussi large que son texte le plus long (un nom de commune ne se coupe pas : « Saint-Aubin-des-
    # Châteaux » était tronqué), ou que le plus long mot de son en-tête, qui passe à la ligne
    # un texte à espaces (les alertes) passe à la ligne : sa colonne n'a que la largeur de son plus long mot (28
    # caractères au moins) ; un nom composé (« Saint-Hilaire-de-Chaléons ») garde toute sa longueur
    largeurs = [max([min(len(x), max([CARACTERES_COLONNE, *map(len, x.split())])) for x in col]
                    + [len(m) for m in str(c).split()]) for c, col in zip(t.columns, cellules)]
    texte = graphiques.couper(diapo.texte, CARACTERES_TEXTE)
    haut = 100 + (30 * (texte.count("<br>") + 1) + 10 if diapo.texte else 0)
    # la source (24 px, mention de démonstration comprise) occupe le bas de la page
    disponible = HAUTEUR - haut - 70 - 31 * (len(diapo.note) // CARACTERES_SOURCE + 2)
    # la police la plus grande (24 px au plus) où la ligne la plus longue tient dans la largeur (un caractère fait
    # environ 0,62 taille de large, plus les marges des cellules) et où tout le tableau tient dans la hauteur
    taille = max(11, min(24, int((LARGEUR - 40 - 16 * len(t.columns)) / (0.62 * sum(largeurs)))))
    while taille > 11 and lignes_entete(t.columns, largeurs, taille) * taille * 1.3 + 12 + len(t) * taille * 1.9 \
            > disponible:
        taille -= 1
    entete = int(lignes_entete(t.columns, largeurs, taille) * taille * 1.3 + 12)
    # des lignes assez hautes pour remplir la page (pas de diapositive à moitié vide), sans déborder sur la source
    hauteur_ligne = max(int(taille * 1.9), min(HAUTEUR_LIGNE_MAX, (disponible - entete) // max(len(t), 1)))
    fig = go.Figure(go.Table(
        columnwidth=largeurs,
        header={"values": [f"<b>{c}</b>" for c in t.columns], "fill_color": "#E8EEF4", "align": "left",
                "font": {"size": taille}, "height": entete},
        cells={"values": cellules, "align": "left", "font": {"size": taille}, "height": hauteur_ligne,
               **({"fill_color": diapo.couleurs} if diapo.couleurs else {})}))
    graphiques.mise_en_page(fig, diapo.titre, diapo.note, hauteur=HAUTEUR)
    fig.update_layout(margin={"b": 100, "t": haut})
    if diapo.texte:
        fig.add_annotation(text=texte, xref="paper", yref="paper", x=0, y=1, yshift=8, showarrow=False,
                           xanchor="left", yanchor="bottom", align="left", font={"size": TAILLE_TEXTE})
    return fig


def _pdf(d: list[Diapositive], titre: str, demo: bool, resume: list[str] = ()) -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import BooleanObject, DictionaryObject, NameObject, TextStringObject

    ecrivain = PdfWriter()
    couverture = go.Figure()
    couverture.add_annotation(text=f"<b>{titre}</b><br>Portrait de territoire petite enfance · fiche produite "
                              f"le {date.today():%d/%m/%Y}", x=0, y=1, xref="paper", yref="paper", showarrow=False,
                              xanchor="left", yanchor="top", align="left", font={"size": 34})
    couverture.add_annotation(text="<br><br>".join(graphiques.couper(p, 95) for p in resume), x=0, y=0.78,
                              xref="paper", yref="paper", showarrow=False, xanchor="left", yanchor="top",
                              align="left", font={"size": 26})
    couverture.update_xaxes(visible=False)
    couverture.update_yaxes(visible=False)
    couverture.update_layout(template="plotly_white")
    pages, textes = [couverture], [""]
    for diapo in d:
        pages.append(diapo.figure if diapo.figure is not None else figure_tableau(diapo))
        textes.append(diapo.texte if diapo.figure is not None else "")  # un tableau écrit déjà sa phrase
    for octets in images(pages, "pdf", demo, textes=textes):  # un seul appel à Kaleido pour toutes les pages
        for page in PdfReader(io.BytesIO(octets)).pages:
            ecrivain.add_page(page)
    ecrivain.add_metadata({"/Title": titre, "/Subject": "Portrait de territoire petite enfance"})
    ecrivain._root_object[NameObject("/Lang")] = TextStringObject(LANGUE)
    ecrivain._root_object[NameObject("/ViewerPreferences")] = DictionaryObject(
        {NameObject("/DisplayDocTitle"): BooleanObject(True)})
    sortie = io.BytesIO()
    ecrivain.write(sortie)
    return sortie.getvalue()


def fiche(req: Requetes, territoire: str, annee: int, format_: str = "pptx",
          filtres: tensions.Filtres = tensions.Filtres(), france: vue_cooperation.DonneesFrance | None = None
          ) -> bytes:
    """La fiche territoire d'un territoire et d'une année, en PPTX ou en PDF ; `france` : les repères nationaux de
    la page Coopération déjà calculés (le cache de l'application), sinon ils le sont ici (plusieurs secondes)."""
    d, nom, demo = diapositives(req, territoire, annee, filtres, france)
    titre = f"{nom} · {annee}"
    resume = vue_accueil.accueil(req, territoire, annee).resume  # les phrases mêmes de la page Accueil
    return _pptx(d, titre, demo, resume) if format_ == "pptx" else _pdf(d, titre, demo, resume)
