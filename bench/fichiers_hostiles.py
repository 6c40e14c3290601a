"""Les fichiers d'un utilisateur malveillant ou malchanceux, fabriqués en mémoire pour les tests et le banc : deux
« bombes » XLSX (une feuille qui se décompresse en 1,2 Go, une dimension déclarée de 17 milliards de cellules) et
un gros CSV de mesures."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from pathlib import Path

TAILLE_BOMBE = 1_200_000_000  # octets de XML de la feuille, une fois décompressée
LIGNE_XML = b'<row><c t="inlineStr"><is><t>' + b"x" * 200 + b"</t></is></c></row>"


def _classeur_modele(cellule: str = "A1") -> dict[str, bytes]:
    """Les parties d'un vrai classeur openpyxl d'une cellule, par nom."""
    import openpyxl

    classeur = openpyxl.Workbook()
    classeur.active[cellule] = 1
    tampon = io.BytesIO()
    classeur.save(tampon)
    with zipfile.ZipFile(tampon) as z:
        return {nom: z.read(nom) for nom in z.namelist()}


def _zip(parties: list[tuple[str, bytes, int, int]]) -> bytes:
    """Une archive ZIP écrite à la main : (nom, données deflate brutes, CRC-32, taille décompressée) par partie."""
    sortie, central = io.BytesIO(), io.BytesIO()
    for nom, donnees, crc, taille in parties:
        n = nom.encode()
        position = sortie.tell()
        sortie.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(donnees), taille, len(n), 0))
        sortie.write(n + donnees)
        central.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(donnees), taille,
                                  len(n), 0, 0, 0, 0, 0, position))
        central.write(n)
    debut = sortie.tell()
    sortie.write(central.getvalue())
    sortie.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parties), len(parties), len(central.getvalue()),
                             debut, 0))
    return sortie.getvalue()


def _deflate(octets: bytes) -> bytes:
    compresseur = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compresseur.compress(octets) + compresseur.flush()


def bombe_xml(taille: int = TAILLE_BOMBE) -> bytes:
    """Un XLSX de ~5 Mo dont la feuille se décompresse en `taille` octets de XML (une ligne répétée) : le bloc
    compressé une fois est répété (vidage complet : il ne dépend pas de ce qui précède), en moins d'une seconde."""
    modele = _classeur_modele()
    bloc = LIGNE_XML * (1_000_000 // len(LIGNE_XML))
    compresseur = zlib.compressobj(9, zlib.DEFLATED, -15)
    bloc_compresse = compresseur.compress(bloc) + compresseur.flush(zlib.Z_FULL_FLUSH)
    tete = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main"><sheetData>')
    pied = b"</sheetData></worksheet>"
    repetitions = max(1, (taille - len(tete) - len(pied)) // len(bloc))
    crc = zlib.crc32(tete)
    for _ in range(repetitions):
        crc = zlib.crc32(bloc, crc)
    crc = zlib.crc32(pied, crc)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    debut = c.compress(tete) + c.flush(zlib.Z_FULL_FLUSH)
    c2 = zlib.compressobj(9, zlib.DEFLATED, -15)
    fin = c2.compress(pied) + c2.flush()
    feuille = debut + bloc_compresse * repetitions + fin
    taille_reelle = len(tete) + repetitions * len(bloc) + len(pied)
    parties = [(nom, _deflate(o), zlib.crc32(o), len(o)) for nom, o in modele.items()
               if nom != "xl/worksheets/sheet1.xml"]
    return _zip([*parties, ("xl/worksheets/sheet1.xml", feuille, crc, taille_reelle)])


def bombe_dimension() -> bytes:
    """Un XLSX de quelques Ko qui déclare `dimension A1:XFD1048576`, sa seule cellule en XFD1048576."""
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for nom, octets in _classeur_modele("XFD1048576").items():
            if nom == "xl/worksheets/sheet1.xml":
                octets = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', octets)
            z.writestr(nom, octets)
    return tampon.getvalue()


def classeur_sans_feuille() -> bytes:
    """Un XLSX dont le classeur ne déclare aucune feuille."""
    modele = _classeur_modele()
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", zipfile.ZIP_DEFLATED) as z:
        for nom, octets in modele.items():
            if nom == "xl/workbook.xml":
                debut, fin = octets.index(b"<sheets>"), octets.index(b"</sheets>") + len(b"</sheets>")
                octets = octets[:debut] + b"<sheets/>" + octets[fin:]
            if nom != "xl/worksheets/sheet1.xml":
                z.writestr(nom, octets)
    return tampon.getvalue()


def gros_csv(chemin: Path, codes: list[str], indicateurs: list[str], lignes: int = 2_000_000) -> Path:
    """Un fichier de mesures générique valide de `lignes` lignes (~66 Mo pour 2 millions) : chaque commune de `codes`,
    chaque indicateur, des années de 2023 en remontant, sans doublon."""
    with open(chemin, "w", encoding="utf-8", newline="") as f:
        f.write("niveau;code;annee;indicateur;valeur\n")
        ecrites, annee = 0, 2023
        while ecrites < lignes:
            for indicateur in indicateurs:
                reste = lignes - ecrites
                if reste <= 0:
                    break
                bloc = codes[:reste]
                f.write("".join(f"commune;{c};{annee};{indicateur};{(i * 7) % 997}\n" for i, c in enumerate(bloc)))
                ecrites += len(bloc)
            annee -= 1
    return chemin


def pic_memoire_mo() -> float:
    """VmHWM : le pic de mémoire résidente du processus, en Mo."""
    for ligne in Path("/proc/self/status").read_text().splitlines():
        if ligne.startswith("VmHWM:"):
            return int(ligne.split()[1]) / 1024
    raise RuntimeError("VmHWM absent de /proc/self/status")


def mesurer_refus(fabrique: str) -> dict:
    """Fabrique la bombe nommée, puis mesure son refus par la lecture des dépôts : secondes, pic de mémoire du
    processus (à lancer dans un processus à part) et message."""
    import time

    from portrait.imports.lecture import ErreurLecture, lire_fichier

    octets = globals()[fabrique]()
    debut = time.perf_counter()
    try:
        lire_fichier(f"{fabrique}.xlsx", octets)
        message = "accepté"
    except ErreurLecture as e:
        message = str(e)
    return {"secondes": time.perf_counter() - debut, "pic_mo": pic_memoire_mo(), "octets": len(octets),
            "message": message}


def mesurer_import_csv(lignes: int = 2_000_000, essais: int = 3) -> dict:
    """Importe `essais` fois un CSV de mesures de `lignes` lignes dans une copie neuve des données livrées, par la
    ligne de commande (`python -m portrait import auto FICHIER`, magasin SQLite comme `make run`), chaque import
    dans son processus : le fichier est fabriqué ici, hors du processus mesuré. Secondes (médiane), pic de mémoire
    du processus d'import (VmHWM, rendu par wait4 : le pire et la médiane des essais), rapporté à la taille du
    fichier."""
    import os
    import shutil
    import statistics
    import subprocess
    import sys
    import tempfile
    import time

    import pandas as pd

    from portrait.imports import registre
    from portrait.regles import catalogue

    projet = Path(__file__).resolve().parent.parent
    environnement = {k: v for k, v in os.environ.items() if k not in ("PORTRAIT_CATALOGUE", "PORTRAIT_FICHIERS")}
    pics, temps, gardees = [], [], set()
    with tempfile.TemporaryDirectory() as dossier:
        codes = list(pd.read_parquet(projet / "data" / "reference" / "communes.parquet")["code"])
        comptes = [i.id for i in catalogue.CATALOGUE if i.nature == "compte"]
        fichier = gros_csv(Path(dossier) / "gros.csv", codes, comptes, lignes)
        taille_mo = fichier.stat().st_size / 2**20
        for essai in range(essais):
            racine = Path(dossier) / f"data{essai}"
            shutil.copytree(projet / "data", racine, ignore=shutil.ignore_patterns("imports", "lac"))
            debut = time.perf_counter()
            processus = subprocess.Popen([sys.executable, "-m", "portrait", "import", "auto", str(fichier),
                                          "--data-dir", str(racine)], cwd=projet, env=environnement,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            erreurs = processus.stderr.read()
            _, statut, usage = os.wait4(processus.pid, 0)
            temps.append(time.perf_counter() - debut)
            if statut != 0:
                raise RuntimeError(f"import du gros CSV en échec :\n{erreurs.decode(errors='replace')}")
            pics.append(usage.ru_maxrss / 1024)  # Ko -> Mo : le VmHWM du processus d'import
            gardees.add(int(registre.liste(racine)["lignes_gardees"].iloc[0]))
            shutil.rmtree(racine)
    pic = max(pics)
    return {"lignes": lignes, "taille_mo": taille_mo, "essais": essais, "secondes": statistics.median(temps),
            "pic_mo": pic, "pic_median_mo": statistics.median(pics), "pic_min_mo": min(pics),
            "rapport_taille": pic / taille_mo, "valeurs_gardees": gardees.pop() if len(gardees) == 1 else None}
