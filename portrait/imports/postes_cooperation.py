"""Import du fichier générique des postes de chargés de coopération (une ligne par personne, thématique et année)."""

from __future__ import annotations

import pandas as pd

from portrait.imports.lecture import Tableau, lire_nombre
from portrait.imports.rapport import (
    Contexte,
    ErreurImport,
    Rapport,
    normaliser_code,
    poste_refuse,
    proches,
    sans_epci_hors_plage,
)
from portrait.regles import cooperation

OBLIGATOIRES = ("annee", "niveau", "code", "thematique", "etp_valorises")
VRAI, FAUX = {"oui", "o", "vrai", "true", "1", "x"}, {"non", "n", "faux", "false", "0"}


def booleen(texte: str) -> bool | None:
    """« oui », « x », « 1 » -> True ; « non », « 0 » -> False ; autre chose -> None (réponse non donnée)."""
    t = texte.strip().lower()
    return True if t in VRAI else (False if t in FAUX else None)


def lire(t: Tableau, contexte: Contexte) -> tuple[pd.DataFrame, Rapport]:
    """Valide chaque ligne ; toute erreur est rapportée avec son numéro de ligne, et rien n'est écrit."""
    chemins = contexte.chemins
    manquantes = [c for c in OBLIGATOIRES if c not in t.entetes]
    if manquantes:
        raise ErreurImport(f"{t.nom_fichier} : colonne(s) absente(s) : {', '.join(manquantes)}. Colonnes du fichier "
                           f"des postes : {', '.join(c for c in cooperation.COLONNES if c != 'source')}.")
    communes = pd.read_parquet(chemins.table("communes")).set_index("code")
    epci = pd.read_parquet(chemins.table("epci")).set_index("code")
    rapport = Rapport(t.nom_fichier, lignes_lues=len(t.lignes))
    lignes = []
    for numero, cellules in zip(t.numeros, t.lignes):
        def cell(c, cellules=cellules):
            return cellules[t.entetes.index(c)].strip() if c in t.entetes and t.entetes.index(c) < len(cellules) else ""
        ou = f"{t.nom_fichier}, ligne {numero}"
        niveau = cell("niveau").lower()
        code = normaliser_code(niveau, cell("code")) if niveau in ("commune", "epci") else cell("code")
        if niveau == "epci" and code in epci.index:
            code_epci, departement = code, epci.at[code, "departement"]
        elif niveau == "commune" and code in communes.index:
            code_epci, departement = communes.at[code, "epci"], communes.at[code, "departement"]
        else:
            connus = epci.index if niveau == "epci" else communes.index
            rapport.erreurs.append(f"{ou} : territoire « {cell('niveau')} {cell('code')} » inconnu ; niveau epci "
                                   "(Siren) ou commune (code Insee)." + proches(code, connus))
            continue
        thematique = cell("thematique").lower()
        if thematique not in cooperation.THEMATIQUES:
            rapport.erreurs.append(f"{ou} : thématique « {cell('thematique')} » inconnue ; "
                                   f"{', '.join(cooperation.THEMATIQUES)}.")
            continue
        try:
            annee = lire_nombre(cell("annee"))
            etp = lire_nombre(cell("etp_valorises"))
            reels = lire_nombre(cell("etp_reels")) if cell("etp_reels") else etp
            comptes = {c: lire_nombre(cell(c)) for c in cooperation.COMPTES_ACTIVITE}
        except ValueError:
            rapport.erreurs.append(f"{ou} : nombre illisible (année, ETP ou comptes de réunions) ; écrivez 0,5 ou 0.5.")
            continue
        if annee is None or etp is None:
            rapport.erreurs.append(f"{ou} : année ou ETP valorisés manquant.")
            continue
        if poste_refuse(ou, {"annee": annee, "etp_valorises": etp, "etp_reels": reels, **comptes}, rapport):
            continue  # ETP hors de 0 à 1,5, année non entière, COPIL négatif : refusés, pas tronqués
        annee = int(annee)
        ligne = {"annee": annee, "departement": departement, "niveau": niveau, "code": code, "epci": code_epci,
                 "employeur": cell("employeur"), "intitule_poste": cell("intitule_poste"), "nom": cell("nom"),
                 "thematique": thematique, "etp_valorises": etp, "etp_reels": reels,
                 "cof_signee": booleen(cell("cof_signee")), "source": "import"}
        ligne.update({c: (int(v) if v is not None else None) for c, v in comptes.items()})
        ligne.update({q: booleen(cell(q)) for q in cooperation.QUESTIONS_OUI_NON})
        lignes.append(ligne)
    df = sans_epci_hors_plage(pd.DataFrame(lignes).reindex(columns=cooperation.COLONNES), rapport)
    rapport.lignes_gardees = len(df)
    rapport.annees = sorted(int(a) for a in df["annee"].unique()) if len(df) else []
    return df, rapport
