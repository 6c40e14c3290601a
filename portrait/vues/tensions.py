"""Vue de la page Tensions SPPE : carte, décompte, tableau « identification des tensions », zones, portrait court."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from portrait.donnees import jeux
from portrait.donnees.requetes import Requetes
from portrait.regles import catalogue, tensions
from portrait.vues import cartes, commun
from portrait.vues import francais as fr
from portrait.vues.commun import NIVEAUX_LIBELLES, Chiffre, Figure, Tableau, chiffres_territoire, note, tableau_html

COLONNES_TENSION = {i: catalogue.indicateur(i).libelle_court for i in catalogue.INDICATEURS_TENSION}
CHIFFRES_TENSION = ("enfants_0_2", "evolution_enfants_0_2", "part_am_60_plus", "part_enfants_0_2_parents_actifs",
                    "taux_couverture")
COLONNES_CLI = ("niveau", "code", "nom", *catalogue.INDICATEURS_TENSION, "criteres_remplis", "en_tension")
CHOIX_CARTE = (tensions.TENSION, *catalogue.INDICATEURS_TENSION,
               *(i.id for i in catalogue.CATALOGUE if i.id not in catalogue.INDICATEURS_TENSION))


@dataclass
class VueTensions:
    """Tout ce que montre la page Tensions (et que reprennent la fiche, la ligne de commande et le banc)."""

    cadre: str  # le territoire affiché : un EPCI, un département, ou « france » (une ligne par EPCI)
    nom: str
    annee: int
    par_epci: bool  # vue France : les unités sont des EPCI, comparés à la France, sans compétences SPPE
    titre: str
    sous_titre: str
    regle: str  # « une commune est en tension quand… » ; « un EPCI est en tension quand… »
    decompte: str  # « 11 communes sur 207 en tension »
    filtres: str  # la sélection en une phrase
    demo: bool
    source: str  # la note de source seule (sans la phrase des filtres), pour une diapositive
    carte: Figure
    tableau: Tableau  # « identification des tensions » : les unités retenues (toutes avec tout_voir), les références
    html_tableau: str  # le même, mis en forme (cellules rouges)
    zones: Tableau  # les zones d'offre insuffisante, puis les références
    html_zones: str
    lignes: pd.DataFrame  # les lignes jugées du tableau, dans son ordre (colonnes d'origine, pour la CLI)
    unites: pd.DataFrame  # toutes les unités jugées (le portrait court d'une unité cliquée)
    resume: list[str] = field(default_factory=list)  # le résumé écrit, en tête de page et de diapositive

    @property
    def phrase(self) -> str:
        """La sélection en une phrase, seuils, k et critères exigés compris, et son décompte : celle de la fiche et
        du mode présentation."""
        return f"{self.filtres} {self.decompte}."

    @property
    def retenues(self) -> list[str]:
        """Les noms des unités en tension retenues, dans l'ordre du tableau."""
        return list(self.unites.loc[self.unites["retenue"], "nom"])


@dataclass
class Panneau:
    """Le portrait court d'une unité cliquée sur la carte."""

    titre: str
    chiffres: list[Chiffre]


def reference_tensions(par_epci: bool) -> tuple[str, str, str]:
    """Comment nommer la valeur de comparaison des tensions : le département, ou la France pour la vue France (en
    toutes lettres, en écart, et en bref pour un champ étroit)."""
    if par_epci:
        return "valeur de la France", "écart à la France", "= France"
    return "valeur du département", "écart au département", "= département"


def libelles_methodes(par_epci: bool) -> dict[str, str]:
    """Les méthodes de classes telles qu'affichées : en vue France, le rapport se fait à la France."""
    libelles = {m: m for m in tensions.METHODES}
    if par_epci:
        libelles[tensions.METHODES[0]] = "rapport à la France"
    return libelles


def unites_texte(par_epci: bool) -> tuple[str, str]:
    """(« une commune », « communes ») ou (« un EPCI », « EPCI ») : ce que sont les lignes jugées."""
    return ("un EPCI", "EPCI") if par_epci else ("une commune", "communes")


def _seuil(x: float, signe: bool = False) -> str:
    """Un seuil saisi, à la française : « 15 % », « 12,5 % » ; « +5 % » avec signe=True."""
    decimales = 0 if float(x).is_integer() else 1
    return fr.evolution(x, decimales) if signe else fr.pourcent(x, decimales)


