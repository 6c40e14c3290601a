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
--            Un total n'est donné que si chaque commune du territoire a une valeur (démonstration ou
--            importée) pour l'indicateur et l'année : une commune absente du fichier importé ou sans
--            valeur (secret statistique) le rend manquant, car une somme partielle passerait pour le
--            total. Une commune que les populations légales d'une année ne listent pas n'existait pas
--            encore (commune rétablie depuis : sa population était comptée dans celle qu'elle avait
--            rejointe) : elle n'est pas attendue cette année-là. Une valeur importée au niveau même du
--            territoire l'emporte sur ce total (macro `valeurs`, queries/_macros.sql).
create table agregats as
with
comptes_communes as (
    select m.code as commune, m.annee, m.indicateur, m.valeur, m.source = 'demo' as demo
    from mesures m
    semi join catalogue k on k.indicateur = m.indicateur and k.nature = 'compte'
    where m.niveau = 'commune'
),
-- les années où une commune n'existait pas encore : les éditions des populations légales qui ne la listent pas
communes_ as (
    select c.code, c.epci, c.departement, c.region, a.absente_en
    from communes c
    left join (
        select c.code, list(e.edition) as absente_en
        from communes c
        cross join (select distinct edition from populations) e
        anti join populations p on p.code = c.code and p.edition = e.edition
        group by all
    ) a using (code)
),
-- les communes d'un même EPCI, département et région : les sommes y sont faites une fois, puis reportées
par_groupe as (
    select c.epci, c.departement, c.region, m.annee, m.indicateur, sum(m.valeur) as valeur,
        count(m.valeur) filter (where c.absente_en is null or not list_contains(c.absente_en, m.annee))
            as renseignees,
        bool_or(m.demo) as demo
    from comptes_communes m
    join communes_ c on c.code = m.commune
    group by all
),
par_territoire as (
    select 'epci:' || epci as territoire, annee, indicateur, sum(valeur) as valeur, sum(renseignees) as renseignees,
        bool_or(demo) as demo
    from par_groupe where epci is not null group by all
    union all
    select 'departement:' || departement, annee, indicateur, sum(valeur), sum(renseignees), bool_or(demo)
    from par_groupe group by all
    union all
    select 'region:' || region, annee, indicateur, sum(valeur), sum(renseignees), bool_or(demo)
    from par_groupe group by all
    union all
    select 'france', annee, indicateur, sum(valeur), sum(renseignees), bool_or(demo)
    from par_groupe group by all
),
-- les communes attendues de chaque territoire : toutes, moins celles qui n'existaient pas l'année dite
communes_territoires as (
    select territoire, count(*) as communes from appartenance where niveau <> 'commune' group by all
),
absentes_territoires as (
    select p.territoire, a.annee, count(*) as absentes
    from (select code, unnest(absente_en) as annee from communes_) a
    join appartenance p on p.commune = a.code and p.niveau <> 'commune'
    group by all
),
final as (
    select p.territoire, p.annee, p.indicateur,
        case when p.renseignees = n.communes - coalesce(a.absentes, 0) then p.valeur end as valeur, p.demo
    from par_territoire p
    join communes_territoires n using (territoire)
    left join absentes_territoires a using (territoire, annee)
)
select * from final order by territoire, annee, indicateur;
