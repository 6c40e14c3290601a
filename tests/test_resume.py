"""Le résumé écrit de chaque page (issue 17, section 4) : des phrases exactes tirées des chiffres des figures, sans
phrase sur une valeur n.d., les mêmes en tête de page et sur la première diapositive de la fiche."""

import pandas as pd

from portrait.regles import tensions
from portrait.vues import accueil, cooperation, detail, resume, synthese
from portrait.vues import tensions as vue_tensions

NB = "\u00a0"


def test_resume_accueil_epci_face_au_departement_et_a_la_france(req):
    assert accueil.accueil(req, "epci:200000001", 2023).resume == [
        f"En 2023, le taux de couverture petite enfance de CC Test Un est de 58,6{NB}% : 7,5 points de moins que le "
        f"département (Loire-Atlantique, 66,1{NB}%) et 1,9 point de moins que la France (60,6{NB}%).",
        f"Entre 2018 et 2023, le nombre d'enfants de moins de 3 ans a baissé de 3,3{NB}% (le département : "
        f"+3,3{NB}% ; la France : 0,0{NB}%).",
        f"20,0{NB}% des assistantes maternelles actives ont 60 ans et plus (le département : 15,0{NB}%) : environ 18 "
        "places d'accueil sont menacées par leurs départs en retraite d'ici cinq ans.",
    ]


def test_resume_accueil_france_sans_comparaison_et_elision(req):
    assert accueil.accueil(req, "france", 2023).resume[:2] == [
        f"En 2023, le taux de couverture petite enfance de la France est de 60,6{NB}%.",
        "Entre 2018 et 2023, le nombre d'enfants de moins de 3 ans est resté stable.",
    ]
    assert accueil.accueil(req, "commune:44001", 2023).resume[0].startswith(
        f"En 2023, le taux de couverture petite enfance d'Alpha est de 45,5{NB}%")


def test_resume_synthese(req):
    assert synthese.synthese(req, "departement:44", 2023).resume == [
        f"En 2023, le taux de couverture petite enfance de Loire-Atlantique est de 66,1{NB}% : 5,6 points de plus "
        f"que la France (60,6{NB}%).",
        "Premier mode d'accueil : PSU, avec 37,1 places pour 100 enfants de moins de 3 ans.",
        f"15,0{NB}% des assistantes maternelles actives ont 60 ans et plus : environ 27 places d'accueil sont "
        "menacées par leurs départs en retraite d'ici cinq ans.",
    ]


def test_resume_detail(req):
    assert detail.detail(req, "departement:44", 2023, "assistantes maternelles 60 ans et plus", "Part").resume == [
        f"Part des assistantes maternelles de 60 ans et plus, 2023 : Loire-Atlantique : 15,0{NB}%.",
        f"Parmi les 3 communes qui ont une valeur, elle va de 10,0{NB}% (Alpha) à 25,0{NB}% (Bêta).",
        f"2 communes sur 3 sont sous la valeur du département (Loire-Atlantique, 15,0{NB}%).",
    ]


def test_resume_tensions(req):
    assert vue_tensions.vue_tensions(req, "departement:44", 2023).resume == [
        "2 communes sur 3 remplissent au moins 2 des quatre critères de tension : Gamma et Alpha.",
        f"Le critère le plus souvent rempli : un nombre d'enfants de moins de 3 ans en hausse d'au moins 5{NB}% en "
        "cinq ans (2 communes sur 3).",
        f"1 commune est en zone d'offre insuffisante (couverture sous 50{NB}% ou aucune place d'accueil collectif).",
    ]
    exige = tensions.Filtres(tensions.Seuils(k=1, exiges=("taux_couverture",)))
    assert vue_tensions.vue_tensions(req, "departement:44", 2023, exige).resume[0] == (
        "1 commune sur 3 a une couverture inférieure à celle du département : Alpha.")


def test_resume_cooperation(req):
    assert cooperation.vue_cooperation(req, "departement:44", 2023).resume == [
        f"En 2023, Loire-Atlantique compte 1,95 ETP de chargés de coopération valorisés, dans 2 EPCI sur 2 ; "
        f"financement Caf estimé : 46\u202f800{NB}€.",
        "2 EPCI ont au moins une alerte du référentiel.",
        "1 EPCI cumule une forte tension SPPE et peu de coopération petite enfance : CC Test Un.",
    ]


def test_pas_de_phrase_sur_une_valeur_nd():
    # un territoire sans taux de couverture ni évolution connus : aucune phrase ne dit « n.d. »
    lignes = pd.DataFrame({"nom": ["Zêta", "Loire-Atlantique"], "niveau": ["commune", "departement"],
                           "taux_couverture": [float("nan"), 66.1], "evolution_enfants_0_2": [float("nan"), 3.3],
                           "evolution_places_total": [2.0, float("nan")], "part_am_60_plus": [float("nan"), 15.0],
                           "places_am_60_plus_estimees": [float("nan"), 27.0]})
    assert resume.resume_portrait(lignes, 2023) == [
        f"Entre 2018 et 2023, le nombre de places d'accueil a augmenté de 2,0{NB}%."]


def test_resume_loire_atlantique_faible_couverture_et_departs(req_demo):
    # la phrase de l'issue 17 sur les vraies données : les 11 communes de l'issue 14, les deux plus peuplées nommées
    filtres = tensions.Filtres(tensions.Seuils(k=2, exiges=("taux_couverture", "part_am_60_plus")))
    vue = vue_tensions.vue_tensions(req_demo, "departement:44", 2023, filtres)
    assert vue.resume[0] == (
        "11 communes sur 207 cumulent une couverture inférieure à celle du département et une part élevée "
        f"d'assistantes maternelles de 60 ans et plus (au moins 15{NB}%), dont Saint-Michel-Chef-Chef et Frossay "
        "(les plus peuplées).")
    assert vue.decompte == "11 communes sur 207 en tension"  # le même nombre que le décompte de la page


def test_fiche_premiere_diapositive_porte_le_resume_de_l_accueil(req, monkeypatch):
    from portrait.surfaces import fiche

    vu = {}
    monkeypatch.setattr(fiche, "_pptx", lambda d, titre, demo, resume=(): vu.setdefault("resume", resume) and b"")
    fiche.fiche(req, "epci:200000001", 2023, "pptx")
    assert vu["resume"] == accueil.accueil(req, "epci:200000001", 2023).resume