def texte_filtres(filtres: tensions.Filtres, par_epci: bool) -> str:
    """Les filtres d'une sélection en une phrase, pour qu'une page, un export ou une diapositive dise ce qu'il montre.
    Les classes SPPE ne filtrent que des communes : la vue France (par EPCI) ne les cite pas."""
    seuils, classes_sppe = filtres.seuils, filtres.classes_sppe
    couverture = (_seuil(seuils.taux_couverture) if seuils.taux_couverture is not None
                  else f"la {reference_tensions(par_epci)[0]}")
    texte = (f"Filtres : évolution des 0-2 ans ≥ {_seuil(seuils.evolution_enfants_0_2, signe=True)}, AM de 60 ans "
             f"et plus ≥ {_seuil(seuils.part_am_60_plus)}, parents actifs ≥ "
             f"{_seuil(seuils.part_enfants_0_2_parents_actifs)}, couverture sous {couverture} ; en tension = au moins "
             f"{seuils.k} critère{'s' if seuils.k > 1 else ''}")
    if seuils.exiges:
        texte += ", dont " + " et ".join(COLONNES_TENSION[i] for i in seuils.exiges)
    if set(classes_sppe) != set(tensions.CLASSES_SPPE) and not par_epci:
        texte += " ; communes de " + ", ".join(classes_sppe)
    return texte + "."


def regle_tension(par_epci: bool) -> str:
    """La règle en une phrase, au-dessus des filtres : « une commune » ou « un EPCI » selon les lignes jugées."""
    un, _ = unites_texte(par_epci)
    pronom = "il" if par_epci else "elle"
    return (f"**Critères de tension** : {un} est en tension quand {pronom} remplit au moins *k* critères (et tous "
            "les critères exigés).")


def decompte_tension(retenues: int, total: int, epci: bool) -> str:
    """« 9 communes sur 15 en tension » ; « 1 commune sur 15 » ; « 69 EPCI sur 1 255 »."""
    unite = "EPCI" if epci else ("commune" if retenues <= 1 else "communes")
    return f"{fr.nombre(retenues)} {unite} sur {fr.nombre(total)} en tension"


def lignes_tableau(evaluee: pd.DataFrame, retenues_seulement: bool = True) -> pd.DataFrame:
    """Les lignes du tableau « identification des tensions » : les unités retenues (toutes sinon), puis les
    références (EPCI, départements, France)."""
    garder = (evaluee["ordre"] > 0) | evaluee["retenue"] if retenues_seulement else evaluee["ordre"] >= 0
    return evaluee[garder]


def tableau_tensions(t: pd.DataFrame, par_epci: bool) -> pd.DataFrame:
    """Le tableau « identification des tensions » de lignes jugées, en-têtes en français, nombres réels. La vue
    France (par EPCI) n'a pas de colonne « Compétences SPPE »."""
    unite = "EPCI" if par_epci else "Commune"
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
    if not par_epci:
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


TEXTE_SUR_ROUGE = "#1E1F26"  # 4,9:1 sur le rouge le plus soutenu du tableau
LEGENDE_TABLEAU = (f"{commun.MARQUE} : critère rempli (seuils de la sélection). Fond rouge : écart à la référence "
                   "dans le sens de la tension, d'autant plus soutenu que l'écart est grand. Lignes en gris : les "
                   "références, qui ne sont pas jugées (critères remplis sans objet).")


def couleur_ecart(ecart: float, echelle: float) -> str:
    """Fond d'une cellule : rouge d'autant plus soutenu que l'écart au département va vers la tension."""
    if fr.manquant(ecart) or ecart <= 0:
        return ""
    intensite = min(ecart / echelle, 1.0)
    # au plus 0,6 : le texte (TEXTE_SUR_ROUGE) garde un contraste d'au moins 4,5:1 (RGAA ; 0,75 donnait 3,68:1)
    alpha = 0.12 + 0.48 * intensite
    return f"background-color: rgba(215, 48, 39, {alpha:.2f}); color: {TEXTE_SUR_ROUGE}"


