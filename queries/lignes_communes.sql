-- lignes_communes.sql : les lignes des tableaux par commune (« identification des tensions », « détail »).
--
-- Paramètres : $territoire (une commune, un EPCI, un département ; 'france' donne les EPCI)
-- Colonnes   : ordre (0 les communes, 1 l'EPCI, 2 le département, 3 la France), territoire, niveau,
--              code, nom, population (population légale la plus récente, habitants),
--              reference (le territoire auquel une unité se compare : le département de la commune, même
--              quand son EPCI est à cheval sur deux départements ; la France pour un EPCI de la vue France ;
--              vide pour les lignes de référence)
-- Les communes (ou les EPCI) sont triées par nom, sans tenir compte des accents ; les lignes de
-- référence suivent : l'EPCI du territoire, puis chaque département de ses communes (un EPCI à cheval
-- sur deux départements a deux lignes de département), ou la France.

with
cible as (
    select * from territoires where territoire = $territoire
),
unites as (
    select distinct
        0 as ordre,
        case when a.niveau = 'france' then 'epci:' || c.epci else 'commune:' || a.commune end as territoire,
        case when a.niveau = 'france' then 'france' else 'departement:' || c.departement end as reference
    from appartenance a
    join communes c on c.code = a.commune
    where a.territoire = $territoire
      and (a.niveau <> 'france' or c.epci is not null)
),
references_ as (
    select 1 as ordre, 'epci:' || epci as territoire, null as reference
    from cible where niveau in ('commune', 'epci')
    union all
    select distinct 2, reference, null from unites where reference <> 'france'
    union all
    select 3, 'france', null from cible where niveau = 'france'
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
    select l.ordre, t.territoire, t.niveau, t.code, t.nom, p.population, l.reference
    from lignes l
    join territoires t using (territoire)
    left join populations_ p using (territoire)
)
select * from final
order by ordre, nom collate nocase.noaccent, code
