"""Ce que toutes les pages partagent : titres, notes de source, tableaux à la française."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import pandas as pd
import plotly.graph_objects as go

from portrait.regles import catalogue
from portrait.vues import francais as fr

# Indicateurs de la page d'accueil, dans l'ordre du portrait du document 004 (besoins, offre, adéquation).
CHIFFRES_CLES = (
    "naissances",
    "enfants_0_2",
    "part_enfants_0_2",
    "part_enfants_0_2_parents_actifs",
    "am_agreees",
    "am_actives",
    "part_am_60_plus",
    "places_total",
    "taux_couverture",
)
NIVEAUX_LIBELLES = {
    "commune": "Commune",
    "epci": "EPCI",
    "departement": "Département",
    "region": "Région",
    "france": "France",
}


@dataclass(frozen=True)
class Chiffre:
    """Un grand nombre tel qu'on le lit : libellé, valeur à la française, écart à la référence, aide."""

    libelle: str
    valeur: str
    ecart: str | None = None  # commence par un « - » ASCII quand l'écart est négatif (flèche de st.metric)
    aide: str | None = None


@dataclass
class Figure:
    """Une figure telle qu'on la lit, à l'écran comme sur une diapositive : titre, note de source, figure Plotly."""

    cle: str  # nom de fichier des images, clé du widget
    titre: str
    note: str
    figure: go.Figure
    resume: str = ""  # ce que montre la figure, en une ou deux phrases (alternative textuelle, RGAA)
    donnees: pd.DataFrame | None = None  # ses données en texte ; None : lues dans la figure (donnees_figure)
    demo: bool = False  # une valeur de démonstration y entre (mention sur l'image ; synthese.py)


@dataclass
class Tableau:
    """Un tableau tel qu'on le lit : titre, note, valeurs (nombres réels), formats d'écran et d'Excel, fichier."""

    titre: str
    note: str
    valeurs: pd.DataFrame
    formats: dict[str, Callable] = field(default_factory=dict)  # colonne -> texte à la française
    formats_excel: dict[str, str] = field(default_factory=dict)  # colonne -> format de nombre Excel
    fichier: str = "tableau"  # nom des fichiers CSV et XLSX, sans extension
    # cellules sans objet (booléens, mêmes lignes et colonnes que valeurs) : laissées vides, pas « n.d. » (le nombre
    # de critères remplis n'a pas de sens pour la ligne de l'EPCI ou du département)
    sans_objet: pd.DataFrame | None = None


BANDEAU_DEMO = (
    "Données de démonstration : ces chiffres sont générés pour montrer l'outil (calés sur le portrait "
    "2023 de la Loire-Atlantique). Ce ne sont pas des statistiques officielles."
)


def titre(id_indicateur: str, nom_territoire: str, annee: int) -> str:
    """« Taux de couverture petite enfance, CA Pornic Agglo Pays de Retz, 2023 »."""
    return f"{catalogue.indicateur(id_indicateur).libelle}, {nom_territoire}, {annee}"


def note_source(ids: list[str] | tuple[str, ...], annee: int, demo: bool) -> str:
    """Note de bas de figure : sources distinctes des indicateurs et année, mention de démonstration."""
    sources = list(dict.fromkeys(catalogue.indicateur(i).source for i in ids))
    texte = f"Sources : {' ; '.join(sources)}. Année {annee}."
    return texte + (" Valeurs de démonstration." if demo else "")


def ecart_points(ecart: float, nom_reference: str) -> str:
    """« +1,2 pt vs Loire-Atlantique », « -1,0 pt vs Loire-Atlantique » : le signe en tête est un « - » ASCII,
    le seul que st.metric lit comme une baisse (un moins typographique y montre une flèche montante)."""
    arrondi = round(ecart, 1)
    signe = "-" if arrondi < 0 else "+" if arrondi > 0 else ""
    return f"{signe}{fr.nombre(abs(arrondi), 1)} pt vs {nom_reference}"


def chiffres_territoire(portrait: pd.DataFrame, ids: tuple[str, ...] = CHIFFRES_CLES) -> list[Chiffre]:
    """Les chiffres clés du territoire (première ligne), avec l'écart au département pour les taux."""
    t = portrait.iloc[0]
    dep = portrait[portrait["niveau"] == "departement"]
    ref = dep.iloc[0] if len(dep) and t["niveau"] != "departement" else None
    sortie = []
    for i in ids:
        ind = catalogue.indicateur(i)
        ecart = None
        if ref is not None and ind.nature == "taux" and not fr.manquant(t[i]) and not fr.manquant(ref[i]):
            ecart = ecart_points(t[i] - ref[i], ref["nom"])
        sortie.append(Chiffre(ind.libelle, fr.valeur(i, t[i]), ecart, ind.definition))
    return sortie


