-- choix_territoires.sql : les territoires d'un niveau contenus dans un autre, pour le sélecteur.
--
-- Paramètres : $niveau ('departement', 'epci', 'commune'), $parent ('france', 'departement:44', ...)
-- Colonnes   : territoire, code, nom, population (population légale la plus récente, de tout le territoire)
-- Un EPCI à cheval sur deux départements apparaît dans les deux, avec toutes ses communes dans sa population
-- (les ratios par habitant des chargés de coopération portent sur tout l'EPCI).

with
communes_parent as (
    select a.commune
    from appartenance a
    where a.territoire = $parent
),
territoires_parent as (
    select distinct a.territoire
    from appartenance a
    semi join communes_parent p on p.commune = a.commune
    where a.niveau = $niveau
),
final as (
    select t.territoire, t.code, t.nom, sum(c.population) as population
    from appartenance a
    semi join territoires_parent tp on tp.territoire = a.territoire
    join communes c on c.code = a.commune
    join territoires t on t.territoire = a.territoire
    group by all
)
select * from final
order by nom collate nocase.noaccent, code
