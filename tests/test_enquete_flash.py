"""Import de l'enquête flash (document 000) : questions reconnues à leur contenu, communes retrouvées par leur nom."""

import csv
import io

import pytest

from portrait.donnees import jeux
from portrait.donnees.connexion import connecter
from portrait.donnees.requetes import Requetes
from portrait.imports import depot, enquete_flash, registre
from portrait.surfaces.cli import main

# Les questions du formulaire telles qu'un export les écrit : apostrophes typographiques ou droites, accents,
# numéros et astérisques variables, selon le bloc.
DEBUT = ["ID", "Heure de début", "Heure de fin", "Adresse de messagerie", "Nom"]
QUESTIONS = [
    "1. Quelle est le nom de votre commune ? *",
    "Quel est le nom du pilote de la CTG et quel est l’intitulé de son poste au sein de la ville ?",
    "Dans le cadre de la CTG, des postes de Chargé de Coopération sont-ils valorisés ?",
]
BLOC = [
    "Si votre CTG intègre la thématique {t}, avez-vous désigné un ou plusieurs chargés de coopération ?",
    "Combien d'ETP sont-ils valorisés au titre de la {t} ?",
    "Quel est le nom du (ou des) professionnel(s) qui porte(nt) la mission de chargé de coopération {t} ?",
    "Quel est l'intitulé de son ou de leur poste ?  ({t})",
    "Quel temps de travail (en ETP) consacre(nt)-il(s) à la mission de chargé de coopération {t} ?",
    "Le ou les chargés de coopération {t} conduisent-ils ou coordonnent-ils des diagnostics afférents ?",
    "En 2023, une démarche associant les habitants a-t-elle été mise en place sur la thématique {t} ?",
    "Dans ce cadre, en 2023, combien de réunions ont-elles été organisées et/ou coanimées … élus ? ({t})",
    "En 2023, quel a été le nombre de participations du/des chargé(s) de coopération {t} au comité de pilotage ?",
    "Dans ce cadre, en 2023, combien de groupes de travail ont-ils été organisés et/ou coanimés ? ({t})",
    "Le ou les chargés de coopération {t} rendant compte annuellement à la Caf ?",
]
THEMES = ["Petite Enfance", "Enfance/Jeunesse", "Handicap"]


def export(reponses) -> bytes:
    entetes = DEBUT + QUESTIONS + [q.format(t=t) for t in THEMES for q in BLOC]
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, delimiter=";")
    ecrivain.writerow(entetes)
    for i, (commune, pe, ej) in enumerate(reponses, start=1):
        ligne = [i, "15/09/2024 10:00:00", "15/09/2024 10:20:00", f"ctg{i}@mairie.fr", "Répondant", commune,
                 "Pilote, DGS", "Oui"]
        for bloc in (pe, ej, None):
            if bloc is None:
                ligne += ["Non"] + [""] * (len(BLOC) - 1)  # réponses facultatives laissées vides
            else:
                etp, reels, copil = bloc
                ligne += ["Oui", etp, "Anne Durand", "Coordinatrice enfance", reels, "Oui", "Non", "4", copil, "2",
                          "Oui"]
        ecrivain.writerow(ligne)
    return tampon.getvalue().encode("utf-8-sig")


REPONSES = [("alpha", ("0,5", "0.4", "1"), ("0,3", "0,3", "0")),  # casse, virgule ou point décimal
            ("Beta", ("1", "1", "2"), None),  # accent oublié
            ("Gama", ("1", "1", "1"), None)]  # faute de frappe : réponse écartée, noms proches proposés


def test_questions_reconnues_a_leur_contenu():
    entetes = DEBUT + QUESTIONS + [q.format(t=t) for t in THEMES for q in BLOC]
    cols = enquete_flash.colonnes(entetes)
    # la commune (colonne 5), puis chaque bloc de onze questions : la première (« avez-vous désigné… ») n'est pas
    # gardée, les dix autres le sont, chacune à sa place, quelle que soit son écriture
    champs = ["etp_valorises", "nom", "intitule_poste", "etp_reels", "diagnostic", "demarche_habitants",
              "reunions_elus", "copil", "groupes_travail", "compte_rendu_caf"]
    attendu = {5: ("", "commune")}
    for i, thematique in enumerate(["petite_enfance", "enfance_jeunesse", "handicap"]):
        debut = len(DEBUT) + len(QUESTIONS) + i * len(BLOC) + 1
        attendu |= {debut + j: (thematique, champ) for j, champ in enumerate(champs)}
    assert cols == attendu


