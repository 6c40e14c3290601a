"""Construit la géographie de référence (communes 2026, EPCI, départements, contours) livrée sous data/reference/."""

from __future__ import annotations

import json
import subprocess
import tarfile
from collections import defaultdict
from pathlib import Path

import pandas as pd
import shapely

# Éditions du paquet npm @etalab/decoupage-administratif : année d'entrée en vigueur
# des populations légales -> version. La population légale en vigueur au 1er janvier N
# est celle du recensement millésime N-3.
EDITIONS = {
    2026: "6.0.0",
    2025: "5.3.0",
    2024: "4.1.0",
    2023: "3.1.1",
    2022: "2.3.1",
    2021: "1.1.1",
}
EDITION_COURANTE = 2026
ECART_MILLESIME = 3
PAQUET_NPM = "@etalab/decoupage-administratif"

TOLERANCE_COMMUNES = 0.004  # degrés : environ 110 Ko de GeoJSON pour la Loire-Atlantique
TOLERANCE_EPCI = 0.01  # degrés : carte nationale des EPCI
PRECISION = 1e-4  # degrés, environ 10 m
DECIMALES = 4


def charger_edition(cache: Path, version: str) -> Path:
    """Rend le dossier data/ d'une édition du paquet npm, en le téléchargeant (npm pack) si besoin."""
    dossier = cache / version
    data = dossier / "package" / "data"
    if data.exists():
        return data
    cache.mkdir(parents=True, exist_ok=True)
    archive = cache / f"etalab-decoupage-administratif-{version}.tgz"
    if not archive.exists():
        subprocess.run(
            ["npm", "pack", f"{PAQUET_NPM}@{version}", "--pack-destination", str(cache)],
            check=True,
            capture_output=True,
        )
    with tarfile.open(archive) as tar:
        tar.extractall(dossier, filter="data")
    return data


def lire_json(chemin: Path) -> list[dict]:
    """Lit un fichier JSON du paquet."""
    return json.loads(chemin.read_text(encoding="utf-8"))


def tables_administratives(data: Path) -> dict[str, pd.DataFrame]:
    """Communes, EPCI, départements et régions de l'édition courante, hors collectivités d'outre-mer."""
    departements = [d for d in lire_json(data / "departements.json") if d.get("zone") != "com"]
    codes_dep = {d["code"] for d in departements}
    regions = [r for r in lire_json(data / "regions.json") if r.get("zone") != "com"]
    communes = [
        c
        for c in lire_json(data / "communes.json")
        if c["type"] == "commune-actuelle" and c.get("departement") in codes_dep
    ]
    epci_json = lire_json(data / "epci.json")

    epci_de = {}
    for e in epci_json:
        for m in e["membres"]:
            epci_de[m["code"]] = e["code"]
    dep_de = {c["code"]: c["departement"] for c in communes}

    df_communes = pd.DataFrame(
        {
            "code": [c["code"] for c in communes],
            "nom": [c["nom"] for c in communes],
            "departement": [c["departement"] for c in communes],
            "region": [c["region"] for c in communes],
            "epci": [epci_de.get(c["code"]) for c in communes],
            "population": [c.get("population") for c in communes],
        }
    )
    lignes_epci = []
    membres = []
    for e in epci_json:
        pop_dep: dict[str, int] = defaultdict(int)
        for m in e["membres"]:
            if m["code"] in dep_de:
                pop_dep[dep_de[m["code"]]] += m.get("populationMunicipale") or 0
                membres.append({"epci": e["code"], "commune": m["code"]})
        if not pop_dep:
            continue
        lignes_epci.append(
            {
                "code": e["code"],
                "nom": e["nom"],
                "type": e["type"],
                # département principal : celui qui porte le plus d'habitants de l'EPCI
                "departement": max(pop_dep, key=pop_dep.get),
                "nb_communes": len(e["membres"]),
                "population": e.get("populationMunicipale"),
            }
        )
    return {
        "communes": df_communes,
        "epci": pd.DataFrame(lignes_epci),
        "epci_membres": pd.DataFrame(membres),
        "departements": pd.DataFrame(
            {
                "code": [d["code"] for d in departements],
                "nom": [d["nom"] for d in departements],
                "region": [d["region"] for d in departements],
            }
        ),
        "regions": pd.DataFrame(
            {"code": [r["code"] for r in regions], "nom": [r["nom"] for r in regions]}
        ),
    }


def correspondance_codes(data: Path, codes_courants: set[str]) -> dict[str, str]:
    """Associe tout code de commune (actuel ou ancien) à la commune actuelle qui l'a absorbé."""
    corres = {code: code for code in codes_courants}
    for c in lire_json(data / "communes.json"):
        if c["type"] == "commune-actuelle" and c["code"] in codes_courants:
            for ancien in c.get("anciensCodes", []):
                corres.setdefault(ancien, c["code"])
    return corres


