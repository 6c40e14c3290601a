"""Lecture tolérante des fichiers des utilisateurs : encodage, séparateur, en-têtes et nombres à la française."""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

VALEURS_MANQUANTES = {"", "s", "nd", "n.d.", "n.d", "na", "-", "–", "—", "secret", "x"}
MOTIF_NOMBRE = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
ESPACES = re.compile(r"[\s\u00a0\u202f']")
SEPARATEURS = (";", ",", "\t", "|")


class ErreurLecture(ValueError):
    """Fichier illisible : le message dit quoi corriger."""


@dataclass
class Tableau:
    """Un fichier lu : en-têtes normalisés, lignes de texte et numéro de ligne d'origine de chacune."""

    nom_fichier: str
    entetes: list[str]
    lignes: list[list[str]]
    numeros: list[int]  # numéro de ligne dans le fichier (l'en-tête est la ligne 1)
    encodage: str = "utf-8"
    separateur: str = ";"
    entetes_bruts: list[str] = field(default_factory=list)  # tels qu'écrits : le texte des questions d'une enquête


def normaliser_entete(texte: str) -> str:
    """« Année » -> « annee », « Code commune » -> « code_commune » : casse, accents et espaces ignorés."""
    sans_accent = unicodedata.normalize("NFKD", str(texte)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", sans_accent.strip().lower()).strip("_")


def decoder(octets: bytes) -> tuple[str, str]:
    """Texte et encodage : UTF-8 (avec ou sans BOM), sinon Windows-1252 / Latin-1."""
    if octets.startswith(b"\xef\xbb\xbf"):
        return octets[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return octets.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        try:
            return octets.decode("cp1252"), "windows-1252"
        except UnicodeDecodeError:
            return octets.decode("latin-1"), "latin-1"


def detecter_separateur(premiere_ligne: str) -> str:
    """Le séparateur le plus fréquent de la ligne d'en-tête parmi ; , tabulation et |."""
    comptes = {s: premiere_ligne.count(s) for s in SEPARATEURS}
    meilleur = max(comptes, key=comptes.get)
    return meilleur if comptes[meilleur] > 0 else ";"


def lire_csv(octets: bytes, nom_fichier: str) -> Tableau:
    """Lit un CSV quel que soit son séparateur, son encodage et ses fins de ligne."""
    texte, encodage = decoder(octets)
    texte = texte.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if not texte.strip():
        raise ErreurLecture(f"{nom_fichier} : le fichier est vide.")
    premiere = texte.split("\n", 1)[0]
    sep = detecter_separateur(premiere)
    lecteur = csv.reader(io.StringIO(texte), delimiter=sep)
    lignes, numeros = [], []
    bruts: list[str] | None = None
    try:
        for ligne in lecteur:
            numero = lecteur.line_num
            if bruts is None:
                bruts = ligne
                continue
            if not any(c.strip() for c in ligne):
                continue
            lignes.append(ligne)
            numeros.append(numero)
    except csv.Error as e:
        raise ErreurLecture(f"{nom_fichier}, ligne {lecteur.line_num} : CSV mal formé ({e}).") from None
    bruts = bruts or []
    return Tableau(nom_fichier, [normaliser_entete(e) for e in bruts], lignes, numeros, encodage, sep, bruts)


def lire_xlsx(octets: bytes, nom_fichier: str) -> Tableau:
    """Lit la première feuille d'un classeur Excel, cellules converties en texte."""
    import openpyxl

    try:
        classeur = openpyxl.load_workbook(io.BytesIO(octets), read_only=True, data_only=True)
    except Exception as e:  # openpyxl lève des exceptions variées sur un fichier abîmé
        raise ErreurLecture(f"{nom_fichier} : classeur Excel illisible ({type(e).__name__}). "
                            "Enregistrez-le à nouveau au format .xlsx ou exportez-le en CSV.") from None
    feuille = classeur.worksheets[0]
    bruts: list[str] | None = None
    lignes, numeros = [], []
    for numero, ligne in enumerate(feuille.iter_rows(values_only=True), start=1):
        cellules = ["" if v is None else texte_cellule(v) for v in ligne]
        if bruts is None:
            bruts = cellules
            continue
        if any(c.strip() for c in cellules):
            lignes.append(cellules)
            numeros.append(numero)
    classeur.close()
    bruts = bruts or []
    return Tableau(nom_fichier, [normaliser_entete(e) for e in bruts], lignes, numeros, "xlsx", "", bruts)


def texte_cellule(v) -> str:
    """Valeur de cellule Excel -> texte : les nombres entiers sans « .0 », les dates en AAAA-MM-JJ."""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if hasattr(v, "isoformat"):
        return v.isoformat()[:10]
    return str(v)


def lire_fichier(chemin: Path | str, octets: bytes | None = None) -> Tableau:
    """Lit un CSV ou un XLSX d'après son extension (ou sa signature ZIP)."""
    chemin = Path(chemin)
    if octets is None:
        try:
            octets = chemin.read_bytes()
        except OSError as e:
            raise ErreurLecture(f"{chemin} : fichier introuvable ou illisible ({e.strerror}).") from None
    if chemin.suffix.lower() in (".xlsx", ".xlsm") or octets[:2] == b"PK":
        return lire_xlsx(octets, chemin.name)
    return lire_csv(octets, chemin.name)


def lire_nombre(texte: str) -> float | None:
    """« 1 234,5 », « 1234.5 », « 76,9 % » -> nombre ; valeur secrète ou manquante -> None ; sinon ValueError."""
    t = str(texte).strip().replace("%", "").strip()
    if t.lower() in VALEURS_MANQUANTES:
        return None
    t = ESPACES.sub("", t)
    if "," in t and "." in t:  # 1.234,5 (milliers à point) ou 1,234.5 (milliers à virgule)
        t = t.replace(".", "").replace(",", ".") if t.rfind(",") > t.rfind(".") else t.replace(",", "")
    if not MOTIF_NOMBRE.match(t):
        raise ValueError(texte)
    valeur = float(t.replace(",", "."))
    if not math.isfinite(valeur) or abs(valeur) > 1e12:
        raise ValueError(texte)
    return valeur


def neutraliser_formule(texte: str) -> str:
    """Préfixe d'une apostrophe un texte qu'un tableur prendrait pour une formule (=, +, -, @)."""
    if texte and texte[0] in "=+-@\t\r":
        return "'" + texte
    return texte
