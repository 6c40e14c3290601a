"""Une vue est une adresse : paramètres de l'URL lus au premier affichage, écrits à chaque changement.

PARAMETRES est LA table des paramètres d'URL (nom, nature, défaut, bornes ou valeurs permises) : chaque page lit
les siens une fois en haut (`lire`), les écrit une fois en bas (`ecrire`). Le territoire et l'année, que seule la
géographie et les données disent valides, sont lus et écrits par le sélecteur de la barre latérale (ecran).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import streamlit as st

from portrait.regles import catalogue, cooperation, tensions
from portrait.vues import francais
from portrait.vues.cooperation import RATIOS
from portrait.vues.tensions import CHOIX_CARTE

NATURES = ("choix", "liste", "codes", "nombre", "entier", "booleen", "texte")  # codes : une liste sans valeurs fixées
THEME_DEFAUT = "taux de couverture petite enfance"


@dataclass(frozen=True)
class Parametre:
    """Un paramètre d'URL, qui est aussi la clé de son widget : sa nature, sa valeur par défaut, ses bornes (nombre,
    entier) ou ses valeurs permises (choix, liste). Une valeur illisible ou hors des valeurs permises est ignorée."""

    nom: str
    nature: str
    defaut: object = None
    options: tuple = ()
    bornes: tuple[float, float] | None = None
    decimales: int | None = None  # un nombre écrit arrondi (forfait=24000) ; sinon tel quel (am60=20.0)

    def valider(self, texte: str):
        """La valeur d'un texte, ou ValueError (en français) s'il n'est pas permis : la ligne de commande refuse ce
        que l'URL ignore. Un nombre hors bornes est ramené dans les bornes."""
        if self.nature in ("choix", "liste"):
            valeurs = [v.strip() for v in texte.split(",") if v.strip()] if self.nature == "liste" else [texte]
            if inconnues := [v for v in valeurs if v not in self.options]:
                raise ValueError(f"{self.nom} : « {', '.join(inconnues)} » inconnu ; valeurs permises : "
                                 f"{', '.join(map(str, self.options))}.")
            return valeurs if self.nature == "liste" else texte
        if self.nature == "booleen":
            if texte not in ("true", "false"):
                raise ValueError(f"{self.nom} : « {texte} » ; écrivez true ou false.")
            return texte == "true"
        if self.nature == "texte":
            return texte
        if self.nature == "codes":
            return [v.strip() for v in texte.split(",") if v.strip()]
        try:
            valeur = int(texte) if self.nature == "entier" else float(texte)
        except ValueError:
            raise ValueError(f"{self.nom} : « {texte} » n'est pas un nombre.") from None
        if not math.isfinite(valeur):  # float() lit « nan » et « inf » : un forfait nan donnait 0 € de financement
            raise ValueError(f"{self.nom} : « {texte} » n'est pas un nombre.")
        return min(max(valeur, type(valeur)(self.bornes[0])), type(valeur)(self.bornes[1])) if self.bornes else valeur

    def lire(self, texte: str | None):
        """La valeur d'un texte d'URL ; absent ou illisible : la valeur par défaut. Une liste garde ses valeurs
        permises (« exiges=part_am_60_plus,inconnu » : part_am_60_plus)."""
        if texte is None or texte == "":
            return list(self.defaut) if self.nature == "liste" else self.defaut
        if self.nature == "liste":
            return [v for v in texte.split(",") if v in self.options]
        if self.nature == "codes":
            return [v.strip() for v in texte.split(",") if v.strip()]
        try:
            return self.valider(texte)
        except ValueError:
            return self.defaut

    def examiner(self, texte: str | None) -> tuple[object, str | None]:
        """Comme `lire`, avec la phrase qui dit ce qui a été écarté d'un texte d'URL (None s'il est lu tel quel) :
        la barre latérale la montre comme un territoire inconnu (alerte_url)."""
        valeur = self.lire(texte)
        if texte is None or texte == "":
            return valeur, None
        if self.nature == "liste":
            ecartees = [v for v in texte.split(",") if v not in self.options]
            return valeur, (f"Paramètre {self.nom} : « {', '.join(ecartees)} » inconnu, ignoré."
                            if ecartees else None)
        try:
            lue = self.valider(texte)
        except ValueError as e:
            defaut = "aucun" if self.defaut is None else self.texte_defaut()
            return valeur, f"Paramètre {e} Valeur par défaut : {defaut}."
        if self.nature in ("nombre", "entier") and lue != (int(texte) if self.nature == "entier" else float(texte)):
            return valeur, f"Paramètre {self.nom} : « {texte} » hors des bornes, ramené à {francais.nombre(lue, 1)}."
        return valeur, None

    def texte_defaut(self) -> str:
        """La valeur par défaut écrite pour l'utilisateur."""
        if self.nature == "booleen":
            return "oui" if self.defaut else "non"
        if self.nature in ("nombre", "entier"):
            return francais.nombre(self.defaut, 0 if float(self.defaut).is_integer() else 1)
        return str(self.defaut)

    def texte(self, valeur) -> str | None:
        """Le texte d'URL d'une valeur ; None (le paramètre quitte l'URL) pour la valeur par défaut, une valeur
        vidée ou une liste vide : une vue partagée n'écrit que ce qui la distingue."""
        if valeur is None or (self.nature == "liste" and (not valeur or list(valeur) == list(self.defaut))):
            return None
        if valeur == self.defaut:
            return None
        if self.nature in ("liste", "codes"):
            return ",".join(valeur) or None
        if self.nature == "booleen":
            return "true" if valeur else "false"
        if self.nature == "entier" or (self.nature == "nombre" and self.decimales == 0):
            return f"{valeur:.0f}"
        return str(float(valeur)) if self.nature == "nombre" else str(valeur)


