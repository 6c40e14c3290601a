"""Vue de la page Accueil : les chiffres clés du territoire face à ses comparateurs, et d'où viennent les données."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

import pandas as pd

from portrait.donnees import jeux
from portrait.donnees.requetes import Requetes
from portrait.regles import catalogue
from portrait.vues import commun, resume
from portrait.vues import francais as fr
from portrait.vues.commun import CHIFFRES_CLES, NIVEAUX_LIBELLES, Chiffre, Tableau

NOTE_ETAT = ("Démonstration : valeurs générées, calées sur le document 004. Populations légales : Insee, réelles. "
             "Les fichiers importés remplacent la démonstration.")


@dataclass
class Accueil:
    """Tout ce que montre la page Accueil ; `lignes` : les mêmes valeurs, une ligne par territoire (la CLI)."""

    titre: str
    legende: str
    demo: bool
    chiffres: list[Chiffre]
    comparaison: Tableau  # une ligne par territoire ; la page la montre un indicateur par ligne
    etat: Tableau
    lignes: pd.DataFrame  # niveau, code, nom, une colonne par indicateur du catalogue (nombres réels)
    resume: list[str] = field(default_factory=list)  # le résumé écrit, en tête de page et de la fiche


def colonne_territoire(portrait: pd.DataFrame) -> list[str]:
    """« Bêta (Commune) », « CC Test Un (EPCI) », « France » : le nom de chaque territoire comparé."""
    return [f"{nom} ({NIVEAUX_LIBELLES[niv]})" if niv != "france" else nom
            for nom, niv in zip(portrait["nom"], portrait["niveau"])]


def tableau_comparaison(portrait: pd.DataFrame, titre: str, note: str, fichier: str,
                        ids: tuple[str, ...] = CHIFFRES_CLES) -> Tableau:
    """Les chiffres clés de chaque territoire comparé : une colonne par indicateur, au libellé du catalogue."""
    libelles = {i: catalogue.indicateur(i).libelle for i in ids}
    valeurs = pd.DataFrame({"Territoire": colonne_territoire(portrait),
                            **{libelles[i]: portrait[i].to_numpy() for i in ids}})
    formats = {libelles[i]: partial(fr.valeur, i) for i in ids}
    return Tableau(titre, note, valeurs, formats, {libelles[i]: commun.format_excel(i) for i in ids}, fichier)


def tableau_etat(etat: pd.DataFrame) -> Tableau:
    """Le panneau « données affichées » : indicateur, provenance, années couvertes, nombre de valeurs."""
    from portrait.surfaces.exports import FORMAT_NOMBRE

    valeurs = commun.etat_donnees(etat)
    valeurs["Valeurs"] = etat["nb_valeurs"].to_numpy() if len(etat) else []
    return Tableau("Données affichées : provenance et années", NOTE_ETAT, valeurs, {"Valeurs": fr.nombre},
                   {"Valeurs": FORMAT_NOMBRE}, "donnees_affichees")


def accueil(req: Requetes, territoire: str, annee: int) -> Accueil:
    """La page Accueil d'un territoire et d'une année : chiffres clés, écart au département, comparateurs."""
    info = jeux.territoire(req, territoire)
    portrait = jeux.portrait_territoire(req, info["territoire"], annee)
    demo = bool(portrait["demo"].any())
    nom = info["nom"]
    comparaison = tableau_comparaison(
        portrait, f"Chiffres clés, {nom} et ses territoires de comparaison, {annee}",
        commun.note_source(CHIFFRES_CLES, annee, demo), f"chiffres_cles_{info['code']}_{annee}")
    return Accueil(
        titre=f"Portrait de territoire · {nom}",
        legende=f"Petite enfance, {annee} · {NIVEAUX_LIBELLES[info['niveau']]} {info['code']}",
        demo=demo,
        chiffres=commun.chiffres_territoire(portrait),
        comparaison=comparaison,
        etat=tableau_etat(jeux.etat_donnees(req, info["territoire"])),
        lignes=portrait.drop(columns=["ordre", "demo"]),
        resume=resume.resume_portrait(portrait, annee),
    )
