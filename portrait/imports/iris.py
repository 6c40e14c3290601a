"""Les fichiers par IRIS ramenés à la commune : une règle pour toutes les sources (Cnaf allocataires, Insee)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from functools import cache

# Arrondissements municipaux (premier, dernier, commune) : ils ont un code commune Insee mais ne sont pas des
# communes de la géographie ; leurs valeurs vont à Paris, Lyon et Marseille.
ARRONDISSEMENTS = (
    (75101, 75120, "75056"),  # Paris
    (69381, 69389, "69123"),  # Lyon
    (13201, 13216, "13055"),  # Marseille
)
LONGUEUR_IRIS = 9  # 441090101 : la commune (5 caractères) puis le numéro d'IRIS (4)
MAX_CITES = 5  # arrondissements cités au rapport, par ville


@cache
def zone(code: str) -> str:
    """Le code sur cinq caractères d'un IRIS ou d'une commune, avant report des arrondissements (441090101 -> 44109) ;
    un zéro de tête perdu par un tableur est rétabli (10010000 -> 01001, 1001 -> 01001)."""
    c = code.strip().upper()
    if c.isdigit() and len(c) in (LONGUEUR_IRIS - 1, 4):
        c = c.zfill(len(c) + 1)
    return c[:5] if len(c) == LONGUEUR_IRIS else c


@cache
def commune(code: str) -> str:
    """Le code de commune d'un IRIS ou d'une commune (zone), un arrondissement municipal ramené à sa commune
    (751010101 -> 75056, 69381 -> 69123). Les anciennes communes sont reportées ensuite, par la validation
    (rapport.valider)."""
    c = zone(code)
    if c.isdigit():
        n = int(c)
        for premier, dernier, ville in ARRONDISSEMENTS:
            if premier <= n <= dernier:
                return ville
    return c


def additionner(valeurs: Iterable[tuple[int, str, Hashable, float | None]]) -> dict[tuple[str, Hashable],
                                                                                    tuple[int, float | None]]:
    """(numéro de ligne, code IRIS ou commune, clé, valeur) -> (commune, clé) : (première ligne, somme).

    Une valeur secrète (None) rend la somme de sa commune secrète : jamais une somme partielle, qui passerait pour
    le vrai total."""
    sommes: dict[tuple[str, Hashable], tuple[int, float | None]] = {}
    for numero, code, cle, valeur in valeurs:
        k = (commune(code), cle)
        if k in sommes:
            premiere, total = sommes[k]
            sommes[k] = (premiere, None if total is None or valeur is None else total + valeur)
        else:
            sommes[k] = (numero, valeur)
    return sommes


def texte(valeur: float | None) -> str:
    """Une somme en texte pour la validation : vide pour une valeur secrète (n.d.)."""
    if valeur is None:
        return ""
    return str(int(valeur)) if valeur.is_integer() else repr(round(valeur, 3))


def phrase(codes: Iterable[str]) -> str:
    """Ce que le regroupement a fait, pour le rapport : « 6 IRIS additionnés en 4 communes ; arrondissements 75101,
    75102 → 75056 » ; vide pour un fichier déjà par commune, sans arrondissement."""
    codes = [c.strip().upper() for c in codes if c.strip()]
    iris = [c for c in codes if len(c) == LONGUEUR_IRIS or c.isdigit() and len(c) == LONGUEUR_IRIS - 1]
    n = len({zone(c) for c in iris})
    morceaux = [f"{len(iris)} IRIS additionné{'s' * (len(iris) > 1)} en {n} commune{'s' * (n > 1)}"] if iris else []
    villes: dict[str, list[str]] = {}
    for z in sorted({zone(c) for c in codes}):
        if commune(z) != z:
            villes.setdefault(commune(z), []).append(z)
    for ville, arrondissements in villes.items():
        cites = ", ".join(arrondissements[:MAX_CITES]) + (" …" if len(arrondissements) > MAX_CITES else "")
        morceaux.append(f"arrondissement{'s' * (len(arrondissements) > 1)} {cites} → {ville}")
    return " ; ".join(morceaux)
