"""Lecture tolérante des fichiers des utilisateurs : encodage, séparateur, en-têtes et nombres à la française."""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

VALEURS_MANQUANTES = {"", "s", "nd", "n.d.", "n.d", "na", "nc", "n.c.", "-", "–", "—", "secret", "x"}
MOTIF_NOMBRE = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
ESPACES = re.compile(r"[\s\u00a0\u202f']")
SEPARATEURS = (";", ",", "\t", "|")
# Limites d'un classeur XLSX, vérifiées avant de le lire (README, « Importer des fichiers ») : un dépôt coûte au plus
# quelques secondes et une mémoire bornée, quelle que soit sa forme. Au-delà, exporter la feuille en CSV.
LIMITE_PARTIES = 1_000  # fichiers dans l'archive ZIP
LIMITE_PARTIE = 100 * 1024 * 1024  # octets décompressés d'une partie (feuille, textes partagés)
LIMITE_DECOMPRESSE = 200 * 1024 * 1024  # octets décompressés de toute l'archive
LIMITE_LIGNES = 500_000  # lignes de la feuille lue
LIMITE_COLONNES = 1_000  # colonnes de la feuille lue
LIMITE_CELLULES = 2_000_000  # lignes × colonnes de la feuille lue
PART_CONTROLE_MAX = 0.02  # part de caractères de contrôle au-delà de laquelle un fichier n'est pas du texte
TRANCHE = 1 << 20  # octets décodés à la fois
CONTROLES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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


def nom_colonne(bruts: list[str], j: int) -> str:
    """Le nom d'une colonne tel qu'écrit dans le fichier (BOM et espaces retirés)."""
    return bruts[j].strip().lstrip("\ufeff") if j < len(bruts) else f"colonne {j + 1}"