def styles_tensions(tableau: pd.DataFrame, t: pd.DataFrame) -> pd.DataFrame:
    """Le style CSS de chaque cellule : rouge selon l'écart de la commune à SON département (à la France en vue
    France) dans le sens de la tension, gris et gras pour les lignes de référence. `t` : les lignes du tableau."""
    styles = pd.DataFrame("", index=tableau.index, columns=tableau.columns)
    for ind, libelle in COLONNES_TENSION.items():
        ecarts = tensions.ecart_tension(t, ind).values
        echelles = (tensions.references(t, ind).abs() * 0.5).clip(lower=5.0).fillna(5.0).values
        styles[libelle] = [couleur_ecart(e, s) for e, s in zip(ecarts, echelles)]
    styles.loc[t["ordre"].values > 0, :] = "font-weight: bold; background-color: #F0F0F0"
    return styles


def marques_tensions(tableau: pd.DataFrame, t: pd.DataFrame) -> pd.DataFrame:
    """Les cellules des critères que chaque unité remplit (seuils de la sélection) : la marque ✔ le dit sans
    couleur."""
    marques = pd.DataFrame(False, index=tableau.index, columns=tableau.columns)
    for ind, libelle in COLONNES_TENSION.items():
        marques[libelle] = t[f"critere_{ind}"].fillna(False).astype(bool).values & (t["ordre"].values == 0)
    return marques


def sans_objet_tensions(tableau: pd.DataFrame, t: pd.DataFrame) -> pd.DataFrame:
    """Les cellules sans objet : les critères remplis des lignes de référence (EPCI, département), qui ne sont pas
    jugées (« n.d. » y laissait croire à une donnée manquante)."""
    vides = pd.DataFrame(False, index=tableau.index, columns=tableau.columns)
    vides["Critères remplis"] = t["ordre"].values > 0
    return vides


def html_tensions(tableau: Tableau, t: pd.DataFrame) -> str:
    """Le tableau « identification des tensions » (ses lignes évaluées `t`) mis en forme, en HTML : fond rouge selon
    l'écart, ✔ où le critère est rempli, rien où il est sans objet, légende sous le tableau."""
    v = tableau.valeurs
    return tableau_html(v, styles_tensions(v, t), tableau.formats, larges=("Compétences SPPE",), titre=tableau.titre,
                        legende=LEGENDE_TABLEAU, marques=marques_tensions(v, t), sans_objet=tableau.sans_objet)


def survol_tensions(unites: pd.DataFrame) -> pd.DataFrame:
    """Textes de survol de la carte : les quatre indicateurs de tension à la française."""
    sortie = pd.DataFrame({"code": unites["code"], "nom": unites["nom"]})
    for ind, libelle in COLONNES_TENSION.items():
        sortie[ind + "_texte"] = [f"{libelle} : {fr.valeur(ind, v)}" for v in unites[ind]]
    return sortie


def table_carte(evaluee: pd.DataFrame, id_indicateur: str, methode: str, filtre: bool) -> tuple[pd.DataFrame, dict]:
    """Unités de la carte et leur classe (« hors filtre » si le filtre s'applique), couleur de chaque classe.
    « Rapport au département » : chaque commune est rapportée à son département."""
    unites = evaluee[evaluee["ordre"] == 0]
    if id_indicateur == tensions.TENSION:
        classes, couleurs = tensions.classer_tension(unites[tensions.TENSION])
    else:
        classes, couleurs = tensions.classer(unites[id_indicateur], id_indicateur, methode,
                                             tensions.references(unites, id_indicateur))
    if filtre:
        classes = classes.where(unites["retenue"], tensions.HORS_FILTRE)
        couleurs = {**couleurs, tensions.HORS_FILTRE: tensions.GRIS_HORS_FILTRE}
    table = survol_tensions(unites).assign(classe=classes.values)
    if id_indicateur not in COLONNES_TENSION and id_indicateur != tensions.TENSION:
        libelle = catalogue.indicateur(id_indicateur).libelle_court
        table["choisi_texte"] = [f"{libelle} : {fr.valeur(id_indicateur, v)}" for v in unites[id_indicateur]]
    table["sppe_texte"] = [f"{fr.nombre(p)} habitants" + (f" · {c}" if isinstance(c, str) else "")
                           for p, c in zip(unites["population"], unites["classe_sppe"])]
    return table, {c: couleurs[c] for c in couleurs if c in set(classes) or c == tensions.NON_DISPONIBLE}


def colonnes_survol(table_carte: pd.DataFrame) -> list[str]:
    """Les colonnes de texte que le survol de la carte affiche."""
    return [c for c in table_carte.columns if c.endswith("_texte")]


