-- territoire.sql : un territoire de la géographie de référence.
--
-- Paramètres : $territoire ('commune:44131', 'epci:200067346', 'departement:44', 'region:52', 'france')
-- Colonnes   : territoire, niveau, code, nom, departement, region, epci
-- Aucune ligne si le territoire n'existe pas.

select territoire, niveau, code, nom, departement, region, epci
from territoires
where territoire = $territoire