def normaliser_entete(texte: str) -> str:
    """« Année » -> « annee », « Code commune » -> « code_commune » : casse et accents ignorés ; espaces, points,
    tirets et soulignés (toute suite de signes) ramenés à un souligné : `Numéro.Département`, `Numéro Département`
    et `numero_departement` s'écrivent tous `numero_departement`."""
    sans_accent = unicodedata.normalize("NFKD", str(texte)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", sans_accent.strip().lower()).strip("_")


def cle_entete(texte: str) -> str:
    """La clé de comparaison d'un en-tête : normalisé, puis sans aucun séparateur (`NUM_COM` = `numcom`,
    `Taux.de.couv.global` = `taux_de_couv_global`) ; les descriptions des sources (descriptions.py) la comparent."""
    return normaliser_entete(texte).replace("_", "")


def entier(n: int) -> str:
    """1048576 -> « 1 048 576 » (espace fine insécable), pour les messages."""
    return f"{n:,}".replace(",", "\u202f")


def utf16(octets: bytes) -> str | None:
    """« utf-16-le » ou « utf-16-be » d'après la BOM, ou, sans BOM, d'après les octets nuls d'un texte latin
    (un sur deux, du même côté) ; None pour un autre encodage."""
    if octets[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16-le" if octets[:2] == b"\xff\xfe" else "utf-16-be"
    debut = octets[:4096]
    paires = len(debut) // 2
    if paires < 2:
        return None
    nuls_impairs, nuls_pairs = debut[1::2].count(0), debut[0::2].count(0)
    if nuls_impairs >= 0.9 * paires and nuls_pairs == 0:
        return "utf-16-le"
    if nuls_pairs >= 0.9 * paires and nuls_impairs == 0:
        return "utf-16-be"
    return None


def decoder(octets: bytes) -> tuple[str, str]:
    """Texte et encodage : UTF-8 (avec ou sans BOM), UTF-16 (avec ou sans BOM), sinon Windows-1252 / Latin-1."""
    if octets.startswith(b"\xef\xbb\xbf"):
        return octets[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if (encodage := utf16(octets)) is not None:
        texte = octets.decode(encodage, errors="replace")
        return texte.removeprefix("\ufeff"), encodage
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
    return next(morceaux_csv(octets, nom_fichier))


def _debut(octets: bytes | BinaryIO) -> bytes:
    """Les premiers octets d'un contenu ou d'un fichier ouvert (assez pour une BOM et `utf16`)."""
    if isinstance(octets, bytes | bytearray | memoryview):
        return bytes(octets[:4096])
    octets.seek(0)
    return octets.read(4096)


def _blocs(octets: bytes | BinaryIO) -> Iterator[tuple[memoryview | bytes, bool]]:
    """Le contenu par blocs de TRANCHE octets, chacun avec « c'est le dernier » : d'un contenu en mémoire, ou lu au
    fur et à mesure d'un fichier ouvert (un gros CSV n'est jamais tout entier en mémoire)."""
    if isinstance(octets, bytes | bytearray | memoryview):
        vue = memoryview(octets)
        for debut in range(0, len(vue), TRANCHE):
            yield vue[debut:debut + TRANCHE], debut + TRANCHE >= len(vue)
        return
    octets.seek(0)
    bloc = octets.read(TRANCHE)
    while bloc:
        suivant = octets.read(TRANCHE)
        yield bloc, not suivant
        bloc = suivant


def _encodage(octets: bytes | BinaryIO) -> str:
    """L'encodage que `decoder` choisirait, vérifié tranche par tranche : sans garder le texte décodé."""
    if _debut(octets).startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if (encodage := utf16(_debut(octets))) is not None:
        return encodage
    for essai in ("utf-8", "cp1252"):
        try:
            for _ in _tranches(octets, essai, "strict"):
                pass
            return essai
        except UnicodeDecodeError:
            continue
    return "latin-1"


def _tranches(octets: bytes | BinaryIO, encodage: str, erreurs: str = "replace") -> Iterator[str]:
    """Le texte décodé par tranches d'un Mo d'octets : jamais une copie du texte entier (BOM retirée)."""
    decodeur = codecs.getincrementaldecoder("utf-8-sig" if encodage == "utf-8-sig" else encodage)(erreurs)
    premier = True
    for bloc, dernier in _blocs(octets):
        tranche = decodeur.decode(bloc, final=dernier)
        if premier and tranche:
            tranche = tranche.removeprefix("\ufeff") if encodage.startswith("utf-16") else tranche
            premier = False
        yield tranche


def _lignes_texte(tranches: Iterator[str]) -> Iterator[str]:
    """Les lignes d'un texte lu par tranches, fins de ligne CRLF, CR seul ou LF ramenées à LF, caractères nuls
    retirés, une à une : pas de copie du texte entier."""
    reste = ""
    for tranche in tranches:
        texte = reste + tranche
        fin = max(texte.rfind("\n"), texte.rfind("\r"))
        if texte.endswith("\r"):  # un CR en fin de tranche : le début d'un CRLF coupé ?
            fin = max(texte.rfind("\n", 0, fin), texte.rfind("\r", 0, fin))
        complet, reste = texte[:fin + 1], texte[fin + 1:]
        yield from _lignes_completes(complet)
    yield from _lignes_completes(reste)


def _lignes_completes(texte: str) -> Iterator[str]:
    """Les lignes d'un morceau de texte qui ne coupe aucune ligne (CRLF, CR seul ou LF ; caractères nuls retirés
    après la coupe) : des remplacements sur tout le morceau, pas une expression régulière par ligne."""
    if not texte:
        return
    lignes = texte.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lignes[-1] == "":  # le morceau finit par une fin de ligne
        lignes.pop()
    nuls = "\x00" in texte
    for ligne in lignes:
        yield (ligne.replace("\x00", "") if nuls else ligne) + "\n"


def morceaux_csv(octets: bytes | BinaryIO, nom_fichier: str, taille: int | None = None) -> Iterator[Tableau]:
    """Lit un CSV (son contenu, ou un fichier ouvert en binaire) par morceaux d'au plus `taille` lignes de données
    (None : un seul morceau), mêmes en-têtes et numéros de ligne du fichier : un gros fichier ne tient jamais tout
    entier en objets Python, ni en texte."""
    encodage = _encodage(octets)
    if not any(t.strip() for t in _tranches(octets, encodage)):
        raise ErreurLecture(f"{nom_fichier} : le fichier est vide.")
    debut = next(_tranches(octets, encodage))[:65536]
    if len(CONTROLES.findall(debut)) > PART_CONTROLE_MAX * len(debut):
        raise ErreurLecture(f"{nom_fichier} : ce n'est ni un fichier texte (CSV) ni un classeur Excel (.xlsx) : son "
                            "début contient des caractères binaires. Enregistrez les données depuis le tableur en "
                            "CSV (séparateur ;) ou en .xlsx, puis déposez ce fichier.")
    sep = detecter_separateur(next(_lignes_texte(_tranches(octets, encodage)), ""))
    lecteur = csv.reader(_lignes_texte(_tranches(octets, encodage)), delimiter=sep)
    encodage = {"cp1252": "windows-1252"}.get(encodage, encodage)
    lignes, numeros, produit = [], [], False
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
            if taille is not None and len(lignes) >= taille:
                yield Tableau(nom_fichier, [normaliser_entete(e) for e in bruts], lignes, numeros, encodage, sep, bruts)
                lignes, numeros, produit = [], [], True
    except csv.Error as e:
        raise ErreurLecture(f"{nom_fichier}, ligne {lecteur.line_num} : CSV mal formé ({e}). Enregistrez-le à nouveau "
                            "depuis le tableur (CSV, séparateur ;).") from None
    bruts = bruts or []
    if lignes or not produit:
        yield Tableau(nom_fichier, [normaliser_entete(e) for e in bruts], lignes, numeros, encodage, sep, bruts)


def verifier_archive(octets: bytes, nom_fichier: str) -> None:
    """Refuse, sans rien décompresser, un classeur aux parties trop nombreuses ou trop grosses une fois décompressées
    (tailles lues dans le répertoire central du ZIP ; zipfile ne décompresse jamais au-delà de la taille déclarée)."""
    try:
        parties = zipfile.ZipFile(io.BytesIO(octets)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ErreurLecture(f"{nom_fichier} : classeur Excel illisible (archive ZIP abîmée). Enregistrez-le à "
                            "nouveau au format .xlsx ou exportez-le en CSV.") from None
    conseil = " Gardez dans le classeur les seules données à importer, ou exportez la feuille en CSV."
    if len(parties) > LIMITE_PARTIES:
        raise ErreurLecture(f"{nom_fichier} : {entier(len(parties))} parties dans le classeur, au-delà de la limite "
                            f"de {entier(LIMITE_PARTIES)}." + conseil)
    for partie in parties:
        if partie.file_size > LIMITE_PARTIE:
            raise ErreurLecture(f"{nom_fichier} : la partie « {partie.filename} » du classeur fait "
                                f"{entier(partie.file_size // 2**20)} Mo une fois décompressée, au-delà de la limite "
                                f"de {entier(LIMITE_PARTIE // 2**20)} Mo par partie." + conseil)
    total = sum(p.file_size for p in parties)
    if total > LIMITE_DECOMPRESSE:
        raise ErreurLecture(f"{nom_fichier} : le classeur fait {entier(total // 2**20)} Mo une fois décompressé, "
                            f"au-delà de la limite de {entier(LIMITE_DECOMPRESSE // 2**20)} Mo." + conseil)


def verifier_taille(nom_fichier: str, feuille: str, lignes: int, colonnes: int) -> None:
    """Refuse une feuille de plus de LIMITE_LIGNES lignes, LIMITE_COLONNES colonnes ou LIMITE_CELLULES cellules."""
    depasse = [f"{entier(lignes)} lignes (limite : {entier(LIMITE_LIGNES)})"] if lignes > LIMITE_LIGNES else []
    depasse += [f"{entier(colonnes)} colonnes (limite : {entier(LIMITE_COLONNES)})"] if colonnes > LIMITE_COLONNES \
        else []
    if lignes * colonnes > LIMITE_CELLULES:
        depasse.append(f"{entier(lignes * colonnes)} cellules (limite : {entier(LIMITE_CELLULES)})")
    if depasse:
        raise ErreurLecture(f"{nom_fichier} : la feuille « {feuille} » s'étend sur {' et '.join(depasse)}. "
                            "Gardez dans la feuille les seules données à importer (effacez les cellules éloignées), "
                            "ou exportez-la en CSV.")


def lire_xlsx(octets: bytes, nom_fichier: str) -> Tableau:
    """Lit la première feuille d'un classeur Excel, cellules converties en texte : tailles vérifiées avant la lecture
    (archive, dimension déclarée), puis lecture en continu bornée aux mêmes limites."""
    import openpyxl

    verifier_archive(octets, nom_fichier)
    try:
        classeur = openpyxl.load_workbook(io.BytesIO(octets), read_only=True, data_only=True)
    except Exception as e:  # openpyxl lève des exceptions variées sur un fichier abîmé
        raise ErreurLecture(f"{nom_fichier} : classeur Excel illisible ({type(e).__name__}). "
                            "Enregistrez-le à nouveau au format .xlsx ou exportez-le en CSV.") from None
    try:
        if not classeur.worksheets:
            raise ErreurLecture(f"{nom_fichier} : le classeur ne contient aucune feuille de calcul. Mettez les "
                                "données dans une feuille (en-têtes en ligne 1) ou exportez-les en CSV.")
        feuille = classeur.worksheets[0]
        if feuille.max_row is not None and feuille.max_column is not None:  # la dimension déclarée par le fichier
            verifier_taille(nom_fichier, feuille.title, feuille.max_row - (feuille.min_row or 1) + 1,
                            feuille.max_column - (feuille.min_column or 1) + 1)
        bruts, lignes, numeros = _lignes_feuille(feuille, nom_fichier)
    except ErreurLecture:
        raise
    except Exception as e:  # XML abîmé au milieu de la feuille
        raise ErreurLecture(f"{nom_fichier} : classeur Excel illisible ({type(e).__name__}). "
                            "Enregistrez-le à nouveau au format .xlsx ou exportez-le en CSV.") from None
    finally:
        classeur.close()
    if not any(c.strip() for c in bruts):
        raise ErreurLecture(f"{nom_fichier} : la feuille « {feuille.title} » n'a pas d'en-têtes en ligne 1"
                            + (" (elle est vide)." if not lignes else ".")
                            + " Écrivez le nom de chaque colonne en ligne 1, les valeurs en dessous.")
    return Tableau(nom_fichier, [normaliser_entete(e) for e in bruts], lignes, numeros, "xlsx", "", bruts)


def _lignes_feuille(feuille, nom_fichier: str) -> tuple[list[str], list[list[str]], list[int]]:
    """En-têtes, lignes non vides et leurs numéros, en continu ; refus dès qu'une limite est dépassée (dimension
    absente ou fausse)."""
    bruts: list[str] | None = None
    lignes, numeros, cellules_lues = [], [], 0
    for numero, ligne in enumerate(feuille.iter_rows(values_only=True), start=1):
        cellules_lues += len(ligne)
        depasse = ("lignes", LIMITE_LIGNES) if numero > LIMITE_LIGNES else \
            ("colonnes", LIMITE_COLONNES) if len(ligne) > LIMITE_COLONNES else \
            ("cellules", LIMITE_CELLULES) if cellules_lues > LIMITE_CELLULES else None
        if depasse:
            raise ErreurLecture(f"{nom_fichier}, ligne {numero} : la feuille « {feuille.title} » dépasse la limite "
                                f"de {entier(depasse[1])} {depasse[0]}. Gardez dans la feuille les seules données à "
                                "importer, ou exportez-la en CSV.")
        cellules = ["" if v is None else texte_cellule(v) for v in ligne]
        if bruts is None:
            bruts = cellules
            continue
        if any(c.strip() for c in cellules):
            lignes.append(cellules)
            numeros.append(numero)
    return bruts or [], lignes, numeros


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
    if est_classeur(chemin, octets):
        return lire_xlsx(octets, chemin.name)
    return lire_csv(octets, chemin.name)


def est_classeur(chemin: Path, octets: bytes) -> bool:
    """Un classeur Excel, d'après son extension ou sa signature ZIP ; sinon un CSV."""
    return Path(chemin).suffix.lower() in (".xlsx", ".xlsm") or octets[:2] == b"PK"


def lire_nombre(texte: str) -> float | None:
    """« 1 234,5 », « 1234.5 », « 76,9 % » -> nombre ; valeur secrète ou manquante -> None ; sinon ValueError."""
    if isinstance(texte, str) and texte.isascii() and texte.isdigit() and len(texte) <= 12:
        return float(texte)  # « 1234 », le cas courant : sans expression régulière
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
