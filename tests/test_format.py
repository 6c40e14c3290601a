"""Nombres à la française."""

import math

from portrait.vues import francais as fr


def test_nombres():
    assert fr.nombre(16130) == "16\u202f130"
    assert fr.nombre(576) == "576"
    assert fr.nombre(2.5, 1) == "2,5"
    assert fr.nombre(-1234.56, 1) == "\u22121\u202f234,6"
    assert fr.nombre(None) == "n.d." and fr.nombre(math.nan) == "n.d."


def test_pourcentages_et_evolutions():
    assert fr.pourcent(76.93) == "76,9\u00a0%"
    assert fr.pourcent(259.4, 0) == "259\u00a0%"  # au-dessus de 100 %, montré tel quel
    assert fr.evolution(-4.6) == "\u22125\u00a0%"
    assert fr.evolution(11.2) == "+11\u00a0%"
    assert fr.evolution(0.2) == "0\u00a0%"
    assert fr.evolution(None) == "n.d."


def test_selon_le_catalogue():
    assert fr.valeur("naissances", 16130) == "16\u202f130"
    assert fr.valeur("taux_couverture", 76.2) == "76,2\u00a0%"
    assert fr.valeur("evolution_enfants_0_2", -4.02) == "\u22124\u00a0%"


def test_dates_a_la_francaise():
    """Les dates que lit l'utilisateur (bandeaux, registre des imports, profils) : jour/mois/année, « à » l'heure ;
    l'horodatage ISO du registre est accepté tel quel."""
    from datetime import datetime

    assert fr.date_heure("2026-11-30T20:34:11") == "30/11/2026 à 20:34"
    assert fr.date_heure(datetime(2026, 1, 2, 3, 4, 5), secondes=True) == "02/01/2026 à 03:04:05"
    assert fr.jour("2026-11-30T20:34:11") == "30/11/2026"
