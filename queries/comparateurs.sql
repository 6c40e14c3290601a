-- comparateurs.sql : un territoire et ses territoires de comparaison, dans l'ordre du portrait.
--
-- Paramètres : $territoire ('commune:44131', 'epci:200067346', 'departement:44', 'france')
-- Colonnes   : ordre (0 le territoire, 1 son EPCI, 2 son département, 4 la France),
--              territoire, niveau, code, nom
-- Un EPCI est comparé à son département principal (celui qui porte le plus de ses habitants).

with
comparateurs_ as (
    select ordre, comparateur as territoire
    from comparateurs
    where territoire = $territoire
),
final as (
    select c.ordre, t.territoire, t.niveau, t.code, t.nom
    from comparateurs_ c
    join territoires t using (territoire)
)
select * from final
order by ordre