def etat_donnees(etat: pd.DataFrame) -> pd.DataFrame:
    """Le panneau « données affichées » : indicateur, provenance, années couvertes, nombre de valeurs."""
    if etat.empty:
        return pd.DataFrame(columns=["Indicateur", "Provenance", "Années", "Valeurs"])
    provenance = etat["source"].map(libelle_source)
    return pd.DataFrame({
        "Indicateur": etat["indicateur"].map(lambda i: catalogue.PAR_ID[i].libelle if i in catalogue.PAR_ID else i),
        "Provenance": provenance,
        "Années": [f"{a} – {b}" if a != b else str(a) for a, b in zip(etat["annee_min"], etat["annee_max"])],
        "Valeurs": etat["nb_valeurs"].map(fr.nombre),
    })


def libelle_source(source: str) -> str:
    """« demo » -> « Démonstration » ; « import:… » -> « Import … »."""
    if source == "demo":
        return "Démonstration"
    if source == "insee_populations_legales":
        return "Insee, populations légales (réelles)"
    if source.startswith("import:"):
        return f"Import {source.split(':', 1)[1]}"
    return source


def tableau(lignes: pd.DataFrame, ids: tuple[str, ...] | list[str], premiere: str = "Territoire") -> pd.DataFrame:
    """Tableau numérique à en-têtes français : « Territoire » puis le libellé court de chaque indicateur."""
    sortie = pd.DataFrame({premiere: lignes["nom"].values})
    for i in ids:
        sortie[catalogue.indicateur(i).libelle_court] = lignes[i].values
    return sortie


def formats_colonnes(ids) -> dict[str, Callable]:
    """Formateur français de chaque colonne d'un tableau construit par `tableau` (des `partial`, que le cache des
    pages sait copier, quand une lambda ne le sait pas)."""
    return {catalogue.indicateur(i).libelle_court: partial(fr.valeur, i) for i in ids}


def format_excel(id_indicateur: str) -> str:
    """Format de nombre Excel d'un indicateur (« 76,9 % », « 16 130 » dans un Excel français)."""
    from portrait.surfaces.exports import FORMAT_NOMBRE, FORMAT_POURCENT

    return FORMAT_POURCENT if catalogue.indicateur(id_indicateur).est_pourcentage else FORMAT_NOMBRE


def formats_excel(ids) -> dict[str, str]:
    """Format de nombre Excel de chaque colonne (les nombres restent des nombres)."""
    return {catalogue.indicateur(i).libelle_court: format_excel(i) for i in ids}


def note(ids, annee: int, demo: bool, extra: str = "") -> str:
    """Note de figure : sources et année, estimation le cas échéant, mention de démonstration."""
    return note_source(ids, annee, demo) + (f" {extra}" if extra else "")


def definition(id_indicateur: str) -> str:
    """La définition d'un indicateur, pour les bulles d'aide."""
    return catalogue.indicateur(id_indicateur).definition


STYLE_TABLEAU_HTML = """<style>
.tableau-fr { max-height: 700px; overflow: auto; border: 1px solid #E6E6E6; border-radius: 0.5rem; }
.tableau-fr table { border-collapse: collapse; width: 100%; font-size: 0.875rem; color: #31333F; }
.tableau-fr th { position: sticky; top: 0; background: #FAFAFA; font-weight: 600; text-align: left;
  vertical-align: bottom; padding: 0.35rem 0.6rem; border-bottom: 1px solid #D0D0D0; }
.tableau-fr td { padding: 0.3rem 0.6rem; border-bottom: 1px solid #EFEFEF; }
.tableau-fr .nb { text-align: right; font-variant-numeric: tabular-nums; }
.tableau-fr td.nb { white-space: nowrap; }
.tableau-fr th:first-child { width: 11rem; }
.tableau-fr th.long { width: 15rem; }
.tableau-fr tbody th { position: static; background: none; font-weight: inherit; padding: 0.3rem 0.6rem;
  border-bottom: 1px solid #EFEFEF; vertical-align: top; }
.tableau-fr caption { caption-side: bottom; text-align: left; font-size: 0.8rem; color: #55575F;
  padding: 0.3rem 0.6rem; }
.tableau-fr:focus-visible { outline: 2px solid #1C5FB8; outline-offset: 2px; }
.tableau-fr .lecteur { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%);
  white-space: nowrap; }
</style>"""
MARQUE = "\u2714"  # ✔ : la cellule d'un critère rempli (la couleur ne porte jamais seule le sens)


