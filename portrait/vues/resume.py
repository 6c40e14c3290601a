"""Le résumé écrit d'un portrait : des phrases simples tirées des chiffres mêmes des figures, sans valeur n.d."""

from __future__ import annotations

import pandas as pd

from portrait.regles import catalogue
from portrait.vues import francais as fr

ARTICLES = {"departement": "le département", "france": "la France", "epci": "l'EPCI"}


def _ligne(lignes: pd.DataFrame, niveau: str) -> pd.Series | None:
    """La ligne d'un niveau de comparaison (département, France), si elle existe et n'est pas le territoire."""
    autres = lignes.iloc[1:]
    # la synthèse nomme le rôle de chaque ligne (ses voisins sont aussi des départements) ; l'accueil, le niveau
    choix = autres[autres["role"] == niveau] if "role" in autres else autres[autres["niveau"] == niveau]
    return choix.iloc[0] if len(choix) else None


def nom_territoire(nom: str) -> str:
    """« la France » dans une phrase ; les autres noms tels quels."""
    return "la France" if nom == "France" else nom


def de(nom: str) -> str:
    """« de la France », « d'Alpha », « de CC Test Un » : le complément d'un nom de territoire."""
    nom = nom_territoire(nom)
    return f"d'{nom}" if nom[:1] in "AEÉÈIÎOUY" else f"de {nom}"


def ecart(valeur: float, reference: float, unite: str = "point") -> str:
    """« 0,7 point de plus que », « 2,1 points de moins que », « autant que » (écart arrondi à une décimale)."""
    e = round(valeur - reference, 1)
    if e == 0:
        return "autant que"
    pluriel = "s" if abs(e) >= 2 else ""
    return f"{fr.nombre(abs(e), 1)} {unite}{pluriel} de {'plus' if e > 0 else 'moins'} que"


def comparaisons(lignes: pd.DataFrame, id_indicateur: str) -> str:
    """« : 0,7 point de plus que le département (Loire-Atlantique, 76,2 %) et 7,2 points de plus que la France
    (69,6 %) » ; vide si aucune référence n'a de valeur."""
    t = lignes.iloc[0][id_indicateur]
    morceaux = []
    for niveau in ("departement", "france"):
        ref = _ligne(lignes, niveau)
        if ref is None or fr.manquant(ref[id_indicateur]):
            continue
        nom = f"{ref['nom']}, " if niveau == "departement" else ""
        morceaux.append(f"{ecart(t, ref[id_indicateur])} {ARTICLES[niveau]} ({nom}"
                        f"{fr.valeur(id_indicateur, ref[id_indicateur])})")
    return (" : " + " et ".join(morceaux)) if morceaux else ""


def phrase_taux(lignes: pd.DataFrame, id_indicateur: str, debut: str) -> str | None:
    """« Le taux de couverture … est de 76,9 % : 0,7 point de plus que le département (…). » ; None si n.d."""
    t = lignes.iloc[0][id_indicateur]
    if fr.manquant(t):
        return None
    return f"{debut} {fr.valeur(id_indicateur, t)}{comparaisons(lignes, id_indicateur)}."


def variation(x: float) -> str:
    """-6,9 -> « a baissé de 6,9 % » ; 3 -> « a augmenté de 3,0 % » ; 0 -> « est resté stable »."""
    arrondi = round(x, 1)
    if arrondi == 0:
        return "est resté stable"
    return f"a {'augmenté' if arrondi > 0 else 'baissé'} de {fr.pourcent(abs(arrondi), 1)}"


def phrase_evolution(lignes: pd.DataFrame, id_indicateur: str, sujet: str, annee: int) -> str | None:
    """« Entre 2018 et 2023, le nombre d'enfants de moins de 3 ans a baissé de 6,9 % (le département : −4,0 % ;
    la France : −5,0 %). » ; None si l'évolution du territoire est n.d."""
    t = lignes.iloc[0][id_indicateur]
    if fr.manquant(t):
        return None
    refs = [f"{ARTICLES[n]} : {fr.evolution(r[id_indicateur], 1)}" for n in ("departement", "france")
            if (r := _ligne(lignes, n)) is not None and not fr.manquant(r[id_indicateur])]
    entre = f"Entre {annee - catalogue.RECUL_EVOLUTION} et {annee}"
    return f"{entre}, {sujet} {variation(t)}" + (f" ({' ; '.join(refs)})" if refs else "") + "."


def phrase_retraites(lignes: pd.DataFrame) -> str | None:
    """« 11,1 % des assistantes maternelles actives ont 60 ans et plus (le département : 11,1 %) : environ 67 places
    d'accueil dépendent d'elles et sont menacées par leurs départs en retraite d'ici cinq ans. »"""
    t = lignes.iloc[0]
    if fr.manquant(t["part_am_60_plus"]):
        return None
    dep = _ligne(lignes, "departement")
    ref = ("" if dep is None or fr.manquant(dep["part_am_60_plus"])
           else f" (le département : {fr.pourcent(dep['part_am_60_plus'])})")
    texte = f"{fr.pourcent(t['part_am_60_plus'])} des assistantes maternelles actives ont 60 ans et plus{ref}"
    if not fr.manquant(t.get("places_am_60_plus_estimees")):
        texte += (f" : environ {fr.nombre(t['places_am_60_plus_estimees'])} places d'accueil sont menacées par "
                  "leurs départs en retraite d'ici cinq ans")
    return texte + "."


def phrases(*candidates: str | None) -> list[str]:
    """Les phrases qui ont un sens (celles d'une valeur n.d. sont None et disparaissent)."""
    return [p for p in candidates if p]


def resume_portrait(lignes: pd.DataFrame, annee: int) -> list[str]:
    """Le résumé des chiffres clés d'un territoire (première ligne) face à son département et à la France :
    couverture, besoin en cinq ans, capacité d'accueil en cinq ans, départs en retraite."""
    nom = lignes.iloc[0]["nom"]
    return phrases(
        phrase_taux(lignes, "taux_couverture", f"En {annee}, le taux de couverture petite enfance {de(nom)} est de"),
        phrase_evolution(lignes, "evolution_enfants_0_2", "le nombre d'enfants de moins de 3 ans", annee),
        phrase_evolution(lignes, "evolution_places_total", "le nombre de places d'accueil", annee),
        phrase_retraites(lignes),
    )


def phrase_naissances(lignes: pd.DataFrame, annee: int) -> str | None:
    """« En 2023, X compte 576 naissances, 6,2 % de moins qu'en 2018. » ; None si le nombre est n.d."""
    t = lignes.iloc[0]
    if fr.manquant(t["naissances"]):
        return None
    texte = f"En {annee}, {nom_territoire(t['nom'])} compte {fr.nombre(t['naissances'])} naissances"
    e = t.get("evolution_naissances")
    if not fr.manquant(e) and round(e, 1) != 0:
        texte += (f", {fr.pourcent(abs(e), 1)} de {'plus' if e > 0 else 'moins'} qu'en "
                  f"{annee - catalogue.RECUL_EVOLUTION}")
    return texte + "."