def nommees(evaluee: pd.DataFrame) -> list[str]:
    """Les codes des unités que la sélection retient, les plus peuplées d'abord : les noms écrits sur la carte."""
    unites = evaluee[(evaluee["ordre"] == 0) & evaluee["retenue"]]
    return list(unites.sort_values("population", ascending=False, kind="stable")["code"])


def carte_tensions(evaluee: pd.DataFrame, geo: pd.DataFrame, id_indicateur: str, methode: str, filtre: bool,
                   seuil_zone: float, nom_cadre: str, annee: int, filtres_texte: str = "") -> Figure:
    """La carte de la page Tensions : unités colorées par classe, hors filtre grisées, offre insuffisante cernée,
    les unités retenues nommées, la sélection dite dans la légende (elle suit l'image exportée)."""
    table, couleurs = table_carte(evaluee, id_indicateur, methode, filtre)
    note_carte = note(catalogue.INDICATEURS_TENSION, annee, bool(evaluee["demo"].any()),
                      f"Contour violet : offre insuffisante (couverture < {seuil_zone:.0f} % ou aucune place "
                      "collective).")
    libelle = libelle_indicateur_carte(id_indicateur)
    titre = f"{libelle[:1].upper()}{libelle[1:]}, {nom_cadre}, {annee}"
    figure = cartes.choroplethe(table, geo, "classe", couleurs, titre, note_carte, zones=tensions.zones(evaluee),
                                survol=colonnes_survol(table), nommees=nommees(evaluee), filtre=filtres_texte)
    return Figure("carte_tensions", titre, note_carte, figure)


def titre_zones(evaluee: pd.DataFrame, nom: str, annee: int) -> str:
    """« Zones d'offre insuffisante, Loire-Atlantique, 2023 : 15 communes » ; « … : 1 commune » ; « … : 17 EPCI »."""
    unites = evaluee[evaluee["ordre"] == 0]
    n = int(unites["zone_insuffisante"].sum())
    unite = "EPCI" if (unites["niveau"] == "epci").any() else ("commune" if n <= 1 else "communes")
    return f"Zones d'offre insuffisante, {nom}, {annee} : {fr.nombre(n)} {unite}"


def libelle_indicateur_carte(id_indicateur: str) -> str:
    """Libellé d'un indicateur dans le choix de la carte."""
    if id_indicateur == tensions.TENSION:
        return "niveau de tension (critères remplis)"
    return catalogue.indicateur(id_indicateur).libelle


NOMMEES = 2  # communes nommées dans la phrase du décompte : les plus peuplées


def critere_en_mots(ind: str, seuils: tensions.Seuils, par_epci: bool) -> str:
    """Un critère de tension comme un élu le lit : « une couverture inférieure à celle du département »."""
    if ind == "taux_couverture":
        if seuils.taux_couverture is not None:
            return f"une couverture inférieure à {_seuil(seuils.taux_couverture)}"
        return f"une couverture inférieure à celle {'de la France' if par_epci else 'du département'}"
    if ind == "part_am_60_plus":
        return (f"une part élevée d'assistantes maternelles de 60 ans et plus (au moins "
                f"{_seuil(seuils.part_am_60_plus)})")
    if ind == "evolution_enfants_0_2":
        return (f"un nombre d'enfants de moins de 3 ans en hausse d'au moins "
                f"{_seuil(seuils.evolution_enfants_0_2)} en cinq ans")
    return (f"une part élevée d'enfants de moins de 3 ans dont les parents travaillent (au moins "
            f"{_seuil(seuils.part_enfants_0_2_parents_actifs)})")


