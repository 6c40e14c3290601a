-- portrait_territoire.sql : les chiffres de synthèse d'un territoire et de ses comparateurs.
--
-- Paramètres : $territoire ('epci:200067346'), $annee (integer), $recul (années, pour les évolutions)
-- Colonnes   : ordre (0 le territoire, 1 son EPCI, 2 son département, 4 la France), niveau, code, nom,
--              indicateur, valeur (comptes en unités, taux et évolutions en %), demo (booléen)
-- Une ligne par territoire et par indicateur du catalogue qui a une valeur cette année-là.

with
comparateurs_ as (
    select ordre, comparateur as territoire
    from comparateurs
    where territoire = $territoire
),
valeurs_ as (
    select *
    from valeurs(
        (select list(comparateur) from comparateurs where territoire = $territoire),
        [$annee::integer],
        $recul::integer
    )
),
final as (
    select c.ordre, t.niveau, t.code, t.nom, v.indicateur, v.valeur, v.demo
    from comparateurs_ c
    join territoires t using (territoire)
    join valeurs_ v using (territoire)
)
select * from final
order by ordre, indicateur
