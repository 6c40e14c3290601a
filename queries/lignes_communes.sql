-- lignes_communes.sql : les lignes des tableaux par commune (« identification des tensions », « détail »).
--
-- Paramètres : $territoire (une commune, un EPCI, un département ; 'france' donne les EPCI)
-- Colonnes   : ordre (0 les communes, 1 l'EPCI, 2 le département, 3 la France), territoire, niveau,
--              code, nom, population (population légale la plus récente, habitants)
-- Les communes (ou les EPCI) sont triées par nom, sans tenir compte des accents ; les lignes de
-- référence suivent : l'EPCI du territoire, puis son département.

with
cible as (
    select * from territoires where territoire = $territoire
),
unites as (
    select distinct
        0 as ordre,
        case when a.niveau = 'france' then 'epci:' || c.epci else 'commune:' || a.commune end as territoire
    from appartenance a
    join communes c on c.code = a.commune
    where a.territoire = $territoire
      and (a.niveau <> 'france' or c.epci is not null)
),
references_ as (
    select 1 as ordre, 'epci:' || epci as territoire from cible where niveau in ('commune', 'epci')
    union all
    select 2, 'departement:' || departement from cible where niveau in ('commune', 'epci', 'departement')
    union all
    select 3, 'france' from cible where niveau = 'france'
),
lignes as (
    select * from unites
    union all
    select * from references_
),
populations_ as (
    select a.territoire, sum(c.population) as population
    from appartenance a
    join communes c on c.code = a.commune
    semi join lignes l on l.territoire = a.territoire
    group by a.territoire
),
final as (
    select l.ordre, t.territoire, t.niveau, t.code, t.nom, p.population
    from lignes l
    join territoires t using (territoire)
    left join populations_ p using (territoire)
)
select * from final
order by ordre, nom collate nocase.noaccent, code
