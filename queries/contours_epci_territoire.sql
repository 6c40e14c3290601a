-- contours_epci_territoire.sql : les contours des EPCI d'un territoire, pour la carte des chargés de coopération.
--
-- Paramètres : $territoire (un EPCI, un département, 'france')
-- Colonnes   : couche ('unite' : les EPCI ; 'departement' : le contour des départements touchés, sauf pour la
--              France), territoire, code, geometrie (GeoJSON, degrés WGS 84)

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
unites as (
    select 'unite' as couche, 'epci:' || e.code as territoire, e.code, e.geometrie
    from contours_epci e
    where e.code in (select epci from communes_)
),
departements_ as (
    select 'departement' as couche, 'departement:' || d.code as territoire, d.code, d.geometrie
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