PARAMETRES: dict[str, Parametre] = {p.nom: p for p in (
    # Tensions SPPE : carte
    Parametre("indicateur", "choix", tensions.TENSION, options=CHOIX_CARTE),
    Parametre("methode", "choix", tensions.METHODES[0], options=tensions.METHODES),
    Parametre("filtre_carte", "booleen", True),
    # Tensions SPPE : filtres (lus aussi par la page Coopération, qui compte les communes en tension)
    Parametre("evolution", "nombre", tensions.SEUIL_EVOLUTION_ENFANTS, bornes=(-100.0, 100.0)),
    Parametre("am60", "nombre", tensions.SEUIL_AM_60_PLUS, bornes=(-100.0, 100.0)),
    Parametre("actifs", "nombre", tensions.SEUIL_PARENTS_ACTIFS, bornes=(-100.0, 100.0)),
    Parametre("couverture", "nombre", None, bornes=(0.0, 300.0)),
    Parametre("k", "entier", tensions.K_DEFAUT, bornes=(1, 4)),
    Parametre("exiges", "liste", (), options=catalogue.INDICATEURS_TENSION),
    Parametre("sppe", "liste", tensions.CLASSES_SPPE, options=tensions.CLASSES_SPPE),
    Parametre("zone", "nombre", tensions.SEUIL_ZONE_INSUFFISANTE, bornes=(-100.0, 300.0)),
    # Tensions SPPE : tableau, zones, commune choisie sur la carte
    Parametre("tout_voir", "booleen", False),
    Parametre("zones", "booleen", False),
    Parametre("commune", "texte"),
    Parametre("au", "texte"),  # retour dans le temps : l'identifiant d'un import (surfaces/cache.py::au)
    # Chargés de coopération
    Parametre("forfait", "nombre", float(cooperation.FORFAIT_ETP), bornes=(0.0, 200_000.0), decimales=0),
    Parametre("ratio", "choix", next(iter(RATIOS)), options=tuple(RATIOS)),
    # Détail par indicateur : le mode par défaut est le premier du thème ; les communes suivies sont des codes que la
    # vue retient s'ils sont du territoire (absent : la commune choisie, ou les premières)
    Parametre("theme", "choix", THEME_DEFAUT, options=tuple(catalogue.THEMES_DETAIL)),
    Parametre("mode", "choix", None, options=catalogue.MODES_DETAIL),
    Parametre("communes", "codes"),
)}
FILTRES_TENSIONS = ("evolution", "am60", "actifs", "couverture", "k", "exiges", "sppe", "zone")
PAGE_TENSIONS = ("indicateur", "methode", "filtre_carte", *FILTRES_TENSIONS, "tout_voir", "zones", "commune")
PAGE_COOPERATION = ("forfait", "ratio", *FILTRES_TENSIONS)
PAGE_DETAIL = ("theme", "mode", "communes")


