-- contours_territoire.sql : les contours à dessiner sur la carte d'un territoire.
--
-- Paramètres : $territoire (un EPCI, un département, une commune ; 'france' donne les EPCI)
-- Colonnes   : couche ('unite' : les communes, ou les EPCI pour la France ; 'departement' : le
--              contour des départements touchés), territoire, code, geometrie (GeoJSON, degrés WGS 84)

with
cible as (
    select niveau from territoires where territoire = $territoire
),
communes_ as (
    select commune from appartenance where territoire = $territoire
),
unites as (
    select 'unite' as couche, 'commune:' || c.code as territoire, c.code, c.geometrie
    from contours_communes c
    semi join communes_ k on k.commune = c.code
    where (select niveau from cible) <> 'france'
    union all
    select 'unite', 'epci:' || e.code, e.code, e.geometrie
    from contours_epci e
    where (select niveau from cible) = 'france'
),
departements_ as (
    select 'departement' as couche, 'departement:' || d.code as territoire, d.code, d.geometrie
    from contours_departements d
    where (select niveau from cible) <> 'france'
      and d.code in (select c.departement from communes c semi join communes_ k on k.commune = c.code)
),
final as (
    select * from unites
    union all
    select * from departements_
)
select * from final
order by couche desc, code
