-- communes_territoire.sql : les communes d'un territoire (y compris la France entière), avec leur EPCI.
--
-- Paramètres : $territoire
-- Colonnes   : ordre (0), territoire ('commune:…'), niveau, code, nom, epci, population (légale, habitants),
--              reference (le département de la commune, 'departement:44' : la valeur à laquelle elle se compare)

with
final as (
    select 0 as ordre, 'commune:' || c.code as territoire, 'commune' as niveau, c.code, c.nom, c.epci,
        c.population, 'departement:' || c.departement as reference
    from appartenance a
    join communes c on c.code = a.commune
    where a.territoire = $territoire
)
select * from final
order by code
