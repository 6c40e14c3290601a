-- contours_territoire.sql : les contours à dessiner sur la carte d'un territoire.
--
-- Paramètres : $territoire (un EPCI, un département, une commune, 'france'),
--              $unites ('communes' ou 'epci' : ce que la carte colore ; la France est toujours par EPCI)
-- Colonnes   : couche ('unite' : les communes ou les EPCI du territoire ; 'departement' : le contour des
--              départements touchés, sauf pour la France), territoire, code, departement (celui de la commune,
--              le département principal de l'EPCI : la carte de la France place l'outre-mer en encadrés),
--              geometrie (GeoJSON, degrés WGS 84)

with
cible as (
    select niveau from territoires where territoire = $territoire
),
communes_ as (
    select c.code, c.epci, c.departement
    from appartenance a
    join communes c on c.code = a.commune
    where a.territoire = $territoire
),
par_epci as (
    select $unites = 'epci' or (select niveau from cible) = 'france' as oui
),
unites as (
    select 'unite' as couche, 'commune:' || c.code as territoire, c.code, k.departement, c.geometrie
    from contours_communes c
    join communes_ k on k.code = c.code
    where not (select oui from par_epci)
    union all
    select 'unite', 'epci:' || e.code, e.code, x.departement, e.geometrie
    from contours_epci e
    join epci x on x.code = e.code
    where (select oui from par_epci)
      and e.code in (select epci from communes_)
),
departements_ as (
    select 'departement' as couche, 'departement:' || d.code as territoire, d.code, d.code as departement,
        d.geometrie
    from contours_departements d
    where (select niveau from cible) <> 'france'
      and d.code in (select departement from communes_)
),
final as (
    select * from unites
    union all
    select * from departements_
)
select * from final
order by couche desc, code
