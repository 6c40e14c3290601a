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
