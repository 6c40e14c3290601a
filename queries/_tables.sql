-- _tables.sql : tables de travail construites à la connexion (portrait/base.py), en mémoire.
--
-- territoires   : territoire ('epci:200067346'), niveau, code, nom, departement, region
--                 pour chaque commune, EPCI, département, région et la France.
-- appartenance  : territoire, niveau, code, commune : les communes qui composent chaque territoire.
-- comparateurs  : territoire, ordre, comparateur : le territoire (ordre 0), puis son EPCI (1),
--                 son département (2) et la France (4), comme dans le portrait du document 004.

create table territoires as
with
communes_ as (
    select 'commune:' || code as territoire, 'commune' as niveau, code, nom, departement, region, epci
    from communes
),
epci_ as (
    select 'epci:' || e.code, 'epci', e.code, e.nom, e.departement, d.region, e.code
    from epci e
    join departements d on d.code = e.departement
),
departements_ as (
    select 'departement:' || code, 'departement', code, nom, code, region, null
    from departements
),
regions_ as (
    select 'region:' || code, 'region', code, nom, null, code, null from regions
),
final as (
    select * from communes_
    union all select * from epci_
    union all select * from departements_
    union all select * from regions_
    union all select 'france', 'france', 'FR', 'France', null, null, null
)
select * from final;

create table appartenance as
with
communes_ as (select code, epci, departement, region from communes),
final as (
    select 'commune:' || code as territoire, 'commune' as niveau, code, code as commune from communes_
    union all
    select 'epci:' || epci, 'epci', epci, code from communes_ where epci is not null
    union all
    select 'departement:' || departement, 'departement', departement, code from communes_
    union all
    select 'region:' || region, 'region', region, code from communes_
    union all
    select 'france', 'france', 'FR', code from communes_
)
select * from final order by commune;

create table comparateurs as
with
final as (
    select territoire, 0 as ordre, territoire as comparateur from territoires
    union all
    select territoire, 1, 'epci:' || epci from territoires where niveau = 'commune' and epci is not null
    union all
    select territoire, 2, 'departement:' || departement from territoires
    where niveau in ('commune', 'epci')
    union all
    select territoire, 4, 'france' from territoires where niveau <> 'france'
)
select * from final;

-- agregats : les comptes communaux additionnés par EPCI, département, région et France, pour
--            toutes les années (territoire, annee, indicateur, valeur, demo). Calculés une fois
--            à la connexion : le portrait de la France lit 1 375 lignes au lieu de 1,4 million.
--            Une commune importée sans valeur (secret statistique) rend la somme manquante : une
--            somme partielle passerait pour le total (une commune absente du fichier, elle, ne compte pas).
create table agregats as
with
comptes_communes as (
    select m.code as commune, m.annee, m.indicateur, m.valeur, m.source = 'demo' as demo
    from mesures m
    semi join catalogue k on k.indicateur = m.indicateur and k.nature = 'compte'
    where m.niveau = 'commune'
),
par_epci_departement as (
    select c.epci, c.departement, c.region, m.annee, m.indicateur,
        sum(m.valeur) as valeur, bool_and(m.valeur is not null) as complet, bool_or(m.demo) as demo
    from comptes_communes m
    join communes c on c.code = m.commune
    group by all
),
final as (
    select 'epci:' || epci as territoire, annee, indicateur,
        case when bool_and(complet) then sum(valeur) end as valeur, bool_or(demo) as demo
    from par_epci_departement where epci is not null group by all
    union all
    select 'departement:' || departement, annee, indicateur, case when bool_and(complet) then sum(valeur) end,
        bool_or(demo)
    from par_epci_departement group by all
    union all
    select 'region:' || region, annee, indicateur, case when bool_and(complet) then sum(valeur) end, bool_or(demo)
    from par_epci_departement group by all
    union all
    select 'france', annee, indicateur, case when bool_and(complet) then sum(valeur) end, bool_or(demo)
    from par_epci_departement group by all
)
select * from final order by territoire, annee, indicateur;
