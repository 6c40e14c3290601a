"""Vue de la page Chargés de coopération : EPCI, postes, priorités (tension SPPE et coopération), enquête flash."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from portrait.donnees import jeux
from portrait.donnees.requetes import Requetes
from portrait.regles import cooperation as coop
from portrait.regles import tensions
from portrait.vues import cartes, graphiques
from portrait.vues import francais as fr
from portrait.vues.commun import Chiffre, Figure, Tableau, enumeration, pourcent_entier
from portrait.vues.tensions import colonnes_survol, texte_filtres

RATIOS = {"etp_pour_1000_enfants_0_2": "ETP pour 1 000 enfants de 0 à 2 ans",
          "etp_pour_10000_habitants": "ETP pour 10 000 habitants"}
FORMAT_ETP = "0.00"  # Excel : deux décimales, affichées à la française par un Excel français
FORMAT_EUROS = '#,##0" €"'
FORMAT_PART = '0.0" %"'
PRIORITAIRE = "forte tension, peu de coopération"
COLONNES_CLI = ("code", "nom", *(f"etp_{t}" for t in coop.THEMATIQUES), "etp_total", "etp_pour_1000_enfants_0_2",
                "financement_estime", "alertes", "part_communes_en_tension", "prioritaire")


@dataclass
class DonneesFrance:
    """Tous les EPCI de France : leurs chargés de coopération, et toutes les communes à juger (repères nationaux du
    quadrant, calculés une fois par année et par état des données)."""

    epci: pd.DataFrame  # jeux.cooperation(req, "france", annee)[0]
    communes: pd.DataFrame  # jeux.tensions_communes(req, "france", annee)

    @property
    def aucun_poste(self) -> bool:
        """Aucun poste enregistré cette année, nulle part : des données manquent, les priorités ne s'établissent pas."""
        return bool(self.epci["sans_poste"].all())


@dataclass
class VueCooperation:
    """Tout ce que montre la page Chargés de coopération (et que reprennent la fiche et la ligne de commande)."""

    cadre: str
    nom: str
    annee: int
    titre: str
    sous_titre: str
    note: str
    demo: bool
    chiffres: list[Chiffre]
    carte: Figure
    tableau: Tableau  # une ligne par EPCI
    priorites: Figure  # le nuage tension / coopération, médianes de France
    titre_priorites: str
    filtres: str  # les filtres de tension (ceux de la page Tensions), en une phrase
    prioritaires: list[str]  # les EPCI « forte tension, peu de coopération », du plus tendu au moins tendu
    phrase_prioritaires: str
    tableau_prioritaires: Tableau
    postes: Tableau
    enquete: Tableau
    note_enquete: str
    activites: Figure
    lignes: pd.DataFrame  # une ligne par EPCI : synthèse, part en tension, prioritaire (la CLI)
    resume: list[str] = field(default_factory=list)  # le résumé écrit, en tête de page


def donnees_france(req: Requetes, annee: int) -> DonneesFrance:
    """Les EPCI et les communes de toute la France pour une année (quelques secondes : à garder en cache)."""
    return DonneesFrance(jeux.cooperation(req, "france", annee)[0], jeux.tensions_communes(req, "france", annee))


def priorites_france(france: DonneesFrance, filtres: tensions.Filtres) -> tuple[pd.DataFrame, float, float]:
    """Tous les EPCI de France avec leur part de communes en tension (la règle de la page Tensions, mêmes filtres),
    les médianes nationales (ETP petite enfance pour 1 000 enfants, part en tension) et « prioritaire » : au-dessus
    de la médiane de tension, au plus la médiane de coopération. Un EPCI a la même réponse quel que soit le
    territoire affiché."""
    parts = tensions.part_en_tension_par_epci(france.communes, filtres)
    sortie = france.epci[["code", "etp_pe_pour_1000_enfants_0_2"]].merge(
        parts[["code", "part_communes_en_tension"]], on="code", how="left")
    x = float(sortie["etp_pe_pour_1000_enfants_0_2"].fillna(0).median())
    y = float(sortie["part_communes_en_tension"].median())
    x, y = (0.0 if v != v else v for v in (x, y))
    sortie["prioritaire"] = ((sortie["part_communes_en_tension"] >= y)
                             & (sortie["etp_pe_pour_1000_enfants_0_2"].fillna(0) <= x)
                             & (not france.aucun_poste))
    return sortie[["code", "part_communes_en_tension", "prioritaire"]], x, y