def tableau_html(tableau: pd.DataFrame, styles: pd.DataFrame, formats: dict, larges: tuple[str, ...] = (),
                 titre: str = "", legende: str = "", marques: pd.DataFrame | None = None,
                 sans_objet: pd.DataFrame | None = None) -> str:
    """Un tableau HTML léger, valeurs à la française et cellules colorées : il s'affiche d'un coup (pas de grille
    à charger dans le navigateur) et se lit entier sur une capture d'écran, comme celui du document 004.
    `larges` : les colonnes de texte long, qui gardent une largeur lisible au lieu de s'écraser.
    Accessible (RGAA) : `titre` en <caption> (lu par les lecteurs d'écran, la page l'affiche déjà au-dessus) suivi de
    la `legende` visible ; en-têtes de colonne et de ligne (première colonne) à portée (scope) ; la zone qui défile
    se rejoint au clavier (tabindex) et porte le titre ; `marques` (booléens, mêmes lignes et colonnes) : les
    cellules qui portent la MARQUE, dite en toutes lettres au lecteur d'écran ; `sans_objet` : celles laissées vides
    (Tableau.sans_objet)."""
    from html import escape

    def classes(colonne: str, nombre: bool) -> str:
        noms = (["nb"] if nombre else []) + (["long"] if colonne in larges else [])
        return f' class="{" ".join(noms)}"' if noms else ""
    numeriques = [pd.api.types.is_numeric_dtype(tableau[c]) for c in tableau.columns]
    # trait d'union insécable dans les en-têtes : « 0-2 ans » ne se coupe pas en fin de ligne ; la largeur d'une
    # colonne se règle sur son en-tête (th.long)
    entete = "".join(f'<th scope="col"{classes(c, n)}>{escape(c).replace("-", chr(0x2011))}</th>'
                     for c, n in zip(tableau.columns, numeriques))
    if marques is None:
        marques = pd.DataFrame(False, index=tableau.index, columns=tableau.columns)
    vides = manquants_lus(tableau, sans_objet)
    marque = f'<span aria-hidden="true"> {MARQUE}</span><span class="lecteur"> (critère rempli)</span>'
    lignes = []
    for valeurs, css, coches, manques in zip(tableau.itertuples(index=False), styles.itertuples(index=False),
                                             marques.itertuples(index=False), vides.itertuples(index=False)):
        cellules = []
        for j, (colonne, v, style, coche, manque) in enumerate(zip(tableau.columns, valeurs, css, coches, manques)):
            n = numeriques[j]
            texte = (manque if n else "") if fr.manquant(v) else formats.get(colonne, str)(v)
            attributs = (' class="nb"' if n else "") + (f' style="{style}"' if style else "")
            balise = "th" if j == 0 else "td"
            portee = ' scope="row"' if j == 0 else ""
            cellules.append(f"<{balise}{portee}{attributs}>{escape(texte)}{marque if coche else ''}</{balise}>")
        lignes.append("<tr>" + "".join(cellules) + "</tr>")
    legende_html = f" {escape(legende)}" if legende else ""
    caption = f'<caption><span class="lecteur">{escape(titre)}.</span>{legende_html}</caption>' if titre or legende \
        else ""
    region = f' tabindex="0" role="region" aria-label="{escape(titre or "Tableau")}"'
    return (f'{STYLE_TABLEAU_HTML}<div class="tableau-fr"{region}><table>{caption}<thead><tr>{entete}</tr></thead>'
            f'<tbody>{"".join(lignes)}</tbody></table></div>')


def _texte(v) -> str:
    """Une donnée de figure lue à la française (« n.d. » si elle manque)."""
    if fr.manquant(v):
        return fr.NON_DISPONIBLE
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return fr.nombre(v, 0 if float(v).is_integer() else 1)
    return str(v)


