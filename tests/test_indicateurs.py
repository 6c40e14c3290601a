"""Le catalogue d'indicateurs : complet, cohérent, seule source des libellés."""

from portrait.regles import catalogue

IDS_EXIGES = {
    "population", "naissances", "enfants_0_2", "enfants_0_17", "enfants_0_2_parents_actifs", "familles_0_2",
    "familles_0_2_bas_revenus", "familles_0_2_monoparentales", "am_agreees", "am_actives", "am_actives_moins_35",
    "am_actives_35_49", "am_actives_50_59", "am_actives_60_plus", "places_am", "places_mam", "places_mc_paje",
    "places_psu", "places_prescolarisation", "places_garde_domicile", "taux_couverture", "part_enfants_0_2",
    "part_enfants_0_2_parents_actifs", "part_familles_0_2_bas_revenus", "part_familles_0_2_monoparentales",
    "part_am_60_plus", "part_am_actives", "evolution_enfants_0_2", "evolution_naissances",
}


def test_ids_exiges_presents():
    assert IDS_EXIGES <= set(catalogue.PAR_ID)


def test_formules_referencent_des_comptes():
    comptes = {i.id for i in catalogue.CATALOGUE if i.nature in ("compte", "somme")}
    for i in catalogue.CATALOGUE:
        if i.nature == "taux" and i.numerateur is not None:  # sans formule : taux publié, repris tel quel
            assert i.numerateur in comptes and i.denominateur in comptes, i.id
        if i.nature == "evolution":
            assert i.base in comptes, i.id
        if i.nature == "somme":
            assert set(i.composantes) <= comptes, i.id
        assert i.libelle and i.libelle_court and i.source and i.definition, i.id


def test_indicateur_inconnu_message_francais():
    try:
        catalogue.indicateur("taux_couvertur")
    except KeyError as e:
        assert "Indicateur inconnu : « taux_couvertur »" in str(e)
    else:
        raise AssertionError
