-- valeurs_territoires.sql : la valeur de quelques indicateurs pour une liste de territoires, une année.
--
-- Paramètres : $territoires (varchar[] : 'epci:200067346', ...), $indicateurs (varchar[], ids du catalogue),
--              $annee (integer), $recul (années, pour les évolutions : N contre N - recul)
-- Colonnes   : territoire, indicateur, valeur (comptes en unités ; taux, parts et évolutions en %),
--              demo (vrai si une valeur de démonstration entre dans le calcul)
-- Règles d'agrégation : celles de la macro valeurs() (queries/_macros.sql). Un indicateur sans valeur
-- n'a pas de ligne : il reste « n.d. », jamais 0.

with
valeurs_ as (
    select *
    from valeurs($territoires::varchar[], [$annee::integer], $recul::integer)
),
final as (
    select territoire, indicateur, valeur, demo
    from valeurs_
    where list_contains($indicateurs::varchar[], indicateur)
)
select * from final
order by territoire, indicateur
