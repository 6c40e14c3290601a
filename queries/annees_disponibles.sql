-- annees_disponibles.sql : les années qui ont des mesures (hors populations légales seules).
--
-- Paramètres : aucun
-- Colonnes   : annee, de la plus récente à la plus ancienne

select distinct annee
from mesures
where indicateur <> 'population'
order by annee desc
