"""Mise en forme des jeux de données pour l'écran : tableaux à la française, titres, notes de source."""

from __future__ import annotations

import pandas as pd

from portrait import format as fr
from portrait import indicateurs, tensions

NIVEAUX_LIBELLES = {
    "commune": "Commune",
    "epci": "EPCI",
    "departement": "Département",
    "region": "Région",
    "france": "France",
}
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
BANDEAU_DEMO = (
    "Données de démonstration : ces chiffres sont générés pour montrer l'outil (calés sur le portrait "
    "2023 de la Loire-Atlantique). Ce ne sont pas des statistiques officielles."
)


def titre(id_indicateur: str, nom_territoire: str, annee: int) -> str:
    """« Taux de couverture petite enfance, CA Pornic Agglo Pays de Retz, 2023 »."""
    return f"{indicateurs.indicateur(id_indicateur).libelle}, {nom_territoire}, {annee}"


def note_source(ids: list[str] | tuple[str, ...], annee: int, demo: bool) -> str:
    """Note de bas de figure : sources distinctes des indicateurs et année, mention de démonstration."""
    sources = list(dict.fromkeys(indicateurs.indicateur(i).source for i in ids))
    texte = f"Sources : {' ; '.join(sources)}. Année {annee}."
    return texte + (" Valeurs de démonstration." if demo else "")


def tableau_comparaison(portrait: pd.DataFrame, ids: tuple[str, ...] = CHIFFRES_CLES) -> pd.DataFrame:
    """Un indicateur par ligne, un territoire par colonne, valeurs formatées à la française."""
    lignes = {}
    for i in ids:
        lignes[indicateurs.indicateur(i).libelle] = [fr.valeur(i, v) for v in portrait[i]]
    colonnes = [f"{nom} ({NIVEAUX_LIBELLES[niv]})" if niv != "france" else nom
                for nom, niv in zip(portrait["nom"], portrait["niveau"])]
    return pd.DataFrame(lignes, index=colonnes).T


def chiffres_territoire(portrait: pd.DataFrame, ids: tuple[str, ...] = CHIFFRES_CLES) -> list[dict]:
    """Les chiffres clés du territoire (première ligne) avec l'écart au département, pour st.metric."""
    t = portrait.iloc[0]
    dep = portrait[portrait["niveau"] == "departement"]
    ref = dep.iloc[0] if len(dep) and t["niveau"] != "departement" else None
    sortie = []
    for i in ids:
        ind = indicateurs.indicateur(i)
        ecart = None
        if ref is not None and ind.nature == "taux" and not fr.manquant(t[i]) and not fr.manquant(ref[i]):
            ecart = f"{fr.nombre(t[i] - ref[i], 1)} pt vs {ref['nom']}"
        sortie.append({"libelle": ind.libelle, "valeur": fr.valeur(i, t[i]), "ecart": ecart,
                       "aide": ind.definition})
    return sortie