def phrase_decompte(unites: pd.DataFrame, filtres: tensions.Filtres, par_epci: bool) -> str:
    """« 11 communes sur 207 cumulent une couverture inférieure à celle du département et une part élevée
    d'assistantes maternelles de 60 ans et plus (au moins 15 %), dont Frossay et Trans-sur-Erdre. »"""
    seuils = filtres.seuils
    un, pluriel = unites_texte(par_epci)
    retenues = unites[unites["retenue"]]
    n, total = len(retenues), len(unites)
    sujet = (f"{fr.nombre(n)} {pluriel if n > 1 or par_epci else un.split()[1]} sur {fr.nombre(total)}" if n
             else f"Aucun{'' if par_epci else 'e'} des {fr.nombre(total)} {pluriel}")
    if seuils.exiges:
        verbe = ("cumulent" if n > 1 else "cumule") if len(seuils.exiges) > 1 else ("ont" if n > 1 else "a")
        verbe = verbe if n else ("ne cumule" if len(seuils.exiges) > 1 else "n'a")
        texte = f"{sujet} {verbe} " + " et ".join(critere_en_mots(i, seuils, par_epci) for i in seuils.exiges)
        if seuils.k > len(seuils.exiges):
            texte += f", avec au moins {seuils.k} critères de tension remplis"
    else:
        verbe = ("remplissent" if n > 1 else "remplit") if n else "ne remplit"
        texte = f"{sujet} {verbe} au moins {seuils.k} des quatre critères de tension"
    if set(filtres.classes_sppe) != set(tensions.CLASSES_SPPE) and not par_epci:
        texte += " (communes de " + ", ".join(filtres.classes_sppe) + ")"
    if n:
        noms = list(retenues.sort_values("population", ascending=False, kind="stable")["nom"].head(NOMMEES))
        texte += (", dont " + " et ".join(noms) if n > NOMMEES else " : " + " et ".join(noms))
        if n > NOMMEES:
            texte += f" ({'les plus peuplés' if par_epci else 'les plus peuplées'})"
    return texte + "."


def phrase_critere_frequent(unites: pd.DataFrame, filtres: tensions.Filtres, par_epci: bool) -> str | None:
    """« Le critère le plus souvent rempli : une couverture inférieure à celle du département (120 communes sur
    207). » ; None si aucun critère n'est rempli."""
    comptes = {i: int(unites[f"critere_{i}"].sum()) for i in catalogue.INDICATEURS_TENSION}
    ind = max(comptes, key=comptes.get)
    if not comptes[ind]:
        return None
    _, pluriel = unites_texte(par_epci)
    return (f"Le critère le plus souvent rempli : {critere_en_mots(ind, filtres.seuils, par_epci)} "
            f"({fr.nombre(comptes[ind])} {pluriel} sur {fr.nombre(len(unites))}).")


def phrase_zones(unites: pd.DataFrame, seuil_zone: float, par_epci: bool) -> str:
    """« 35 communes sont en zone d'offre insuffisante (couverture sous 50 % ou aucune place d'accueil collectif). »"""
    n = int(unites["zone_insuffisante"].sum())
    un, pluriel = unites_texte(par_epci)
    sujet = f"{fr.nombre(n)} {pluriel if n > 1 or par_epci else un.split()[1]}"
    verbe = "sont" if n > 1 else "est"
    if not n:
        sujet, verbe = f"Aucun{'' if par_epci else 'e'} {un.split()[1]}", "n'est"
    return (f"{sujet} {verbe} en zone d'offre insuffisante (couverture sous {_seuil(seuil_zone)} ou aucune place "
            "d'accueil collectif).")


def resume_tensions(evaluee: pd.DataFrame, filtres: tensions.Filtres, par_epci: bool) -> list[str]:
    """Le résumé de la page Tensions : combien d'unités sont en tension avec ces filtres (les plus peuplées
    nommées), le critère le plus fréquent, les zones d'offre insuffisante."""
    unites = evaluee[evaluee["ordre"] == 0]
    return [p for p in (phrase_decompte(unites, filtres, par_epci), phrase_critere_frequent(unites, filtres, par_epci),
                        phrase_zones(unites, filtres.zone, par_epci)) if p]


def resume_sppe(ligne: pd.Series) -> str:
    """« 18 745 habitants · compétences SPPE : … » pour le portrait court d'une commune de la carte."""
    texte = f"{fr.nombre(ligne['population'])} habitants"
    if isinstance(ligne.get("competences_sppe"), str):
        texte += f" · compétences SPPE : {ligne['competences_sppe']}"
    if ligne.get("zone_insuffisante"):
        texte += " · offre insuffisante"
    return texte


def lire_tensions(req: Requetes, cadre: str, annee: int, indicateur: str = tensions.TENSION) -> pd.DataFrame:
    """Les lignes que juge la vue Tensions d'un cadre (unités, références), avec l'indicateur de la carte : tout ce
    qu'elle lit dans les données. Un changement de filtre ne les change pas (la page les garde en cache)."""
    return jeux.tensions(req, cadre, annee, autres=tensions.indicateurs_a_lire(indicateur))