def donnees_figure(fig: go.Figure) -> pd.DataFrame:
    """Les données d'une figure Plotly en tableau de textes, pour qui ne voit pas la figure (RGAA : alternative) :
    une ligne par point (série, abscisse, valeur), une ligne par unité d'une carte (code, nom, textes du survol).
    Les traits sans données (contours des cartes) sont laissés."""
    lignes = []
    for trace in fig.data:
        if trace.type == "choroplethmap" and trace.locations is not None:
            for code, infos in zip(trace.locations, trace.customdata if trace.customdata is not None else []):
                ligne = {"Code": str(code), "Territoire": str(infos[0])}
                for texte in infos[1:]:
                    libelle, _, valeur = str(texte).partition(" : ")
                    ligne[libelle if valeur else "Détail"] = valeur or libelle
                lignes.append(ligne)
        elif trace.type in ("bar", "scatter") and trace.x is not None and trace.y is not None:
            abscisses, valeurs = (trace.y, trace.x) if getattr(trace, "orientation", None) == "h" else (trace.x,
                                                                                                     trace.y)
            for a, v in zip(abscisses, valeurs):
                lignes.append({"Série": trace.name or "", "Abscisse": _texte(a), "Valeur": _texte(v)})
    return pd.DataFrame(lignes).fillna("")


def html_donnees(donnees: pd.DataFrame, titre: str) -> str:
    """Les données d'une figure en tableau HTML accessible (caption, portées, zone joignable au clavier)."""
    vides = pd.DataFrame("", index=donnees.index, columns=donnees.columns)
    return tableau_html(donnees, vides, {}, titre=f"Données de la figure : {titre}")


def pourcent_entier(v) -> str:
    return fr.pourcent(v, 0)


def enumeration(noms: list[str], maximum: int = 10) -> str:
    """« A, B, C et 12 autres » : une liste lisible dans une phrase."""
    if not noms:
        return "aucun"
    if len(noms) <= maximum:
        return ", ".join(noms)
    return f"{', '.join(noms[:maximum])} et {len(noms) - maximum} autres"


@dataclass(frozen=True)
class GroupeChiffres:
    """Quelques grands nombres lus ensemble sous un intitulé : « Nombre de naissances, 2023 » puis un par territoire."""

    intitule: str
    chiffres: list[Chiffre]

    def phrase(self) -> str:
        """Les mêmes nombres en une phrase, pour une diapositive : « Intitulé : A 576 ; B 258. »."""
        corps = " ; ".join(f"{c.libelle} : {c.valeur}" for c in self.chiffres)
        corps += "" if corps.endswith(".") else "."
        return f"{self.intitule}. {corps}" if self.intitule else corps


def tableau_indicateurs(lignes: pd.DataFrame, ids: tuple[str, ...], titre: str, note: str, fichier: str,
                        premiere: str = "Territoire") -> Tableau:
    """Un tableau de la page : une ligne par territoire, une colonne par indicateur, nombres réels et formats."""
    return Tableau(titre, note, tableau(lignes, ids, premiere), formats_colonnes(ids), formats_excel(ids), fichier)


def manquants_lus(valeurs: pd.DataFrame, sans_objet: pd.DataFrame | None) -> pd.DataFrame:
    """Ce qu'on lit à la place d'une valeur manquante, cellule par cellule : « n.d. », ou rien si elle est sans
    objet."""
    lus = pd.DataFrame(fr.NON_DISPONIBLE, index=valeurs.index, columns=valeurs.columns)
    return lus if sans_objet is None else lus.mask(sans_objet.values, "")


def textes(t: Tableau) -> pd.DataFrame:
    """Les cellules d'un tableau telles qu'on les lit (à la française, « n.d. » pour une valeur manquante, rien
    pour une cellule sans objet)."""
    sortie = pd.DataFrame(index=t.valeurs.index)
    manquants = manquants_lus(t.valeurs, t.sans_objet)
    for colonne in t.valeurs.columns:
        formater = t.formats.get(colonne, str)
        sortie[colonne] = [m if fr.manquant(v) else formater(v) for v, m in zip(t.valeurs[colonne], manquants[colonne])]
    return sortie


def annees_serie(disponibles: list[int], id_indicateur: str) -> list[int]:
    """Les années où un indicateur peut avoir une valeur : celles des données, et pour une évolution celles dont
    l'année N-5 existe aussi (une évolution 2016-2024 commence en 2021)."""
    annees = sorted(disponibles)
    if catalogue.indicateur(id_indicateur).nature == "evolution":
        annees = [a for a in annees if a - catalogue.RECUL_EVOLUTION in disponibles]
    return annees


def etendue(annees) -> str:
    """« 2016-2024 » : la période réellement couverte par une série ; une seule année, ou aucune."""
    vues = sorted({int(a) for a in annees})
    if not vues:
        return "aucune valeur connue"
    return str(vues[0]) if vues[0] == vues[-1] else f"{vues[0]}-{vues[-1]}"
