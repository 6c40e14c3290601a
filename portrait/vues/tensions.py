"""Vue de la page Tensions SPPE : carte, décompte, tableau « identification des tensions »."""

from __future__ import annotations

import pandas as pd

from portrait.regles import catalogue, tensions
from portrait.vues import francais as fr
from portrait.vues.commun import NIVEAUX_LIBELLES, note, tableau_html

COLONNES_TENSION = {i: catalogue.indicateur(i).libelle_court for i in catalogue.INDICATEURS_TENSION}


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
    from portrait.surfaces.exports import FORMAT_NOMBRE, FORMAT_POURCENT

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
        libelle = catalogue.indicateur(id_indicateur).libelle_court
        table["choisi_texte"] = [f"{libelle} : {fr.valeur(id_indicateur, v)}" for v in unites[id_indicateur]]
    table["sppe_texte"] = [f"{fr.nombre(p)} habitants · {c or ''}" for p, c in
                           zip(unites["population"], unites["classe_sppe"])]
    return table, {c: couleurs[c] for c in couleurs if c in set(classes) or c == tensions.NON_DISPONIBLE}


def colonnes_survol(table_carte: pd.DataFrame) -> list[str]:
    """Les colonnes de texte que le survol de la carte affiche."""
    return [c for c in table_carte.columns if c.endswith("_texte")]


def carte_tensions(evaluee: pd.DataFrame, geo: pd.DataFrame, id_indicateur: str, methode: str, filtre: bool,
                   seuil_zone: float, nom_cadre: str, annee: int):
    """La carte de la page Tensions : unités colorées par classe, hors filtre grisées, offre insuffisante cernée."""
    from portrait.vues import cartes

    table, couleurs = table_carte(evaluee, id_indicateur, methode, filtre)
    note_carte = note(catalogue.INDICATEURS_TENSION, annee, bool(evaluee["demo"].any()),
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


def libelle_indicateur_carte(id_indicateur: str) -> str:
    """Libellé d'un indicateur dans le choix de la carte."""
    if id_indicateur == tensions.TENSION:
        return "niveau de tension (critères remplis)"
    return catalogue.indicateur(id_indicateur).libelle


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