def lire(*noms: str) -> None:
    """En haut d'une page : chaque paramètre garde sa valeur de la session (le widget, ou la page précédente), sinon
    la prend dans l'URL, sinon sa valeur par défaut. La valeur est reposée dans la session : elle survit au passage
    par une page qui n'a pas son widget (les filtres de Tensions vus depuis Coopération, puis de retour)."""
    alertes = []
    for nom in noms:
        if nom in st.session_state:
            st.session_state[nom] = st.session_state[nom]
            continue
        st.session_state[nom], alerte = PARAMETRES[nom].examiner(st.query_params.get(nom))
        alertes += [alerte] if alerte else []
    if alertes:  # montrées par la barre latérale, avec celles du territoire et de l'année ; `ecrire` corrige l'URL
        st.session_state["alerte_url"] = "\n\n".join(filter(None, [st.session_state.get("alerte_url"), *alertes]))


def valeurs(*noms: str) -> dict:
    """Les valeurs courantes de quelques paramètres (lus par `lire`)."""
    return {nom: st.session_state[nom] for nom in noms}


def ecrire(*noms: str) -> None:
    """En bas d'une page : ses paramètres recopiés dans l'URL, en un message ; une valeur par défaut en sort."""
    ecrire_url(**{nom: PARAMETRES[nom].texte(st.session_state.get(nom)) for nom in noms})


def reinitialiser(*noms: str) -> None:
    """Rappel d'un bouton « Réinitialiser » : ces paramètres reprennent leur valeur par défaut et quittent l'URL."""
    for nom in noms:
        st.session_state[nom] = PARAMETRES[nom].lire(None)
        st.query_params.pop(nom, None)


def filtres(v: dict) -> tensions.Filtres:
    """Les filtres de tension de valeurs de paramètres (nom -> valeur ; un paramètre absent prend sa valeur par
    défaut) : l'URL, la session ou les options de la ligne de commande donnent la même sélection."""
    v = {nom: v[nom] if nom in v else PARAMETRES[nom].lire(None) for nom in FILTRES_TENSIONS}
    seuils = tensions.Seuils(v["evolution"], v["am60"], v["actifs"], v["couverture"], v["k"], tuple(v["exiges"]))
    return tensions.Filtres(seuils, v["zone"], tuple(v["sppe"]))


def filtres_tensions() -> tensions.Filtres:
    """Les filtres de tension de la session (lus par `lire`) : ceux de la page Tensions, que Coopération reprend."""
    return filtres(valeurs(*FILTRES_TENSIONS))


def ecrire_url(**valeurs) -> None:
    """Recopie les choix de la page dans l'URL : une vue partagée s'ouvre à l'identique. Une valeur None ou une liste
    vide (un seuil vidé, plus de commune choisie, aucun critère exigé) retire le paramètre : l'URL ne garde pas un
    choix abandonné, et la vue rouverte reprend la valeur par défaut. Seuls les changements partent vers le
    navigateur, en un message : chaque écriture de st.query_params en envoie un, que le navigateur traite."""
    a_ecrire = {}
    for cle, valeur in valeurs.items():
        if valeur is None or (isinstance(valeur, list | tuple) and not valeur):
            st.query_params.pop(cle, None)
            continue
        if isinstance(valeur, bool):
            texte = "true" if valeur else "false"
        else:
            texte = ",".join(valeur) if isinstance(valeur, list | tuple) else str(valeur)
        if st.query_params.get(cle) != texte:
            a_ecrire[cle] = texte
    if a_ecrire:
        st.query_params.update(a_ecrire)