def etat_donnees(etat: pd.DataFrame) -> pd.DataFrame:
    """Le panneau « données affichées » : indicateur, provenance, années couvertes, nombre de valeurs."""
    if etat.empty:
        return pd.DataFrame(columns=["Indicateur", "Provenance", "Années", "Valeurs"])
    provenance = etat["source"].map(libelle_source)
    return pd.DataFrame({
        "Indicateur": etat["indicateur"].map(lambda i: indicateurs.PAR_ID[i].libelle if i in indicateurs.PAR_ID else i),
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


# --- Synthèse petite enfance (document 004) -----------------------------------------------------------------

TABLE_BESOINS = (
    "naissances",
    "enfants_0_2",
    "part_enfants_0_2",
    "part_enfants_0_2_parents_actifs",
    "part_familles_0_2_bas_revenus",
    "part_familles_0_2_monoparentales",
)
TABLE_OFFRE = (
    *indicateurs.MODES_ACCUEIL,
    "places_total",
    "am_agreees",
    "am_actives",
    "am_actives_60_plus",
    "places_am_60_plus_estimees",
)
AGES_AM = ("am_actives_moins_35", "am_actives_35_49", "am_actives_50_59", "am_actives_60_plus")
LIBELLES_AGES = {"am_actives_moins_35": "moins de 35 ans", "am_actives_35_49": "35-49 ans",
                 "am_actives_50_59": "50-59 ans", "am_actives_60_plus": "60 ans et plus"}


def tableau(lignes: pd.DataFrame, ids: tuple[str, ...] | list[str], premiere: str = "Territoire") -> pd.DataFrame:
    """Tableau numérique à en-têtes français : « Territoire » puis le libellé court de chaque indicateur."""
    sortie = pd.DataFrame({premiere: lignes["nom"].values})
    for i in ids:
        sortie[indicateurs.indicateur(i).libelle_court] = lignes[i].values
    return sortie


def formats_colonnes(ids) -> dict[str, callable]:
    """Formateur français de chaque colonne d'un tableau construit par `tableau`."""
    return {indicateurs.indicateur(i).libelle_court: (lambda v, i=i: fr.valeur(i, v)) for i in ids}


def formats_excel(ids) -> dict[str, str]:
    """Format de nombre Excel de chaque colonne (les nombres restent des nombres)."""
    from portrait.exports import FORMAT_NOMBRE, FORMAT_POURCENT

    return {indicateurs.indicateur(i).libelle_court:
            FORMAT_POURCENT if indicateurs.indicateur(i).est_pourcentage else FORMAT_NOMBRE for i in ids}


def styler(df: pd.DataFrame, ids):
    """Le tableau mis en forme à la française pour st.dataframe ; le tri reste numérique."""
    return df.style.format(formats_colonnes(ids), na_rep=fr.NON_DISPONIBLE)


def places_pour_100(synthese: pd.DataFrame) -> pd.DataFrame:
    """Places de chaque mode pour 100 enfants de moins de 3 ans : leur somme est le taux de couverture."""
    morceaux = []
    for mode in indicateurs.MODES_ACCUEIL:
        morceaux.append(pd.DataFrame({"nom": synthese["nom"], "composante": mode,
                                      "valeur": 100 * synthese[mode] / synthese["enfants_0_2"]}))
    return pd.concat(morceaux, ignore_index=True).dropna(subset=["valeur"])


def ages_assistantes_maternelles(synthese: pd.DataFrame) -> pd.DataFrame:
    """Répartition des assistantes maternelles actives par âge, en % des actives."""
    morceaux = []
    for age in AGES_AM:
        morceaux.append(pd.DataFrame({"nom": synthese["nom"], "composante": age,
                                      "valeur": 100 * synthese[age] / synthese["am_actives"]}))
    return pd.concat(morceaux, ignore_index=True).dropna(subset=["valeur"])


def libelles_modes() -> dict[str, str]:
    """« places_psu » -> « crèches PSU » : libellés courts des modes d'accueil, tirés du catalogue."""
    return {m: indicateurs.indicateur(m).libelle_court.removeprefix("places ") for m in indicateurs.MODES_ACCUEIL}


def chiffres_comparateurs(synthese: pd.DataFrame, id_indicateur: str, roles=("territoire", "epci", "departement",
                                                                               "france")) -> list[dict]:
    """Les grands nombres d'un indicateur : le territoire puis ses comparateurs (pas les voisins)."""
    lignes = synthese[synthese["role"].isin(roles)]
    return [{"nom": n, "valeur": fr.valeur(id_indicateur, v), "role": r}
            for n, v, r in zip(lignes["nom"], lignes[id_indicateur], lignes["role"])]


def note(ids, annee: int, demo: bool, extra: str = "") -> str:
    """Note de figure : sources et année, estimation le cas échéant, mention de démonstration."""
    return note_source(ids, annee, demo) + (f" {extra}" if extra else "")


# --- Détail par indicateur ----------------------------------------------------------------------------------

def tableau_detail(detail: pd.DataFrame, id_indicateur: str) -> pd.DataFrame:
    """Le tableau de détail : Territoire (regroupé comme le document 004), niveau, valeur de l'indicateur."""
    return pd.DataFrame({
        "Territoire": detail["nom"].values,
        "Niveau": detail["niveau"].map(NIVEAUX_LIBELLES).values,
        indicateurs.indicateur(id_indicateur).libelle_court: detail["valeur"].values,
    })


def references_detail(detail: pd.DataFrame) -> list[tuple[str, str, float]]:
    """Les lignes de référence du graphique de détail : l'EPCI et le département."""
    refs = detail[detail["role"].isin(["epci", "departement", "france"])]
    return [(r, n, v) for r, n, v in zip(refs["role"], refs["nom"], refs["valeur"])]


def communes_detail(detail: pd.DataFrame) -> pd.DataFrame:
    """Les seules lignes de communes (ou d'EPCI pour la France) du détail."""
    return detail[detail["ordre"] == 0]


def serie_avec_roles(serie: pd.DataFrame, detail: pd.DataFrame) -> pd.DataFrame:
    """Ajoute à une série le rôle de chaque territoire (commune, EPCI, département) tiré du détail."""
    roles = detail.set_index("territoire")["role"]
    return serie.assign(role=serie["territoire"].map(roles).fillna("commune"))


def definition(id_indicateur: str) -> str:
    """La définition d'un indicateur, pour les bulles d'aide."""
    return indicateurs.indicateur(id_indicateur).definition


# --- Tensions SPPE --------------------------------------------------------------------------------------------

COLONNES_TENSION = {i: indicateurs.indicateur(i).libelle_court for i in indicateurs.INDICATEURS_TENSION}


def reference_tensions(cadre: str) -> tuple[str, str, str]:
    """Comment nommer la valeur de comparaison des tensions : le département, ou la France pour la vue France (en
    toutes lettres, en écart, et en bref pour un champ étroit)."""
    if cadre == "france":
        return "valeur de la France", "écart à la France", "= France"
    return "valeur du département", "écart au département", "= département"


def libelles_methodes(cadre: str) -> dict[str, str]:
    """Les méthodes de classes telles qu'affichées : en vue France, le rapport se fait à la France."""
    libelles = {m: m for m in tensions.METHODES}
    if cadre == "france":
        libelles[tensions.METHODES[0]] = "rapport à la France"
    return libelles


def _seuil(x: float, signe: bool = False) -> str:
    """Un seuil saisi, à la française : « 15 % », « 12,5 % » ; « +5 % » avec signe=True."""
    decimales = 0 if float(x).is_integer() else 1
    return fr.evolution(x, decimales) if signe else fr.pourcent(x, decimales)


def texte_filtres(filtres: tensions.Filtres, cadre: str) -> str:
    """Les filtres d'une sélection en une phrase, pour qu'un export ou une diapositive dise ce qu'il montre."""
    seuils, classes_sppe = filtres.seuils, filtres.classes_sppe
    couverture = (_seuil(seuils.taux_couverture) if seuils.taux_couverture is not None
                  else f"la {reference_tensions(cadre)[0]}")
    texte = (f"Filtres : évolution des 0-2 ans ≥ {_seuil(seuils.evolution_enfants_0_2, signe=True)}, AM de 60 ans "
             f"et plus ≥ {_seuil(seuils.part_am_60_plus)}, parents actifs ≥ "
             f"{_seuil(seuils.part_enfants_0_2_parents_actifs)}, couverture sous {couverture} ; en tension = au moins "
             f"{seuils.k} critère{'s' if seuils.k > 1 else ''}")
    if seuils.exiges:
        texte += ", dont " + " et ".join(COLONNES_TENSION[i] for i in seuils.exiges)
    if set(classes_sppe) != set(tensions.CLASSES_SPPE):
        texte += " ; communes de " + ", ".join(classes_sppe)
    return texte + "."


def tableau_tensions(evaluee: pd.DataFrame, retenues_seulement: bool = True) -> pd.DataFrame:
    """Le tableau « identification des tensions » : les communes retenues, puis l'EPCI et le département."""
    garder = (evaluee["ordre"] > 0) | evaluee["retenue"] if retenues_seulement else evaluee["ordre"] >= 0
    t = evaluee[garder]
    unite = "EPCI" if (t["ordre"] == 0).any() and t.loc[t["ordre"] == 0, "niveau"].iloc[0] == "epci" else "Commune"
    sortie = pd.DataFrame({
        "Territoire": t["nom"].values,
        "Niveau": [unite if o == 0 else NIVEAUX_LIBELLES[n] for o, n in zip(t["ordre"], t["niveau"])],
        "Code": t["code"].values,
        "Population": t["population"].values,
    })
    for ind, libelle in COLONNES_TENSION.items():
        sortie[libelle] = t[ind].values
    sortie["Critères remplis"] = t["niveau_tension"].values
    sortie["Offre insuffisante"] = ["oui" if z else ("non" if o == 0 else "") for z, o in
                                    zip(t["zone_insuffisante"], t["ordre"])]
    sortie["Compétences SPPE"] = t["competences_sppe"].fillna("").values
    return sortie


def formats_tensions() -> dict:
    """Formateurs français des colonnes du tableau des tensions."""
    f = {libelle: (lambda v, i=i: fr.valeur(i, v)) for i, libelle in COLONNES_TENSION.items()}
    f["Population"] = fr.nombre
    f["Critères remplis"] = lambda v: "" if fr.manquant(v) else f"{int(v)} / 4"
    # à l'écran, les compétences en noms courts (expliqués par legende_competences) ; les exports gardent le texte
    f["Compétences SPPE"] = lambda v: tensions.COMPETENCES_SPPE_COURTES.get(v, v)
    return f


def legende_competences() -> str:
    """Ce que veut dire chaque nom court de la colonne « Compétences SPPE », et à partir de quelle population."""
    def seuil(s: int) -> str:
        return "toutes les communes" if s == 0 else f"dès {fr.nombre(s)} habitants"
    return "Compétences SPPE : " + " ; ".join(f"{court} = {libelle} ({seuil(s)})"
                                               for s, libelle, court in tensions.COMPETENCES) + "."


def formats_excel_tensions() -> dict[str, str]:
    from portrait.exports import FORMAT_NOMBRE, FORMAT_POURCENT

    return {"Population": FORMAT_NOMBRE, **{libelle: FORMAT_POURCENT for libelle in COLONNES_TENSION.values()}}


def couleur_ecart(ecart: float, echelle: float) -> str:
    """Fond d'une cellule : rouge d'autant plus soutenu que l'écart au département va vers la tension."""
    if fr.manquant(ecart) or ecart <= 0:
        return ""
    intensite = min(ecart / echelle, 1.0)
    alpha = 0.15 + 0.6 * intensite
    return f"background-color: rgba(215, 48, 39, {alpha:.2f})"


def styles_tensions(tableau: pd.DataFrame, evaluee: pd.DataFrame) -> pd.DataFrame:
    """Le style CSS de chaque cellule : rouge selon l'écart au département dans le sens de la tension,
    gris et gras pour les lignes de référence (EPCI, département)."""
    t = evaluee[evaluee["code"].isin(tableau["Code"])].set_index("code").loc[tableau["Code"]]
    styles = pd.DataFrame("", index=tableau.index, columns=tableau.columns)
    for ind, libelle in COLONNES_TENSION.items():
        reference = tensions.reference(evaluee, ind)
        ecarts = tensions.ecart_tension(t, ind, reference).values
        echelle = max(abs(reference or 0) * 0.5, 5.0)
        styles[libelle] = [couleur_ecart(e, echelle) for e in ecarts]
    references = tableau["Niveau"].isin(["EPCI", "Département", "France"]) & (t["ordre"].values > 0)
    styles.loc[references, :] = "font-weight: bold; background-color: #F0F0F0"
    return styles


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
</style>"""


def tableau_html(tableau: pd.DataFrame, styles: pd.DataFrame, formats: dict, larges: tuple[str, ...] = ()) -> str:
    """Un tableau HTML léger, valeurs à la française et cellules colorées : il s'affiche d'un coup (pas de grille
    à charger dans le navigateur) et se lit entier sur une capture d'écran, comme celui du document 004.
    `larges` : les colonnes de texte long, qui gardent une largeur lisible au lieu de s'écraser."""
    from html import escape

    def classes(colonne: str, nombre: bool) -> str:
        noms = (["nb"] if nombre else []) + (["long"] if colonne in larges else [])
        return f' class="{" ".join(noms)}"' if noms else ""
    numeriques = [pd.api.types.is_numeric_dtype(tableau[c]) for c in tableau.columns]
    # trait d'union insécable dans les en-têtes : « 0-2 ans » ne se coupe pas en fin de ligne ; la largeur d'une
    # colonne se règle sur son en-tête (th.long)
    entete = "".join(f"<th{classes(c, n)}>{escape(c).replace('-', chr(0x2011))}</th>"
                     for c, n in zip(tableau.columns, numeriques))
    lignes = []
    for valeurs, css in zip(tableau.itertuples(index=False), styles.itertuples(index=False)):
        cellules = []
        for colonne, v, style, n in zip(tableau.columns, valeurs, css, numeriques):
            texte = (fr.NON_DISPONIBLE if n else "") if fr.manquant(v) else formats.get(colonne, str)(v)
            attributs = (' class="nb"' if n else "") + (f' style="{style}"' if style else "")
            cellules.append(f"<td{attributs}>{escape(texte)}</td>")
        lignes.append("<tr>" + "".join(cellules) + "</tr>")
    return (f'{STYLE_TABLEAU_HTML}<div class="tableau-fr"><table><thead><tr>{entete}</tr></thead>'
            f'<tbody>{"".join(lignes)}</tbody></table></div>')


def html_tensions(tableau: pd.DataFrame, evaluee: pd.DataFrame) -> str:
    """Le tableau « identification des tensions » mis en forme, en HTML."""
    return tableau_html(tableau, styles_tensions(tableau, evaluee), formats_tensions(), larges=("Compétences SPPE",))


def survol_tensions(evaluee: pd.DataFrame) -> pd.DataFrame:
    """Textes de survol de la carte : les quatre indicateurs de tension à la française."""
    sortie = pd.DataFrame({"code": evaluee["code"], "nom": evaluee["nom"]})
    for ind, libelle in COLONNES_TENSION.items():
        sortie[ind + "_texte"] = [f"{libelle} : {fr.valeur(ind, v)}" for v in evaluee[ind]]
    return sortie


def table_carte(evaluee: pd.DataFrame, id_indicateur: str, methode: str, filtre: bool) -> tuple[pd.DataFrame, dict]:
    """Unités de la carte et leur classe (« hors filtre » si le filtre s'applique), couleur de chaque classe."""
    unites = evaluee[evaluee["ordre"] == 0]
    if id_indicateur == tensions.TENSION:
        classes, couleurs = tensions.classer_tension(unites[tensions.TENSION])
    else:
        reference = tensions.reference(evaluee, id_indicateur)
        classes, couleurs = tensions.classer(unites[id_indicateur], id_indicateur, methode, reference)
    if filtre:
        classes = classes.where(unites["retenue"], tensions.HORS_FILTRE)
        couleurs = {**couleurs, tensions.HORS_FILTRE: tensions.GRIS_HORS_FILTRE}
    table = survol_tensions(unites).assign(classe=classes.values)
    if id_indicateur not in COLONNES_TENSION and id_indicateur != tensions.TENSION:
        libelle = indicateurs.indicateur(id_indicateur).libelle_court
        table["choisi_texte"] = [f"{libelle} : {fr.valeur(id_indicateur, v)}" for v in unites[id_indicateur]]
    table["sppe_texte"] = [f"{fr.nombre(p)} habitants · {c or ''}" for p, c in
                           zip(unites["population"], unites["classe_sppe"])]
    return table, {c: couleurs[c] for c in couleurs if c in set(classes) or c == tensions.NON_DISPONIBLE}


def colonnes_survol(table_carte: pd.DataFrame) -> list[str]:
    """Les colonnes de texte que le survol de la carte affiche."""
    return [c for c in table_carte.columns if c.endswith("_texte")]


def reference_departement(lignes: pd.DataFrame, id_indicateur: str) -> tuple[str, float] | None:
    """(nom, valeur) du département parmi des lignes de comparaison, pour la ligne de référence d'un graphique."""
    dep = lignes[lignes["niveau"] == "departement"]
    return (dep["nom"].iloc[0], dep[id_indicateur].iloc[0]) if len(dep) else None


def serie_indicateur(series: pd.DataFrame, id_indicateur: str) -> pd.DataFrame:
    """La série d'un indicateur parmi les séries de la synthèse."""
    return series[series["indicateur"] == id_indicateur]


def carte_tensions(evaluee: pd.DataFrame, geo: pd.DataFrame, id_indicateur: str, methode: str, filtre: bool,
                   seuil_zone: float, nom_cadre: str, annee: int):
    """La carte de la page Tensions : unités colorées par classe, hors filtre grisées, offre insuffisante cernée."""
    from portrait import cartes

    table, couleurs = table_carte(evaluee, id_indicateur, methode, filtre)
    note_carte = note(indicateurs.INDICATEURS_TENSION, annee, bool(evaluee["demo"].any()),
                      f"Contour violet : offre insuffisante (couverture < {seuil_zone:.0f} % ou aucune place "
                      "collective).")
    libelle = libelle_indicateur_carte(id_indicateur)
    titre = f"{libelle[:1].upper()}{libelle[1:]}, {nom_cadre}, {annee}"
    return cartes.choroplethe(table, geo, "classe", couleurs, titre, note_carte, zones=tensions.zones(evaluee),
                              survol=colonnes_survol(table))


def tableau_zones(evaluee: pd.DataFrame) -> pd.DataFrame:
    """Le tableau des zones d'offre insuffisante, suivi des lignes de référence."""
    return tableau_tensions(evaluee[evaluee["zone_insuffisante"] | (evaluee["ordre"] > 0)], retenues_seulement=False)


def titre_zones(evaluee: pd.DataFrame, nom: str, annee: int) -> str:
    """« Zones d'offre insuffisante, Loire-Atlantique, 2023 : 15 communes » ; « … : 1 commune » ; « … : 17 EPCI »."""
    unites = evaluee[evaluee["ordre"] == 0]
    n = int(unites["zone_insuffisante"].sum())
    unite = "EPCI" if (unites["niveau"] == "epci").any() else ("commune" if n <= 1 else "communes")
    return f"Zones d'offre insuffisante, {nom}, {annee} : {fr.nombre(n)} {unite}"


def ligne_unite(evaluee: pd.DataFrame, code: str) -> pd.Series | None:
    """La ligne d'une commune (ou d'un EPCI) du tableau des tensions, si elle y est."""
    lignes = evaluee[(evaluee["code"] == code) & (evaluee["ordre"] == 0)]
    return lignes.iloc[0] if len(lignes) else None


def noms_territoires(detail: pd.DataFrame) -> dict[str, str]:
    """territoire -> nom, pour les libellés d'un choix de communes."""
    return dict(zip(detail["territoire"], detail["nom"]))


def territoires_reference(detail: pd.DataFrame) -> list[str]:
    """Les lignes de référence d'un détail (EPCI, département), ajoutées aux séries des communes cochées."""
    return list(detail.loc[detail["ordre"] > 0, "territoire"])


def libelle_indicateur_carte(id_indicateur: str) -> str:
    """Libellé d'un indicateur dans le choix de la carte."""
    if id_indicateur == tensions.TENSION:
        return "niveau de tension (critères remplis)"
    return indicateurs.indicateur(id_indicateur).libelle


CHIFFRES_TENSION = ("enfants_0_2", "evolution_enfants_0_2", "part_am_60_plus", "part_enfants_0_2_parents_actifs",
                    "taux_couverture")


def resume_sppe(ligne: pd.Series) -> str:
    """« 18 745 habitants · compétences SPPE : … » pour le portrait court d'une commune de la carte."""
    texte = f"{fr.nombre(ligne['population'])} habitants"
    if isinstance(ligne.get("competences_sppe"), str):
        texte += f" · compétences SPPE : {ligne['competences_sppe']}"
    if ligne.get("zone_insuffisante"):
        texte += " · offre insuffisante"
    return texte


def decompte_tension(retenues: int, total: int, epci: bool) -> str:
    """« 9 communes sur 15 en tension » ; « 1 commune sur 15 » ; « 69 EPCI sur 1 255 »."""
    unite = "EPCI" if epci else ("commune" if retenues <= 1 else "communes")
    return f"{fr.nombre(retenues)} {unite} sur {fr.nombre(total)} en tension"


# --- Chargés de coopération ------------------------------------------------------------------------------------

def tableau_cooperation(synthese: pd.DataFrame) -> pd.DataFrame:
    """Une ligne par EPCI : ETP par thématique, total, ratios, financement estimé et alertes en clair."""
    from portrait import cooperation as coop

    sortie = pd.DataFrame({"EPCI": synthese["nom"].values, "Siren": synthese["code"].values})
    for t, libelle in coop.THEMATIQUES.items():
        sortie[f"ETP {libelle.lower()}"] = synthese[f"etp_{t}"].values
    sortie["ETP total"] = synthese["etp_total"].values
    sortie["ETP pour 1 000 enfants 0-2 ans"] = synthese["etp_pour_1000_enfants_0_2"].values
    sortie["ETP pour 10 000 habitants"] = synthese["etp_pour_10000_habitants"].values
    sortie["Financement estimé (€)"] = synthese["financement_estime"].values
    sortie["Alertes"] = [("aucun poste" if s else "; ".join(coop.ALERTES[a] for a in al.split("|") if a))
                         for s, al in zip(synthese["sans_poste"], synthese["alertes"])]
    return sortie


def formats_cooperation(tableau: pd.DataFrame) -> dict:
    """Formateurs français du tableau des chargés de coopération."""
    f = {c: (lambda v: fr.nombre(v, 2)) for c in tableau.columns if c.startswith("ETP")}
    f["Financement estimé (€)"] = lambda v: fr.nombre(v) + "\u00a0€" if not fr.manquant(v) else fr.NON_DISPONIBLE
    return f


def formats_excel_cooperation(tableau: pd.DataFrame) -> dict[str, str]:
    f = {c: "0.00" for c in tableau.columns if c.startswith("ETP")}
    f["Financement estimé (€)"] = '#,##0" €"'
    return f


def tableau_postes(postes: pd.DataFrame, noms_visibles: bool) -> pd.DataFrame:
    """Les postes : EPCI, intitulé, personne (masquée par défaut), thématique, ETP, COF, COPIL."""
    from portrait import cooperation as coop

    return pd.DataFrame({
        "EPCI": postes["employeur"].values,
        "Personne": (postes["nom"] if noms_visibles else coop.masquer_noms(postes)).values,
        "Intitulé du poste": postes["intitule_poste"].values,
        "Thématique": postes["thematique"].map(coop.THEMATIQUES).values,
        "ETP valorisés": postes["etp_valorises"].values,
        "ETP réels": postes["etp_reels"].values,
        "COF signée": postes["cof_signee"].map({True: "oui", False: "non"}).values,
        "COPIL": postes["copil"].values,
    })


def table_carte_cooperation(synthese: pd.DataFrame, colonne: str) -> tuple[pd.DataFrame, dict]:
    """Classes de la carte des EPCI (quantiles du ratio choisi) ; « aucun poste » à part, en noir."""
    couverts = synthese[~synthese["sans_poste"]]
    valeurs = synthese[colonne].where(~synthese["sans_poste"])
    bornes = list(pd.Series(couverts[colonne]).dropna().quantile([0.2, 0.4, 0.6, 0.8]).unique())
    limites = [-float("inf"), *bornes, float("inf")]
    libelles = tensions.libelles_classes(limites, lambda x: fr.nombre(x, 2))
    codes = pd.cut(valeurs, limites, labels=False, right=False)
    classes = [("aucun poste" if s else (libelles[int(c)] if not fr.manquant(c) else tensions.NON_DISPONIBLE))
               for s, c in zip(synthese["sans_poste"], codes)]
    couleurs = {lib: tensions.BLEUS[i] for i, lib in enumerate(libelles)}
    couleurs["aucun poste"] = "#3A3A3A"
    couleurs[tensions.NON_DISPONIBLE] = tensions.GRIS_ND
    table = pd.DataFrame({"code": synthese["code"], "nom": synthese["nom"], "classe": classes,
                          "etp_texte": [f"{fr.nombre(e, 2)} ETP" for e in synthese["etp_total"]],
                          "ratio_texte": [f"{fr.nombre(v, 2)} ETP pour 1 000 enfants de 0 à 2 ans"
                                          for v in synthese["etp_pour_1000_enfants_0_2"]],
                          "alertes_texte": ["aucun poste" if s else (a.replace("|", ", ") or "aucune alerte")
                                            for s, a in zip(synthese["sans_poste"], synthese["alertes"])]})
    return table, {c: couleurs[c] for c in couleurs if c in set(classes)}


def priorites(synthese: pd.DataFrame, tension: pd.DataFrame) -> pd.DataFrame:
    """EPCI avec ETP petite enfance pour 1 000 enfants et part de leurs communes en tension."""
    return synthese.merge(tension, on="code", how="inner")


def chiffres_cooperation(synthese: pd.DataFrame) -> dict[str, str]:
    """Les grands nombres de la page : ETP, EPCI couverts, financement estimé, EPCI en alerte."""
    couverts = int((~synthese["sans_poste"]).sum())
    en_alerte = int((synthese["alertes"] != "").sum())
    return {
        "ETP valorisés": fr.nombre(synthese["etp_total"].sum(), 2),
        "EPCI couverts": f"{fr.nombre(couverts)} sur {fr.nombre(len(synthese))}",
        "Financement Caf estimé": fr.nombre(synthese["financement_estime"].sum()) + "\u00a0€",
        "EPCI avec au moins une alerte": fr.nombre(en_alerte),
    }


def note_cooperation(annee: int, demo: bool) -> str:
    """Source des données de coopération."""
    texte = (f"Sources : Caf, enquête flash et déclarations Maia des chargés de coopération ; Insee (enfants de 0 à "
             f"2 ans, populations légales). Année {annee}. Financement estimé = ETP × forfait.")
    return texte + (" Valeurs de démonstration (Charente : ETP réels du document 003)." if demo else "")


def seuils_priorites(priorites: pd.DataFrame) -> tuple[float, float]:
    """Les seuils du nuage de priorités : médianes des EPCI (ETP petite enfance pour 1 000 enfants, % en tension)."""
    x = priorites["etp_pe_pour_1000_enfants_0_2"].fillna(0).median()
    y = priorites["part_communes_en_tension"].median()
    return float(x if x == x else 0), float(y if y == y else 0)


def quadrant_prioritaire(priorites: pd.DataFrame, seuil_x: float, seuil_y: float) -> list[str]:
    """Les EPCI « forte tension, peu de coopération », du plus tendu au moins tendu."""
    q = priorites[(priorites["part_communes_en_tension"] >= seuil_y)
                  & (priorites["etp_pe_pour_1000_enfants_0_2"].fillna(0) <= seuil_x)]
    return list(q.sort_values("part_communes_en_tension", ascending=False)["nom"])


def pourcent_entier(v) -> str:
    return fr.pourcent(v, 0)


def tableau_imports(liste: pd.DataFrame) -> pd.DataFrame:
    """Les imports du registre, en français."""
    return pd.DataFrame({
        "Import": liste["id"], "Date": liste["date"].str.replace("T", " "), "Source": liste["type"],
        "Fichier": liste["fichier_source"], "Lignes lues": liste["lignes_lues"],
        "Valeurs gardées": liste["lignes_gardees"], "État": liste["actif"].map({True: "actif", False: "annulé"}),
        "Empreinte SHA-256": liste["sha256"].str[:12],
    })


def libelle_source_import(source: str | None) -> str:
    """Libellé d'une source dans le choix de la page Données."""
    from portrait import sources

    autres = {None: "Reconnaître à partir des en-têtes", "enquete_flash": "Enquête flash des chargés de coopération",
              "cooperation": "Postes de chargés de coopération (fichier générique)"}
    return autres[source] if source in autres else sources.LIBELLES[source]


def import_bloque(source: str | None, rapport) -> bool:
    """Une erreur bloque tout import, sauf dans l'enquête flash où une réponse à la commune introuvable est
    seulement écartée (les autres réponses s'importent)."""
    return bool(rapport.erreurs) and (source != "enquete_flash" or rapport.lignes_gardees == 0)


def enumeration(noms: list[str], maximum: int = 10) -> str:
    """« A, B, C et 12 autres » : une liste lisible dans une phrase."""
    if not noms:
        return "aucun"
    if len(noms) <= maximum:
        return ", ".join(noms)
    return f"{', '.join(noms[:maximum])} et {len(noms) - maximum} autres"


def tableau_priorites(priorites: pd.DataFrame, noms: list[str]) -> pd.DataFrame:
    """Les EPCI du quadrant prioritaire : part des communes en tension, ETP petite enfance pour 1 000 enfants."""
    q = priorites.set_index("nom").loc[noms].reset_index()
    return pd.DataFrame({"EPCI": q["nom"], "Siren": q["code"],
                         "% des communes en tension": q["part_communes_en_tension"].round(1),
                         "ETP petite enfance pour 1 000 enfants 0-2 ans": q["etp_pe_pour_1000_enfants_0_2"].round(2)})
