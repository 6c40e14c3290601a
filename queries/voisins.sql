-- voisins.sql : les autres départements de la région d'un département (comparateurs de sa synthèse).
--
-- Paramètres : $territoire ('departement:44' ; tout autre niveau ne donne aucune ligne)
-- Colonnes   : ordre (3), territoire, niveau, code, nom
-- Triés par code de département.

with
cible as (
    select * from territoires where territoire = $territoire and niveau = 'departement'
),
final as (
    select 3 as ordre, t.territoire, t.niveau, t.code, t.nom
    from territoires t
    join cible c on t.niveau = 'departement' and t.region = c.region and t.code <> c.code
)
select * from final
order by code
