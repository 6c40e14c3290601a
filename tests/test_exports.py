"""Exports des tableaux : CSV pour Excel et XLSX aux nombres réels."""

import io

import openpyxl
import pandas as pd

from portrait.surfaces import exports
from portrait.vues import commun


def tableau():
    return pd.DataFrame({"Territoire": ["Pornic", "=cmd|' /C calc'!A0", "Vue"],
                         "taux de couverture": [76.9, 259.0, None], "enfants 0-2 ans": [16130, 2, 5]})


def test_csv_excel_point_virgule_virgule_decimale_bom():
    octets = exports.csv_excel(tableau())
    assert octets.startswith(b"\xef\xbb\xbf")
    lignes = octets.decode("utf-8-sig").split("\r\n")
    assert lignes[0] == "Territoire;taux de couverture;enfants 0-2 ans"
    assert lignes[1] == "Pornic;76,9;16130"
    assert lignes[2].startswith("'=cmd")  # formule neutralisée
    assert lignes[3] == "Vue;;5"  # valeur manquante : cellule vide, pas 0


def test_xlsx_nombres_reels_et_formats():
    ids = ["taux_couverture", "enfants_0_2"]
    octets = exports.xlsx(tableau(), "Taux de couverture, CA Pornic Agglo, 2023", "Sources : Cnaf.",
                          commun.formats_excel(ids))
    feuille = openpyxl.load_workbook(io.BytesIO(octets)).active
    assert feuille["A1"].value == "Taux de couverture, CA Pornic Agglo, 2023"
    assert [c.value for c in feuille[3]] == ["Territoire", "taux de couverture", "enfants 0-2 ans"]
    assert feuille["B4"].value == 76.9 and feuille["B4"].number_format == '0.0" %"'
    assert feuille["C4"].value == 16130 and feuille["C4"].number_format == "#,##0"
    assert feuille["A5"].value.startswith("'=")
    assert feuille["A8"].value == "Sources : Cnaf."
