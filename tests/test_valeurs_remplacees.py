"""Les valeurs déjà là qu'un import remplace (rapport.valeurs_remplacees) : les mêmes chiffres et exemples que la
jointure SQL qu'elles remplacent, sur des colonnes de texte comme de catégories ; une seule connexion bornée aux
données par lecture d'un fichier, qui voit la table `mesures` comme l'application."""

from pathlib import Path

import numpy as np
import pandas as pd

from portrait.donnees.connexion import Chemins, connecter
from portrait.imports import depot, rapport
from portrait.imports.rapport import Rapport, connexion_bornee, valeurs_remplacees

NOUVELLES = [  # (niveau, code, annee, indicateur, valeur) : déjà là (jeu de conftest) ou non
    ("commune", "44001", 2018, "enfants_0_2", 100.0),  # même valeur : remplacée, ne change pas
    ("commune", "44002", 2018, "enfants_0_2", 201.0),  # change
    ("commune", "16001", 2018, "enfants_0_2", np.nan),  # une valeur devient n.d. : change
    ("commune", "44003", 2023, "enfants_0_2", 7.0),  # change
    ("departement", "16", 2023, "taux_couverture", 55.9),  # change (valeur stockée « caf »)
    ("departement", "44", 2023, "taux_couverture", 60.0),  # pas encore là
    ("commune", "44001", 2031, "enfants_0_2", 1.0),  # année sans valeur
    ("epci", "200000001", 2023, "enfants_0_2", 5.0),  # pas encore là
]


def par_la_jointure(racine: Path, df: pd.DataFrame) -> tuple[int, int, list[tuple]]:
    """Ce que comptait l'ancienne jointure SQL : remplacées, changées, les trois premiers exemples."""
    con = connecter(racine)
    con.register("nouvelles", df)
    jointure = "from mesures m join nouvelles n using (niveau, code, annee, indicateur)"
    change = "m.valeur is distinct from n.valeur"
    nombre, changees = con.execute(f"select count(*), count(*) filter (where {change}) {jointure}").fetchone()
    exemples = con.execute(f"select niveau, code, annee, indicateur, m.valeur, n.valeur {jointure} where {change} "
                           "order by niveau, code, annee, indicateur limit 3").fetchall()
    return nombre, changees, exemples


def test_memes_chiffres_que_la_jointure_en_texte_comme_en_categories(donnees):
    df = pd.DataFrame(NOUVELLES, columns=["niveau", "code", "annee", "indicateur", "valeur"])
    nombre, changees, exemples = par_la_jointure(donnees, df)
    assert (nombre, changees) == (5, 4)
    attendus = [f"{n} {c}, {a}, {i} : {rapport.nombre_fr(x)} → {rapport.nombre_fr(y)}" for n, c, a, i, x, y in exemples]
    assert attendus == ["commune 16001, 2018, enfants_0_2 : 50 → n.d.", "commune 44002, 2018, enfants_0_2 : 200 → 201",
                        "commune 44003, 2023, enfants_0_2 : 330 → 7"]
    # catégories dans un ordre qui n'est pas celui du texte (le gros CSV : niveaux dans l'ordre du catalogue)
    categories = df.astype({"niveau": pd.CategoricalDtype(["epci", "departement", "commune"]),
                            "code": "category", "indicateur": "category", "annee": "int16"})
    for lignes in (df, categories):
        r = Rapport("f.csv")
        assert valeurs_remplacees(Chemins(donnees), lignes, r) == nombre
        assert r.valeurs_changees == changees and r.exemples_remplaces == attendus


def test_une_seule_connexion_bornee_par_lecture(donnees, tmp_path, monkeypatch):
    ouvertes = []

    def compter(chemins):
        ouvertes.append(chemins)
        return connexion_bornee(chemins)
    monkeypatch.setattr(depot, "connexion_bornee", compter)
    monkeypatch.setattr(rapport, "connexion_bornee", compter)
    fichier = tmp_path / "mesures.csv"
    fichier.write_text("niveau;code;annee;indicateur;valeur\ncommune;44002;2018;enfants_0_2;201\n"
                       "commune;44002;2019;enfants_0_2;900\n", encoding="utf-8")
    _, r = depot.verifier(fichier, donnees)
    assert len(ouvertes) == 1  # valeurs remplacées et sauts sur la même
    assert r.valeurs_remplacees == 1 and r.valeurs_changees == 1
    assert any("plus de × 3" in a for a in r.avertissements)


def test_la_connexion_bornee_lit_les_mesures_comme_l_application(donnees, tmp_path):
    fichier = tmp_path / "mesures.csv"
    fichier.write_text("niveau;code;annee;indicateur;valeur\ncommune;44002;2018;enfants_0_2;201\n"
                       "departement;44;2023;taux_couverture;60\n", encoding="utf-8")
    depot.importer(fichier, donnees)  # la démonstration remplacée par un import actif
    requete = "select niveau, code, annee, indicateur, valeur from mesures order by all"
    with connexion_bornee(Chemins(donnees)) as con:
        assert con.execute(requete).fetchall() == connecter(donnees).execute(requete).fetchall()