def vue_tensions(req: Requetes, territoire: str, annee: int, filtres: tensions.Filtres = tensions.Filtres(),
                 indicateur: str = tensions.TENSION, methode: str = tensions.METHODES[0], griser: bool = True,
                 tout_voir: bool = False, table: pd.DataFrame | None = None) -> VueTensions:
    """La page Tensions d'un territoire (vu dans son EPCI s'il est une commune, par EPCI pour la France) et d'une
    année, pour une sélection : la page, la fiche, la ligne de commande et le banc l'appellent tous. `table` : les
    lignes lues du cadre (lire_tensions), si elles le sont déjà ; elles ne dépendent pas des filtres."""
    cadre = jeux.cadre_tensions(req, territoire)
    nom = jeux.territoire(req, cadre)["nom"]
    par_epci = cadre == "france"
    table = lire_tensions(req, cadre, annee, indicateur) if table is None else table
    evaluee = tensions.evaluer(table, filtres)
    retenues, total = tensions.decompte(evaluee)
    demo = bool(evaluee["demo"].any())
    filtres_texte = texte_filtres(filtres, par_epci)
    _, unites = unites_texte(par_epci)
    note_tableau = note(catalogue.INDICATEURS_TENSION, annee, demo,
                        f"{filtres_texte} Rouge : {reference_tensions(par_epci)[1]} dans le sens de la tension.")
    fichier = f"tensions_{cadre.replace(':', '_')}_{annee}"
    lignes = lignes_tableau(evaluee, retenues_seulement=not tout_voir)
    zones = evaluee[evaluee["zone_insuffisante"] | (evaluee["ordre"] > 0)]
    valeurs, valeurs_zones = tableau_tensions(lignes, par_epci), tableau_tensions(zones, par_epci)
    tableau = Tableau(f"Identification des tensions, {nom}, {annee}", note_tableau, valeurs, formats_tensions(),
                      formats_excel_tensions(), fichier, sans_objet_tensions(valeurs, lignes))
    tableau_zones = Tableau(titre_zones(evaluee, nom, annee), note_tableau, valeurs_zones, formats_tensions(),
                            formats_excel_tensions(), f"zones_{fichier}", sans_objet_tensions(valeurs_zones, zones))
    return VueTensions(
        cadre=cadre, nom=nom, annee=annee, par_epci=par_epci, titre=f"Tensions SPPE · {nom}",
        sous_titre=f"{annee} · service public de la petite enfance (loi du 18 décembre 2023) : repérer les zones où "
                   "l'offre d'accueil est insuffisante ou difficile d'accès."
                   + (" France entière : une ligne par EPCI." if par_epci else ""),
        regle=regle_tension(par_epci), decompte=decompte_tension(retenues, total, par_epci), filtres=filtres_texte,
        demo=demo, source=note(catalogue.INDICATEURS_TENSION, annee, demo),
        carte=carte_tensions(evaluee, cartes.contours(req, cadre), indicateur, methode, griser, filtres.zone, nom,
                             annee, filtres_texte),
        tableau=tableau, html_tableau=html_tensions(tableau, lignes),
        zones=tableau_zones, html_zones=html_tensions(tableau_zones, zones),
        # pour la CLI, « en_tension » est ce que compte le décompte : en tension et retenue (filtre SPPE compris)
        lignes=lignes.assign(criteres_remplis=lignes[tensions.TENSION], en_tension=lignes["retenue"]),
        unites=evaluee[evaluee["ordre"] == 0], resume=resume_tensions(evaluee, filtres, par_epci))


def panneau(req: Requetes, vue: VueTensions, code: str) -> Panneau | None:
    """Le portrait court d'une unité de la carte (cliquée, ou `commune` de l'URL) : population, compétences SPPE,
    offre insuffisante, et ses chiffres de tension comparés à son département ; None si elle n'est pas sur la carte."""
    lignes = vue.unites[vue.unites["code"] == code]
    if lignes.empty:
        return None
    ligne = lignes.iloc[0]
    portrait = jeux.portrait_territoire(req, ligne["territoire"], vue.annee)
    chiffres = [c if isinstance(c, Chiffre) else Chiffre(**c)
                for c in chiffres_territoire(portrait, CHIFFRES_TENSION)]
    return Panneau(f"**{ligne['nom']}** · {resume_sppe(ligne)}", chiffres)
