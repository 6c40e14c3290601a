"""Exports des tableaux : CSV pour Excel (point-virgule, virgule décimale, BOM) et XLSX aux nombres réels."""

from __future__ import annotations

import io

import pandas as pd

from portrait.imports.lecture import neutraliser_formule


def neutraliser(df: pd.DataFrame) -> pd.DataFrame:
    """Textes neutralisés contre l'injection de formules dans un tableur (=, +, -, @ en tête)."""
    sortie = df.copy()
    for col in sortie.columns:
        if sortie[col].dtype == object or pd.api.types.is_string_dtype(sortie[col]):
            sortie[col] = sortie[col].map(lambda v: neutraliser_formule(v) if isinstance(v, str) else v)
    sortie.columns = [neutraliser_formule(str(c)) for c in sortie.columns]
    return sortie


def csv_excel(df: pd.DataFrame) -> bytes:
    """CSV qu'Excel ouvre tel quel en France : « ; », virgule décimale, UTF-8 avec BOM ; vide = n.d."""
    texte = neutraliser(df).to_csv(index=False, sep=";", decimal=",", lineterminator="\r\n", float_format="%.10g")
    return texte.encode("utf-8-sig")


def xlsx(df: pd.DataFrame, titre: str, note: str, formats: dict[str, str] | None = None) -> bytes:
    """Classeur d'une feuille : titre, tableau aux nombres réels (formats français), note de source."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    tampon = io.BytesIO()
    propre = neutraliser(df)
    with pd.ExcelWriter(tampon, engine="openpyxl") as ecrivain:
        propre.to_excel(ecrivain, index=False, startrow=2, sheet_name="Tableau")
        feuille = ecrivain.sheets["Tableau"]
        feuille["A1"] = neutraliser_formule(titre)
        feuille["A1"].font = Font(bold=True, size=13)
        feuille.cell(row=len(propre) + 5, column=1, value=neutraliser_formule(note)).font = Font(italic=True, size=9)
        for j, col in enumerate(propre.columns, start=1):
            lettre = get_column_letter(j)
            feuille.column_dimensions[lettre].width = max(12, min(45, len(str(col)) + 2))
            motif = (formats or {}).get(df.columns[j - 1])
            if motif:
                for i in range(len(propre)):
                    feuille.cell(row=i + 4, column=j).number_format = motif
    return tampon.getvalue()


FORMAT_NOMBRE = "#,##0"
FORMAT_POURCENT = '0.0" %"'  # les valeurs sont déjà en pourcentage (76,9 pour 76,9 %)
