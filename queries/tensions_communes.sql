-- tensions_communes.sql : le tableau « identification des tensions » du document 004.
--
-- Paramètres : $territoire (une commune, un EPCI, un département ; 'france' donne les EPCI),
--              $annee (integer), $recul (années, pour l'évolution des enfants de 0 à 2 ans)
-- Colonnes   : ordre (0 les communes, 1 l'EPCI, 2 le département, 3 la France), niveau, code, nom,
--              population (population légale la plus récente), evolution_enfants_0_2,
--              part_am_60_plus, part_enfants_0_2_parents_actifs, taux_couverture (tous en %),
--              demo (vrai si une valeur de démonstration entre dans la ligne)
-- Les communes sont triées par nom ; les lignes de référence suivent.

with
cible as (
    select * from territoires where territoire = $territoire
),
-- les unités du tableau : les communes du territoire, ou les EPCI pour la France
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
    select * from unites union all select * from references_
),
valeurs_ as (
    select *
    from valeurs(
        (select list(territoire) from lignes),
        [$annee::integer],
        $recul::integer
    )
    where indicateur in ('evolution_enfants_0_2', 'part_am_60_plus',
                         'part_enfants_0_2_parents_actifs', 'taux_couverture')
),
populations_ as (
    select t.territoire, sum(c.population) as population
    from appartenance a
    join communes c on c.code = a.commune
    join lignes t on t.territoire = a.territoire
    group by t.territoire
),
final as (
    select
        l.ordre,
        t.niveau,
        t.code,
        t.nom,
        p.population,
        max(v.valeur) filter (where v.indicateur = 'evolution_enfants_0_2') as evolution_enfants_0_2,
        max(v.valeur) filter (where v.indicateur = 'part_am_60_plus') as part_am_60_plus,
        max(v.valeur) filter (where v.indicateur = 'part_enfants_0_2_parents_actifs')
            as part_enfants_0_2_parents_actifs,
        max(v.valeur) filter (where v.indicateur = 'taux_couverture') as taux_couverture,
        coalesce(bool_or(v.demo), false) as demo
    from lignes l
    join territoires t using (territoire)
    left join populations_ p using (territoire)
    left join valeurs_ v using (territoire)
    group by all
)
select * from final
order by ordre, nom collate nocase.noaccent, code
