-- choix_territoires.sql : les territoires d'un niveau contenus dans un autre, pour le sélecteur.
--
-- Paramètres : $niveau ('departement', 'epci', 'commune'), $parent ('france', 'departement:44', ...)
-- Colonnes   : territoire, code, nom, population (population légale la plus récente)
-- Un EPCI à cheval sur deux départements apparaît dans les deux.

with
communes_parent as (
    select a.commune
    from appartenance a
    where a.territoire = $parent
),
final as (
    select t.territoire, t.code, t.nom, sum(c.population) as population
    from communes_parent p
    join communes c on c.code = p.commune
    join appartenance a on a.commune = p.commune and a.niveau = $niveau
    join territoires t on t.territoire = a.territoire
    group by all
)
select * from final
order by nom collate nocase.noaccent, code