def tableau_cooperation(synthese: pd.DataFrame) -> pd.DataFrame:
    """Une ligne par EPCI : ETP par thématique, total, ratios, financement estimé et alertes en clair."""
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


def formats_etp(tableau: pd.DataFrame) -> dict:
    """« 1,13 » : toute colonne d'ETP à deux décimales, à la française."""
    return {c: (lambda v: fr.nombre(v, 2)) for c in tableau.columns if c.startswith("ETP")}


def formats_cooperation(tableau: pd.DataFrame) -> dict:
    """Formateurs français du tableau des chargés de coopération."""
    f = formats_etp(tableau)
    f["Financement estimé (€)"] = lambda v: fr.nombre(v) + "\u00a0€" if not fr.manquant(v) else fr.NON_DISPONIBLE
    return f


def formats_excel_cooperation(tableau: pd.DataFrame) -> dict[str, str]:
    f = {c: FORMAT_ETP for c in tableau.columns if c.startswith("ETP")}
    f["Financement estimé (€)"] = FORMAT_EUROS
    return f


def tableau_postes(postes: pd.DataFrame, noms_visibles: bool) -> pd.DataFrame:
    """Les postes : EPCI, intitulé, personne (masquée par défaut), thématique, ETP, COF, COPIL."""
    return pd.DataFrame({
        "EPCI": postes["employeur"].values,
        "Personne": (postes["nom"] if noms_visibles else coop.masquer_noms(postes)).values,
        "Intitulé du poste": postes["intitule_poste"].values,
        "Thématique": postes["thematique"].map(coop.THEMATIQUES).values,
        "ETP valorisés": postes["etp_valorises"].astype(float).values,
        "ETP réels": postes["etp_reels"].astype(float).values,
        "COF signée": postes["cof_signee"].map({True: "oui", False: "non"}).values,
        "COPIL": postes["copil"].values,
    })


def table_carte_cooperation(synthese: pd.DataFrame, colonne: str) -> tuple[pd.DataFrame, dict]:
    """Classes de la carte des EPCI (quantiles du ratio choisi) ; « aucun poste » à part, en noir."""
    couverts = synthese[~synthese["sans_poste"]]
    valeurs = synthese[colonne].where(~synthese["sans_poste"])
    bornes = list(pd.Series(couverts[colonne]).dropna().quantile([0.2, 0.4, 0.6, 0.8]).dropna().unique())
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


def chiffres_cooperation(synthese: pd.DataFrame) -> list[Chiffre]:
    """Les grands nombres de la page : ETP, EPCI couverts, financement estimé, EPCI en alerte."""
    couverts = int((~synthese["sans_poste"]).sum())
    en_alerte = int((synthese["alertes"] != "").sum())
    return [
        Chiffre("ETP valorisés", fr.nombre(synthese["etp_total"].sum(), 2)),
        Chiffre("EPCI couverts", f"{fr.nombre(couverts)} sur {fr.nombre(len(synthese))}"),
        Chiffre("Financement Caf estimé", fr.nombre(synthese["financement_estime"].sum()) + "\u00a0€"),
        Chiffre("EPCI avec au moins une alerte", fr.nombre(en_alerte)),
    ]


def note_cooperation(annee: int, demo: bool) -> str:
    """Source des données de coopération."""
    texte = (f"Sources : Caf, enquête flash et déclarations Maia des chargés de coopération ; Insee (enfants de 0 à "
             f"2 ans, populations légales). Année {annee}. Financement estimé = ETP × forfait.")
    return texte + (" Valeurs de démonstration (Charente : ETP réels du document 003)." if demo else "")


