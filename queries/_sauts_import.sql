-- _sauts_import.sql : les sauts de plus de × $saut_max d'une année à la suivante (même territoire, même indicateur)
-- qu'un fichier importé ferait voir : entre deux de ses valeurs, ou entre une des siennes et une valeur déjà là
-- (démonstration, imports actifs) qu'il ne remplace pas. Lancée par rapport.signaler_sauts (fichier « _ » : sur sa
-- connexion, avec la table `nouvelles` enregistrée).
--
-- Tables     : nouvelles (niveau, code, annee, indicateur, valeur : les valeurs gardées du fichier), mesures
-- Paramètres : $saut_max (3), $exemples (combien de sauts citer)
-- Colonnes   : indicateur, niveau, code, annee, valeur, valeur_avant, avant_deja_la, deja_la, total (tous les sauts),
--              les $exemples premiers par année, niveau, code, indicateur

with nouvelles_lues as (
    select niveau::varchar as niveau, code::varchar as code, annee::integer as annee,
           indicateur::varchar as indicateur, valeur::double as valeur
    from nouvelles
),

series as (
    select distinct niveau, code, indicateur from nouvelles_lues where valeur > 0
),

deja_la as (
    select m.niveau, m.code, m.annee::integer as annee, m.indicateur, m.valeur::double as valeur
    from mesures as m
    semi join series as s on m.niveau = s.niveau and m.code = s.code and m.indicateur = s.indicateur
    anti join nouvelles_lues as n
        on m.niveau = n.niveau and m.code = n.code and m.annee = n.annee and m.indicateur = n.indicateur
),

valeurs as not materialized (
    select niveau, code, annee, indicateur, valeur, false as deja_la from nouvelles_lues where valeur > 0
    union all
    select niveau, code, annee, indicateur, valeur, true as deja_la from deja_la where valeur > 0
),

-- une jointure (elle passe sur le disque au-delà de la mémoire permise), pas une fenêtre (tout en mémoire)
sauts as (
    select
        apres.indicateur, apres.niveau, apres.code, apres.annee, apres.valeur,
        avant.valeur as valeur_avant, avant.deja_la as avant_deja_la, apres.deja_la
    from valeurs as apres
    inner join valeurs as avant
        on apres.niveau = avant.niveau
        and apres.code = avant.code
        and apres.indicateur = avant.indicateur
        and apres.annee = avant.annee + 1
    where not (apres.deja_la and avant.deja_la)
        and (apres.valeur / avant.valeur > $saut_max or apres.valeur / avant.valeur < 1 / $saut_max)
),

final as (
    select *, count(*) over () as total
    from sauts
    order by annee, niveau, code, indicateur
    limit $exemples
)

select * from final
