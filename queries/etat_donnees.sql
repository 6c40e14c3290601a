-- etat_donnees.sql : d'où viennent les valeurs d'un territoire (démonstration ou imports).
--
-- Paramètres : $territoire
-- Colonnes   : indicateur, source, annee_min, annee_max, nb_valeurs
-- Compte les valeurs stockées pour les communes du territoire et pour le territoire lui-même.

with
communes_ as (
    select commune from appartenance where territoire = $territoire
),
cible as (
    select niveau, code from territoires where territoire = $territoire
),
lues as (
    select m.indicateur, m.source, m.annee
    from mesures m
    join communes_ c on m.niveau = 'commune' and m.code = c.commune
    union all
    select m.indicateur, m.source, m.annee
    from mesures m
    join cible t on m.niveau = t.niveau and m.code = t.code
    where t.niveau <> 'commune'
),
final as (
    select indicateur, source, min(annee) as annee_min, max(annee) as annee_max, count(*) as nb_valeurs
    from lues
    group by all
)
select * from final
order by indicateur, source