def test_lecture_de_l_export(donnees, tmp_path):
    f = tmp_path / "enquete.csv"
    f.write_bytes(export(REPONSES))
    df, rapport = depot.verifier(f, donnees, source="enquete_flash", departement="44")
    assert rapport.annees == [2024]  # année des réponses
    assert len(rapport.erreurs) == 1 and "« Gama » introuvable" in rapport.erreurs[0]
    assert "noms proches : Gamma" in rapport.erreurs[0]
    alpha = df[(df["code"] == "44001")].set_index("thematique")
    assert alpha.loc["petite_enfance", "etp_valorises"] == 0.5 and alpha.loc["petite_enfance", "etp_reels"] == 0.4
    assert alpha.loc["enfance_jeunesse", "copil"] == 0
    assert bool(alpha.loc["petite_enfance", "diagnostic"]) is True
    assert bool(alpha.loc["petite_enfance", "demarche_habitants"]) is False
    assert set(df["code"]) == {"44001", "44002"} and "handicap" not in set(df["thematique"])


def test_import_remplace_departement_et_annee_puis_annulation(donnees, tmp_path):
    f = tmp_path / "enquete.csv"
    f.write_bytes(export(REPONSES))
    entree, _ = depot.importer(f, donnees, source="enquete_flash", departement="44", annee=2023)
    synthese, postes = donnees_cooperation(donnees)
    assert set(postes["source"]) == {"enquete-flash"}  # la démonstration de 2023 en Loire-Atlantique est remplacée
    s = synthese.set_index("code")
    assert s.loc["200000001", "etp_total"] == pytest.approx(0.5 + 0.3 + 1.0)  # Alpha et Bêta sont dans l'EPCI 1
    assert s.loc["200000002", "sans_poste"]
    registre.annuler(donnees, entree["id"])
    _, postes = donnees_cooperation(donnees)
    assert set(postes["source"]) == {"demo"}


def donnees_cooperation(racine):
    return jeux.cooperation(Requetes(connecter(racine)), "departement:44", 2023)


def test_cli_enquete_flash(donnees, tmp_path, capsys):
    f = tmp_path / "enquete.csv"
    f.write_bytes(export(REPONSES))
    assert main(["import", "enquete-flash", str(f), "--departement", "44", "--annee", "2023",
                 "--data-dir", str(donnees)]) == 0
    sortie = capsys.readouterr().out
    assert "« Gama » introuvable" in sortie and "remplace les chargés de coopération du département 44" in sortie
    synthese, postes = donnees_cooperation(donnees)  # --annee 2023 : la démonstration de 2023 est remplacée
    assert set(postes["source"]) == {"enquete-flash"}
    assert synthese.set_index("code")["etp_total"].to_dict() == pytest.approx({"200000001": 1.8, "200000002": 0.0})


@pytest.mark.parametrize("annee", [1985, 2999])
def test_annee_de_l_enquete_hors_plage_refusee(donnees, tmp_path, capsys, annee):
    # --annee 1985 ou 2999 était pris tel quel : des chargés de coopération « en 2999 » entraient au registre
    from portrait.imports.rapport import ANNEE_MAX

    f = tmp_path / "enquete.csv"
    f.write_bytes(export(REPONSES))
    assert main(["import", "enquete-flash", str(f), "--departement", "44", "--annee", str(annee),
                 "--data-dir", str(donnees)]) == 1
    message = capsys.readouterr().err
    assert message.startswith(f"enquete.csv : l'année précisée, {annee}, est refusée (année hors de 1990 à "
                              f"{ANNEE_MAX}) ; les réponses doivent dater d'une année de 1990 à {ANNEE_MAX}"), message
    assert registre.liste(donnees).empty
    with pytest.raises(depot.ErreurImport, match="l'année précisée, 1985, est refusée"):  # la page Données
        depot.verifier("enquete.csv", donnees, export(REPONSES), "enquete_flash", "44", 1985)
    horodatees_1985 = export(REPONSES).replace(b"/2024 ", b"/1985 ")  # l'année lue dans l'horodatage
    with pytest.raises(depot.ErreurImport, match=r"l'année des réponses \(horodatage\), 1985, est refusée"):
        depot.verifier("enquete.csv", donnees, horodatees_1985, "enquete_flash", "44")