def tableau_priorites(priorites: pd.DataFrame) -> pd.DataFrame:
    """Les EPCI du quadrant prioritaire : part des communes en tension, ETP petite enfance pour 1 000 enfants."""
    q = priorites[priorites["prioritaire"]].sort_values("part_communes_en_tension", ascending=False, kind="stable")
    return pd.DataFrame({"EPCI": q["nom"].values, "Siren": q["code"].values,
                         "% des communes en tension": q["part_communes_en_tension"].values,
                         "ETP petite enfance pour 1 000 enfants 0-2 ans": q["etp_pe_pour_1000_enfants_0_2"].values})


def note_priorites(note: str, x: float, y: float, filtres: str) -> str:
    """La note du nuage : d'où viennent ses lignes (médianes de tous les EPCI de France) et quels filtres de tension."""
    return (f"{note} Lignes : médianes de tous les EPCI de France ({fr.nombre(x, 2)} ETP petite enfance pour 1 000 "
            f"enfants, {fr.nombre(y, 0)} % des communes en tension) : un EPCI est classé de la même façon quel que "
            f"soit le territoire affiché. Tension des communes, chacune comparée à son département : {filtres}")


def sans_poste_connu(annee: int) -> str:
    """La phrase d'une année sans aucun poste enregistré en France : l'absence de données n'est pas l'absence de
    chargés de coopération."""
    return (f"Aucun poste de chargé de coopération n'est enregistré en {annee}, nulle part en France : ce n'est pas "
            "l'absence de chargés de coopération mais celle des données ; importez l'enquête flash ou le fichier "
            f"des postes de {annee} (page Données). Les priorités ne peuvent pas être établies.")


def resume_cooperation(synthese: pd.DataFrame, nom: str, annee: int, prioritaires: list[str],
                       aucun_poste_connu: bool = False) -> list[str]:
    """Le résumé de la page Coopération, des grands nombres mêmes de la page : ETP, EPCI couverts, financement,
    alertes, EPCI « forte tension, peu de coopération »."""
    if aucun_poste_connu:
        return [sans_poste_connu(annee)]
    couverts = int((~synthese["sans_poste"]).sum())
    en_alerte = int((synthese["alertes"] != "").sum())
    n = len(prioritaires)
    return [
        f"En {annee}, {nom} compte {fr.nombre(synthese['etp_total'].sum(), 2)} ETP de chargés de coopération "
        f"valorisés, dans {fr.nombre(couverts)} EPCI sur {fr.nombre(len(synthese))} ; financement Caf estimé : "
        f"{fr.nombre(synthese['financement_estime'].sum())}\u00a0€.",
        f"{fr.nombre(en_alerte)} EPCI {'ont' if en_alerte > 1 else 'a'} au moins une alerte du référentiel."
        if en_alerte else "Aucun EPCI n'a d'alerte du référentiel.",
        (f"{fr.nombre(n)} EPCI {'cumulent' if n > 1 else 'cumule'} une forte tension SPPE et peu de coopération "
         f"petite enfance : {enumeration(prioritaires, 5)}.") if n
        else "Aucun EPCI ne cumule une forte tension SPPE et peu de coopération petite enfance.",
    ]


