-- serie_indicateur.sql : la série d'un indicateur au fil des années pour quelques territoires.
--
-- Paramètres : $territoires (varchar[]), $indicateur (id du catalogue), $annees (integer[]),
--              $recul (années, pour les évolutions)
-- Colonnes   : territoire, niveau, code, nom, annee, valeur (unité de l'indicateur, % pour un taux), demo

with
valeurs_ as (
    select * from valeurs($territoires::varchar[], $annees::integer[], $recul::integer)
    where indicateur = $indicateur
),
final as (
    select t.territoire, t.niveau, t.code, t.nom, v.annee, v.valeur, v.demo
    from valeurs_ v
    join territoires t using (territoire)
)
select * from final
order by list_position($territoires::varchar[], territoire), annee
