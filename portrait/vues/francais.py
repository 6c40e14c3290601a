"""Nombres à la française : 16 130 ; 76,9 % ; −5 % ; « n.d. » pour une valeur manquante."""

from __future__ import annotations

import math
from datetime import datetime

import pandas as pd

from portrait.regles import catalogue

ESPACE_MILLIERS = "\u202f"  # espace fine insécable, comme l'Imprimerie nationale
ESPACE_UNITE = "\u00a0"  # espace insécable avant « % »
MOINS = "\u2212"
NON_DISPONIBLE = "n.d."
SEPARATEURS_PLOTLY = ", "  # décimale virgule, milliers espace, pour layout.separators
COLONNES_TELLES_QUELLES = {"annee", "code", "ordre"}  # des nombres qui ne se lisent pas comme des quantités


def date_heure(quand: datetime | str, secondes: bool = False) -> str:
    """Un instant à la française, « 30/11/2026 à 20:34 » (`secondes` : « 30/11/2026 à 20:34:11 ») ; accepte
    l'horodatage ISO du registre des imports."""
    quand = datetime.fromisoformat(quand) if isinstance(quand, str) else quand
    return f"{jour(quand)} à {quand:%H:%M:%S}" if secondes else f"{jour(quand)} à {quand:%H:%M}"


def jour(quand: datetime | str) -> str:
    """Une date à la française, « 30/11/2026 »."""
    quand = datetime.fromisoformat(quand) if isinstance(quand, str) else quand
    return f"{quand:%d/%m/%Y}"


def manquant(x) -> bool:
    """Vrai pour None et NaN."""
    return x is None or (isinstance(x, float) and math.isnan(x))


def nombre(x, decimales: int = 0) -> str:
    """16130 -> « 16 130 » ; 2,5 -> « 2,5 » ; None -> « n.d. »."""
    if manquant(x):
        return NON_DISPONIBLE
    texte = f"{abs(x):,.{decimales}f}".replace(",", ESPACE_MILLIERS).replace(".", ",")
    return (MOINS if round(x, decimales) < 0 else "") + texte


def nombre_exact(x, decimales_max: int = 3) -> str:
    """Un nombre avec les seules décimales qu'il porte, jusqu'à `decimales_max` : 498070 -> « 498 070 » ;
    3685.7 -> « 3 685,7 » ; None -> « n.d. » (rapport d'import : la valeur lue, telle quelle)."""
    if manquant(x):
        return NON_DISPONIBLE
    decimales = next((d for d in range(decimales_max) if round(x, d) == round(x, decimales_max)), decimales_max)
    return nombre(x, decimales)


def pourcent(x, decimales: int = 1) -> str:
    """76.93 -> « 76,9 % » ; un taux au-dessus de 100 reste tel quel (259 %)."""
    if manquant(x):
        return NON_DISPONIBLE
    return nombre(x, decimales) + ESPACE_UNITE + "%"


def evolution(x, decimales: int = 0) -> str:
    """-4.6 -> « −5 % », 11 -> « +11 % » : le signe est toujours écrit."""
    if manquant(x):
        return NON_DISPONIBLE
    signe = "+" if round(x, decimales) > 0 else ""
    return signe + pourcent(x, decimales)


def valeur(id_indicateur: str, x) -> str:
    """Formate une valeur selon la nature de son indicateur dans le catalogue."""
    ind = catalogue.indicateur(id_indicateur)
    if ind.nature == "evolution":
        return evolution(x)
    if ind.nature == "taux":
        return pourcent(x)
    return nombre(x)


def colonne(nom: str, valeurs: pd.Series) -> pd.Series:
    """Une colonne d'un tableau en texte français (sortie texte de la ligne de commande) : un indicateur selon sa
    nature au catalogue, un autre nombre à l'unité ou, s'il a des décimales (ETP), à deux ; une année ou un code
    tels quels ; « n.d. » pour une valeur manquante."""
    if nom in catalogue.PAR_ID:
        return valeurs.map(lambda x: valeur(nom, x))
    nombres = pd.api.types.is_numeric_dtype(valeurs) and not pd.api.types.is_bool_dtype(valeurs)
    if not nombres or nom in COLONNES_TELLES_QUELLES:
        return valeurs.map(lambda x: NON_DISPONIBLE if manquant(x) else x)
    decimales = 0 if (valeurs.dropna() % 1 == 0).all() else 2
    return valeurs.map(lambda x: nombre(x, decimales))