def vue_cooperation(req: Requetes, territoire: str, annee: int, forfait: float = coop.FORFAIT_ETP,
                    filtres: tensions.Filtres = tensions.Filtres(), ratio: str = "etp_pour_1000_enfants_0_2",
                    noms_visibles: bool = False, france: DonneesFrance | None = None) -> VueCooperation:
    """La page Chargés de coopération d'un territoire (une commune y est vue dans son EPCI, une région dans la
    France) et d'une année : la page, la fiche et la ligne de commande l'appellent. `france` : les repères
    nationaux déjà calculés (donnees_france), sinon ils le sont ici."""
    cadre = jeux.cadre_tensions(req, territoire)
    nom = jeux.territoire(req, cadre)["nom"]
    synthese, postes = jeux.cooperation(req, cadre, annee, forfait)
    demo = bool(synthese["demo"].any())
    note = note_cooperation(annee, demo)
    fichier = f"{cadre.replace(':', '_')}_{annee}"
    france = donnees_france(req, annee) if france is None else france
    parts, x, y = priorites_france(france, filtres)
    aucun = france.aucun_poste
    lignes = synthese.merge(parts, on="code", how="left")
    lignes["prioritaire"] = lignes["prioritaire"].fillna(False).astype(bool)
    filtres_texte = texte_filtres(filtres, par_epci=False)

    table_carte, couleurs = table_carte_cooperation(synthese, ratio)
    titre_carte = f"{RATIOS[ratio]}, {nom}, {annee}"
    carte = Figure("carte_cooperation", titre_carte, note, cartes.choroplethe(
        table_carte, cartes.contours(req, cadre, "epci"), "classe", couleurs, titre_carte, note,
        survol=colonnes_survol(table_carte)))
    tableau = tableau_cooperation(synthese)
    titre_nuage = f"Tension SPPE et coopération petite enfance, {nom}, {annee}"
    note_nuage = note_priorites(note, x, y, filtres_texte)
    prioritaires = tableau_priorites(lignes)
    noms = list(prioritaires["EPCI"])
    oui, comptes = coop.resume_enquete(postes)
    note_enquete = "Part des postes répondant « Oui », par thématique. " + note
    titre_activites = f"Réunions et instances dans l'année, {nom}, {annee}"
    affiches = tableau_postes(postes, noms_visibles)
    return VueCooperation(
        cadre=cadre, nom=nom, annee=annee, titre=f"Chargés de coopération CTG · {nom}",
        sous_titre=f"{annee} · postes financés par la Caf dans les conventions territoriales globales, par EPCI ; "
                   "alertes du référentiel (au moins 0,2 ETP par affectation, thématiques obligatoires, COPIL, COF).",
        note=note, demo=demo, chiffres=chiffres_cooperation(synthese), carte=carte,
        tableau=Tableau(f"Chargés de coopération par EPCI, {nom}, {annee}", note, tableau,
                        formats_cooperation(tableau), formats_excel_cooperation(tableau), f"cooperation_{fichier}"),
        priorites=Figure("priorites", titre_nuage, note_nuage,
                         graphiques.nuage_priorites(lignes, x, y, titre_nuage, note_nuage)),
        titre_priorites=f"Priorités : tension SPPE et coopération petite enfance, {nom}, {annee}",
        filtres=filtres_texte, prioritaires=noms,
        phrase_prioritaires=sans_poste_connu(annee) if aucun else
        f"Forte tension, peu de coopération ({len(noms)} EPCI) : {enumeration(noms)}.",
        tableau_prioritaires=Tableau(f"Les {len(noms)} EPCI « {PRIORITAIRE} », {nom}, {annee}", note_nuage,
                                     prioritaires, {"% des communes en tension": lambda v: fr.pourcent(v, 1),
                                                    **formats_etp(prioritaires)},
                                     {"% des communes en tension": FORMAT_PART, **formats_excel_cooperation(
                                         prioritaires)}, f"priorites_{fichier}"),
        postes=Tableau(f"Postes de chargés de coopération, {nom}, {annee}",
                       note + ("" if noms_visibles else " Noms masqués."), affiches, formats_etp(affiches),
                       formats_excel_cooperation(affiches), f"postes_{fichier}"),
        enquete=Tableau(f"Enquête flash : activités déclarées, {nom}, {annee}", note_enquete, oui,
                        {c: pourcent_entier for c in oui.columns if c != "question"}, {}, f"enquete_{fichier}"),
        note_enquete=note_enquete,
        activites=Figure("boites_activite", titre_activites, note, graphiques.boites(comptes, titre_activites, note)),
        lignes=lignes, resume=resume_cooperation(synthese, nom, annee, noms, aucun))