def historique_populations(cache: Path, corres: dict[str, str]) -> pd.DataFrame:
    """Population légale de chaque commune actuelle pour chaque édition lisible (codes ramenés à 2026)."""
    lignes = []
    precedente: dict[str, int] = {}
    for edition, version in sorted(EDITIONS.items()):
        data = charger_edition(cache, version)
        somme: dict[str, int] = defaultdict(int)
        for c in lire_json(data / "communes.json"):
            if c["type"] != "commune-actuelle" or c.get("population") is None:
                continue
            courant = corres.get(c["code"])
            if courant is not None:
                somme[courant] += c["population"]
        if somme == precedente:  # édition qui reprend les populations de la précédente (6.0.0)
            continue
        precedente = dict(somme)
        lignes += [
            {"code": code, "edition": edition, "annee": edition - ECART_MILLESIME, "population": pop}
            for code, pop in somme.items()
        ]
    return pd.DataFrame(lignes)


def arrondir(obj):
    """Arrondit récursivement les coordonnées d'une géométrie GeoJSON."""
    if isinstance(obj, float):
        return round(obj, DECIMALES)
    if isinstance(obj, (list, tuple)):
        return [arrondir(x) for x in obj]
    return obj


def en_geojson(geom) -> str:
    """Géométrie shapely -> texte GeoJSON compact aux coordonnées arrondies."""
    g = json.loads(shapely.to_geojson(geom))
    g["coordinates"] = arrondir(g["coordinates"])
    return json.dumps(g, separators=(",", ":"))


def simplifier(geoms: list, tolerance: float) -> list:
    """Simplifie une couverture sans ouvrir de trous entre voisins, puis cale sur une grille valide."""
    arr = shapely.coverage_simplify(shapely.make_valid(shapely.from_wkb(shapely.to_wkb(geoms))), tolerance)
    arr = shapely.set_precision(arr, PRECISION)
    return [g if g.is_valid else shapely.make_valid(g) for g in arr]


def polygones(geom):
    """Ne garde que les parties surfaciques d'une géométrie (make_valid peut produire des lignes)."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def contours(
    dossier_geojson: Path, corres: dict[str, str], communes: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, list[str]]:
    """Contours simplifiés des communes (anciennes communes fusionnées), des EPCI et des départements."""
    par_commune: dict[str, list] = defaultdict(list)
    inconnus = []
    for fichier in sorted((dossier_geojson / "communes").glob("*.geojson")):
        for f in json.loads(fichier.read_text(encoding="utf-8"))["features"]:
            courant = corres.get(f["properties"]["code"])
            if courant is None:
                inconnus.append(f["properties"]["code"])
                continue
            par_commune[courant].append(shapely.geometry.shape(f["geometry"]))
    codes = sorted(par_commune)
    brutes = [shapely.make_valid(shapely.union_all(par_commune[c], grid_size=1e-6)) for c in codes]
    brutes = [polygones(g) for g in brutes]
    simples = [polygones(g) for g in simplifier(brutes, TOLERANCE_COMMUNES)]

    info = communes.set_index("code")
    df_communes = pd.DataFrame(
        {
            "code": codes,
            "departement": [info.at[c, "departement"] for c in codes],
            "geometrie": [en_geojson(g) for g in simples],
        }
    )
    # départements : union des communes simplifiées, pour des frontières identiques à la carte communale
    par_dep: dict[str, list] = defaultdict(list)
    for c, g in zip(codes, simples):
        par_dep[info.at[c, "departement"]].append(g)
    df_dep = pd.DataFrame(
        {
            "code": sorted(par_dep),
            "geometrie": [
                en_geojson(polygones(shapely.union_all(par_dep[d], grid_size=PRECISION)))
                for d in sorted(par_dep)
            ],
        }
    )
    # EPCI : union des communes à pleine résolution, puis simplification de la couverture des EPCI
    par_epci: dict[str, list] = defaultdict(list)
    for c, g in zip(codes, brutes):
        e = info.at[c, "epci"]
        if isinstance(e, str):
            par_epci[e].append(g)
    codes_epci = sorted(par_epci)
    unions = [polygones(shapely.union_all(par_epci[e], grid_size=1e-6)) for e in codes_epci]
    df_epci = pd.DataFrame(
        {
            "code": codes_epci,
            "geometrie": [en_geojson(polygones(g)) for g in simplifier(unions, TOLERANCE_EPCI)],
        }
    )
    sans_contour = sorted(set(communes["code"]) - set(codes))
    return df_communes, df_epci, df_dep, sans_contour


def construire(dossier_geojson: Path, cache_npm: Path, sortie: Path) -> dict:
    """Écrit toutes les tables de référence et rend un résumé (tailles, communes sans contour)."""
    sortie.mkdir(parents=True, exist_ok=True)
    data = charger_edition(cache_npm, EDITIONS[EDITION_COURANTE])
    tables = tables_administratives(data)
    corres = correspondance_codes(data, set(tables["communes"]["code"]))
    tables["populations"] = historique_populations(cache_npm, corres)
    tables["correspondance_codes"] = pd.DataFrame(
        {"ancien_code": list(corres), "code": list(corres.values())}
    )
    c_com, c_epci, c_dep, sans_contour = contours(dossier_geojson, corres, tables["communes"])
    tables["contours_communes"] = c_com
    tables["contours_epci"] = c_epci
    tables["contours_departements"] = c_dep
    for nom, df in tables.items():
        df.to_parquet(sortie / f"{nom}.parquet", index=False, compression="zstd")
    taille = sum(f.stat().st_size for f in sortie.glob("*.parquet"))
    return {
        "communes": len(tables["communes"]),
        "epci": len(tables["epci"]),
        "sans_contour": sans_contour,
        "taille_octets": taille,
    }
