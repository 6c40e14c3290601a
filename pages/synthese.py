"""Synthèse petite enfance : besoins, offre, adéquation, comme le portrait du document 004."""

import streamlit as st

from portrait.surfaces import cache, ecran
from portrait.vues import commun, graphiques
from portrait.vues import synthese as vue_synthese

ANNEES_SERIES = tuple(range(2016, 2025))

ctx = ecran.contexte()
synthese = cache.synthese(ctx.signature, ctx.territoire, ctx.annee)
series = cache.series_synthese(ctx.signature, ctx.territoire, ("naissances", "enfants_0_2"), ANNEES_SERIES)
demo = bool(synthese["demo"].any())

st.title(f"Synthèse petite enfance · {ctx.nom}")
st.caption(f"{ctx.annee} · comparé à {', '.join(synthese['nom'].iloc[1:])}")
ecran.bandeau_demo(demo)

# --- Besoins ---------------------------------------------------------------------------------------------------
st.header("Besoins", divider="gray")
st.markdown(f"**Nombre de naissances, {ctx.annee}**")
for colonne, c in zip(st.columns(4), vue_synthese.chiffres_comparateurs(synthese, "naissances")):
    colonne.metric(c["nom"], c["valeur"])
ecran.graphique(graphiques.series_par_territoire(
    vue_synthese.serie_indicateur(series, "naissances"), "naissances",
    f"Évolution du nombre de naissances, {ctx.nom} et comparaisons, 2016-2024",
    commun.note(["naissances"], ctx.annee, demo)), cle="naissances_series", demo=demo)
ecran.graphique(graphiques.series_par_territoire(
    vue_synthese.serie_indicateur(series, "enfants_0_2"), "enfants_0_2",
    f"Évolution du nombre d'enfants de 0 à 2 ans, {ctx.nom} et comparaisons, 2016-2024",
    commun.note(["enfants_0_2"], ctx.annee, demo)), cle="enfants_series", demo=demo)
besoins = commun.tableau(synthese, vue_synthese.TABLE_BESOINS)
st.subheader(f"Besoins des familles, {ctx.nom}, {ctx.annee}")
st.dataframe(commun.styler(besoins, vue_synthese.TABLE_BESOINS), hide_index=True, width="stretch")
note_besoins = commun.note(vue_synthese.TABLE_BESOINS, ctx.annee, demo)
st.caption(note_besoins)
ecran.telechargements(besoins, vue_synthese.TABLE_BESOINS, f"besoins_{ctx.code}_{ctx.annee}",
                          f"Besoins des familles, {ctx.nom}, {ctx.annee}", note_besoins)

# --- Offre -----------------------------------------------------------------------------------------------------
st.header("Offre", divider="gray")
ecran.graphique(graphiques.barres_empilees(
    vue_synthese.places_pour_100(synthese), graphiques.COULEURS_MODES, vue_synthese.libelles_modes(),
    f"Places d'accueil pour 100 enfants de moins de 3 ans, par mode, {ctx.nom}, {ctx.annee}",
    commun.note(["places_total"], ctx.annee, demo, "Chaque barre a pour longueur le taux de couverture."),
    "places pour 100 enfants de moins de 3 ans"), cle="places_modes", demo=demo)
offre = commun.tableau(synthese, vue_synthese.TABLE_OFFRE)
st.subheader(f"Places et assistantes maternelles, {ctx.nom}, {ctx.annee}")
st.dataframe(commun.styler(offre, vue_synthese.TABLE_OFFRE), hide_index=True, width="stretch")
note_offre = commun.note(vue_synthese.TABLE_OFFRE, ctx.annee, demo,
                               "Places AM 60 ans et plus : estimation = places chez les assistantes maternelles × "
                               "part des actives de 60 ans et plus.")
st.caption(note_offre)
ecran.telechargements(offre, vue_synthese.TABLE_OFFRE, f"offre_{ctx.code}_{ctx.annee}",
                          f"Places et assistantes maternelles, {ctx.nom}, {ctx.annee}", note_offre)

retraite = vue_synthese.chiffres_comparateurs(synthese, "am_actives_60_plus", roles=("territoire",))[0]
estimees = vue_synthese.chiffres_comparateurs(synthese, "places_am_60_plus_estimees", roles=("territoire",))[0]
c1, c2 = st.columns(2)
c1.metric(f"Assistantes maternelles de 60 ans et plus, {ctx.nom}", retraite["valeur"])
c2.metric("Places menacées par les départs en retraite d'ici cinq ans (estimation)", estimees["valeur"],
          help=commun.definition("places_am_60_plus_estimees"))
ecran.graphique(graphiques.barres_empilees(
    vue_synthese.ages_assistantes_maternelles(synthese), graphiques.COULEURS_AGES, vue_synthese.LIBELLES_AGES,
    f"Âge des assistantes maternelles actives, {ctx.nom}, {ctx.annee}",
    commun.note(["am_actives"], ctx.annee, demo), "% des assistantes maternelles actives"),
    cle="ages_am", demo=demo)

# --- Adéquation besoins / offre ---------------------------------------------------------------------------------
st.header("Adéquation besoins / offre", divider="gray")
st.markdown(f"**Taux de couverture petite enfance, {ctx.annee}**")
for colonne, c in zip(st.columns(4), vue_synthese.chiffres_comparateurs(synthese, "taux_couverture")):
    colonne.metric(c["nom"], c["valeur"])
ecran.graphique(graphiques.barres_comparaison(
    synthese, "taux_couverture", f"Taux de couverture petite enfance, {ctx.nom} et comparaisons, {ctx.annee}",
    commun.note(["taux_couverture"], ctx.annee, demo),
    reference=vue_synthese.reference_departement(synthese, "taux_couverture")),
    cle="couverture", demo=demo)
