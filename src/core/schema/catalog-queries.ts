/**
 * The catalog queries behind introspection. Each returns rows already shaped for the model;
 * anything that differs only by server version is left out or normalized here:
 * - objects that belong to an extension (pg_depend deptype 'e'), e.g. PGlite's pgcrypto adds fips_mode();
 * - NOT NULL entries PostgreSQL 18 adds to pg_constraint (contype 'n'): nullability is a column attribute;
 * - extension versions (the server's installed package decides them, not the migrations);
 * - ownership: grants are listed without the owner's own privileges (PG18 adds MAINTAIN to those);
 * - collation versions and OIDs never enter the model.
 */

const USER_SCHEMA = `n.nspname <> 'information_schema' and n.nspname not like 'pg\\_%'`;
const notExtensionMember = (classId: string, oid: string) =>
  `not exists (select 1 from pg_depend dep where dep.classid = '${classId}'::regclass and dep.objid = ${oid} and ` +
  `dep.deptype = 'e')`;

/** A relation `c` (joined to its schema `n`) the user created: not the system's, not an extension's. */
const USER_RELATION = `${USER_SCHEMA} and ${notExtensionMember('pg_class', 'c.oid')}`;

/** Column names of the attribute numbers `nums` of relation `relid`, in the array's order. */
const attnames = (
  nums: string,
  relid: string,
) => `array(select att.attname::text from unnest(${nums}) with ordinality k(num, ord)
                 join pg_attribute att on att.attrelid = ${relid} and att.attnum = k.num order by k.ord)`;

/** Grants as sorted "grantee:PRIVILEGE" strings, the owner's own entries left out. */
const grants = (acl: string, owner: string, defaultKind: string) => `
  array(select distinct case when a.grantee = 0 then 'PUBLIC' else pg_get_userbyid(a.grantee) end || ':' ||
      a.privilege_type
                 || case when a.is_grantable then ' WITH GRANT OPTION' else '' end
        from aclexplode(coalesce(${acl}, acldefault('${defaultKind}', ${owner}))) a
        where a.grantee <> ${owner}
        order by 1)`;

export const QUERIES = {
  extensions: `
    select e.extname as name, n.nspname as schema
    from pg_extension e join pg_namespace n on n.oid = e.extnamespace`,

  schemas: `
    select n.nspname as name, obj_description(n.oid, 'pg_namespace') as comment,
        ${grants('n.nspacl', 'n.nspowner', 'n')} as grants
    from pg_namespace n
    where ${USER_SCHEMA} and ${notExtensionMember('pg_namespace', 'n.oid')}`,

  relations: `
    select c.oid::int8 as oid, n.nspname as schema, c.relname as name, c.relkind as kind,
           c.relrowsecurity as rls_enabled, c.relforcerowsecurity as rls_forced, c.relpersistence as persistence,
           c.reloptions as options, obj_description(c.oid, 'pg_class') as comment,
           ${grants('c.relacl', 'c.relowner', 'r')} as grants,
           case when c.relkind in ('v', 'm') then pg_get_viewdef(c.oid, true) end as definition,
           case when c.relkind in ('v', 'm') then (select count(distinct dep.refobjid) from pg_rewrite rw
              join pg_depend dep on dep.classid = 'pg_rewrite'::regclass and dep.objid = rw.oid
              where rw.ev_class = c.oid and dep.refclassid = 'pg_class'::regclass and dep.refobjid <> c.oid) end as
                  relations_read,
           case when c.relkind = 'p' then pg_get_partkeydef(c.oid) end as partition_key,
           case when c.relispartition then pg_get_expr(c.relpartbound, c.oid, true) end as partition_bound,
           (select pn.nspname || '.' || pc.relname from pg_inherits inh join pg_class pc on pc.oid = inh.inhparent
              join pg_namespace pn on pn.oid = pc.relnamespace where inh.inhrelid = c.oid limit 1) as parent,
           c.relreplident as replica_identity,
           (select ri.relname from pg_index ii join pg_class ri on ri.oid = ii.indexrelid
              where ii.indrelid = c.oid and ii.indisreplident) as replica_index,
           (select fs.srvname from pg_foreign_table ft join pg_foreign_server fs on fs.oid = ft.ftserver
              where ft.ftrelid = c.oid) as foreign_server,
           (select ft.ftoptions from pg_foreign_table ft where ft.ftrelid = c.oid) as foreign_options,
           array(select a.attname::text from pg_attribute a where a.attrelid = c.oid and a.attnum > 0
                   and not a.attisdropped order by a.attnum) as column_order
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p', 'v', 'm', 'f') and ${USER_RELATION}`,

  columns: `
    select a.attrelid::int8 as table_oid, a.attname as name, format_type(a.atttypid, a.atttypmod) as type,
           a.attnotnull as not_null, case when a.attgenerated = '' then pg_get_expr(d.adbin, d.adrelid, true) end as
               default,
           case a.attidentity when 'a' then 'always' when 'd' then 'by default' end as identity,
           case a.attgenerated when 's' then 'stored' when 'v' then 'virtual' end as generated,
           case when a.attgenerated <> '' then pg_get_expr(d.adbin, d.adrelid, true) end as generation_expression,
           case when a.attcollation <> t.typcollation then co.collname end as collation,
           col_description(a.attrelid, a.attnum) as comment,
           case when a.attacl is not null then ${grants('a.attacl', 'c.relowner', 'r')} end as grants,
           case when a.attstorage <> t.typstorage then a.attstorage end as storage,
           nullif(a.attcompression::text, '') as compression,
           -- PostgreSQL 17+ keeps "default" as null, 15 as -1
           nullif(coalesce(a.attstattarget::int, -1), -1) as statistics,
           a.attfdwoptions as fdw_options
    from pg_attribute a
    join pg_class c on c.oid = a.attrelid
    join pg_namespace n on n.oid = c.relnamespace
    join pg_type t on t.oid = a.atttypid
    left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
    left join pg_collation co on co.oid = a.attcollation
    where a.attnum > 0 and not a.attisdropped and c.relkind in ('r', 'p', 'f') and ${USER_RELATION}`,

  constraints: `
    select con.conrelid::int8 as table_oid, con.conname as name, con.contype as type,
           case when con.contype in ('c', 'x') then pg_get_constraintdef(con.oid, true) end as definition,
           con.condeferrable as deferrable, con.condeferred as initially_deferred, con.convalidated as validated,
           con.confupdtype as on_update, con.confdeltype as on_delete, con.confmatchtype as match,
           ${attnames('con.conkey', 'con.conrelid')} as columns,
           case when con.contype = 'f' then (select fn.nspname || '.' || fc.relname from pg_class fc
                 join pg_namespace fn on fn.oid = fc.relnamespace where fc.oid = con.confrelid) end as ref_table,
           ${attnames('con.confkey', 'con.confrelid')} as ref_columns,
           obj_description(con.oid, 'pg_constraint') as comment
    from pg_constraint con
    join pg_class c on c.oid = con.conrelid
    join pg_namespace n on n.oid = c.relnamespace
    where con.contype in ('p', 'u', 'f', 'c', 'x') and ${USER_RELATION}`,

  indexes: `
    select i.indrelid::int8 as table_oid, n.nspname as schema, ic.relname as name, am.amname as method,
           i.indisunique as unique, i.indnullsnotdistinct as nulls_not_distinct,
           i.indnkeyatts as key_count,
           array(select pg_get_indexdef(i.indexrelid, k, true)
                        || case when k <= i.indnkeyatts and oc.oid is not null and not oc.opcdefault then ' ' ||
                            oc.opcname else '' end
                        || case when k <= i.indnkeyatts and am.amname = 'btree' and (i.indoption[k - 1] & 1) = 1 then
                            ' DESC' else '' end
                        || case when k <= i.indnkeyatts and am.amname = 'btree' and (i.indoption[k - 1] & 1) = 1 and
                            (i.indoption[k - 1] & 2) = 0 then ' NULLS LAST'
                                when k <= i.indnkeyatts and am.amname = 'btree' and (i.indoption[k - 1] & 1) = 0 and
                                    (i.indoption[k - 1] & 2) = 2 then ' NULLS FIRST'
                                else '' end
                 from generate_series(1, i.indnatts) k
                 left join pg_opclass oc on oc.oid = i.indclass[k - 1]
                 order by k) as keys,
           pg_get_expr(i.indpred, i.indrelid, true) as predicate,
           ic.reloptions as options, i.indisvalid as valid,
           obj_description(ic.oid, 'pg_class') as comment
    from pg_index i
    join pg_class ic on ic.oid = i.indexrelid
    join pg_class c on c.oid = i.indrelid
    join pg_namespace n on n.oid = ic.relnamespace
    join pg_am am on am.oid = ic.relam
    where c.relkind in ('r', 'p', 'm') and ${USER_RELATION}
      and not exists (select 1 from pg_constraint pc where pc.conindid = i.indexrelid and pc.contype in ('p', 'u', 'x'))
      and not (c.relispartition and exists (select 1 from pg_inherits ih where ih.inhrelid = i.indexrelid))`,

  sequences: `
    select n.nspname as schema, c.relname as name, format_type(s.seqtypid, null) as type,
           s.seqstart::text as start, s.seqincrement::text as increment, s.seqmin::text as min, s.seqmax::text as max,
           s.seqcache::text as cache, s.seqcycle as cycle,
           (select tn.nspname || '.' || tc.relname || '.' || ta.attname from pg_depend dep
              join pg_class tc on tc.oid = dep.refobjid join pg_namespace tn on tn.oid = tc.relnamespace
              join pg_attribute ta on ta.attrelid = dep.refobjid and ta.attnum = dep.refobjsubid
            where dep.classid = 'pg_class'::regclass and dep.objid = c.oid and dep.deptype in ('a', 'i') limit 1) as
                owned_by,
           exists (select 1 from pg_depend dep where dep.classid = 'pg_class'::regclass and dep.objid = c.oid and
               dep.deptype = 'i') as identity,
           obj_description(c.oid, 'pg_class') as comment, ${grants('c.relacl', 'c.relowner', 's')} as grants
    from pg_sequence s
    join pg_class c on c.oid = s.seqrelid
    join pg_namespace n on n.oid = c.relnamespace
    where ${USER_RELATION}`,

  functions: `
    select n.nspname as schema, p.proname as name, pg_get_function_identity_arguments(p.oid) as identity_args,
           pg_get_function_arguments(p.oid) as arguments, pg_get_function_result(p.oid) as returns,
           l.lanname as language, p.prokind as function_kind, p.provolatile as volatility, p.proisstrict as strict,
           p.prosecdef as security_definer, p.proleakproof as leakproof, p.proparallel as parallel,
           p.proconfig as config, p.procost::text as cost, p.prorows::text as rows,
           case when p.prosqlbody is not null then pg_get_function_sqlbody(p.oid) else p.prosrc end as body,
           obj_description(p.oid, 'pg_proc') as comment, ${grants('p.proacl', 'p.proowner', 'f')} as grants
    from pg_proc p
    join pg_namespace n on n.oid = p.pronamespace
    join pg_language l on l.oid = p.prolang
    where ${USER_SCHEMA} and ${notExtensionMember('pg_proc', 'p.oid')}`,

  triggers: `
    select t.tgrelid::int8 as table_oid, t.tgname as name, t.tgtype::int as type, t.tgenabled as enabled,
           pg_get_triggerdef(t.oid, true) as definition,
           fn.nspname || '.' || f.proname as function,
           ${attnames('t.tgattr::int2[]', 't.tgrelid')} as update_columns,
           obj_description(t.oid, 'pg_trigger') as comment
    from pg_trigger t
    join pg_class c on c.oid = t.tgrelid
    join pg_namespace n on n.oid = c.relnamespace
    join pg_proc f on f.oid = t.tgfoid
    join pg_namespace fn on fn.oid = f.pronamespace
    where not t.tgisinternal and ${USER_RELATION}`,

  enums: `
    select n.nspname as schema, t.typname as name,
           array(select e.enumlabel::text from pg_enum e where e.enumtypid = t.oid order by e.enumsortorder) as values,
           obj_description(t.oid, 'pg_type') as comment, ${grants('t.typacl', 't.typowner', 'T')} as grants
    from pg_type t join pg_namespace n on n.oid = t.typnamespace
    where t.typtype = 'e' and ${USER_SCHEMA} and ${notExtensionMember('pg_type', 't.oid')}`,

  domains: `
    select n.nspname as schema, t.typname as name, format_type(t.typbasetype, t.typtypmod) as base_type,
           t.typnotnull as not_null, t.typdefault as default,
           case when t.typcollation <> bt.typcollation then co.collname end as collation,
           -- PostgreSQL 17+ also lists a domain's NOT NULL here (contype 'n'): it is the not_null attribute
           array(select con.conname || ': ' || pg_get_constraintdef(con.oid, true)
                        || case when con.convalidated then '' else ' NOT VALID' end
                 from pg_constraint con where con.contypid = t.oid and con.contype = 'c' order by 1) as constraints,
           obj_description(t.oid, 'pg_type') as comment, ${grants('t.typacl', 't.typowner', 'T')} as grants
    from pg_type t join pg_namespace n on n.oid = t.typnamespace
    join pg_type bt on bt.oid = t.typbasetype
    left join pg_collation co on co.oid = t.typcollation
    where t.typtype = 'd' and ${USER_SCHEMA} and ${notExtensionMember('pg_type', 't.oid')}`,

  compositeTypes: `
    select n.nspname as schema, t.typname as name,
           array(select quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod)
                        || case when a.attcollation <> at.typcollation then ' COLLATE ' || quote_ident(ac.collname) else
                            '' end
                 from pg_attribute a join pg_type at on at.oid = a.atttypid
                 left join pg_collation ac on ac.oid = a.attcollation
                 where a.attrelid = t.typrelid and a.attnum > 0 and not a.attisdropped order by a.attnum) as attributes,
           obj_description(t.oid, 'pg_type') as comment, ${grants('t.typacl', 't.typowner', 'T')} as grants
    from pg_type t join pg_namespace n on n.oid = t.typnamespace
    join pg_class c on c.oid = t.typrelid
    where t.typtype = 'c' and c.relkind = 'c' and ${USER_SCHEMA} and ${notExtensionMember('pg_type', 't.oid')}`,

  collations: `
    select n.nspname as schema, co.collname as name, co.collprovider as provider, co.collisdeterministic as
        deterministic,
           co.collcollate as lc_collate, co.collctype as lc_ctype, obj_description(co.oid, 'pg_collation') as comment
    from pg_collation co join pg_namespace n on n.oid = co.collnamespace
    where ${USER_SCHEMA} and ${notExtensionMember('pg_collation', 'co.oid')}`,

  casts: `
    select format_type(ca.castsource, null) as source, format_type(ca.casttarget, null) as target,
           case when ca.castfunc <> 0 then ca.castfunc::regprocedure::text end as function,
           ca.castcontext as context, ca.castmethod as method, obj_description(ca.oid, 'pg_cast') as comment
    from pg_cast ca
    where ca.oid >= 16384 and ${notExtensionMember('pg_cast', 'ca.oid')}`,

  operators: `
    select n.nspname as schema, o.oprname as name,
           case when o.oprleft <> 0 then format_type(o.oprleft, null) end as left_type,
           case when o.oprright <> 0 then format_type(o.oprright, null) end as right_type,
           format_type(o.oprresult, null) as result, o.oprcode::regprocedure::text as function,
           case when o.oprcom <> 0 then o.oprcom::regoperator::text end as commutator,
           case when o.oprnegate <> 0 then o.oprnegate::regoperator::text end as negator,
           case when o.oprrest <> 0 then o.oprrest::regproc::text end as restrict,
           case when o.oprjoin <> 0 then o.oprjoin::regproc::text end as join,
           o.oprcanhash as hashes, o.oprcanmerge as merges, obj_description(o.oid, 'pg_operator') as comment
    from pg_operator o join pg_namespace n on n.oid = o.oprnamespace
    where ${USER_SCHEMA} and ${notExtensionMember('pg_operator', 'o.oid')}`,

  publications: `
    select p.pubname as name, p.puballtables as all_tables, p.pubinsert as insert, p.pubupdate as update,
           p.pubdelete as delete, p.pubtruncate as truncate, p.pubviaroot as via_root,
           array(select pn.nspname || '.' || pc.relname from pg_publication_rel pr join pg_class pc on pc.oid =
               pr.prrelid
                   join pg_namespace pn on pn.oid = pc.relnamespace where pr.prpubid = p.oid order by 1) as tables,
           obj_description(p.oid, 'pg_publication') as comment
    from pg_publication p`,

  rules: `
    select rw.ev_class::int8 as table_oid, rw.rulename as name, pg_get_ruledef(rw.oid, true) as definition,
           rw.ev_enabled as enabled, obj_description(rw.oid, 'pg_rewrite') as comment
    from pg_rewrite rw
    join pg_class c on c.oid = rw.ev_class
    join pg_namespace n on n.oid = c.relnamespace
    where rw.rulename <> '_RETURN' and ${USER_RELATION}`,

  statistics: `
    select n.nspname as schema, s.stxname as name, s.stxrelid::int8 as table_oid,
           pg_get_statisticsobjdef(s.oid) as definition,
           nullif(coalesce(s.stxstattarget::int, -1), -1) as statistics,
           obj_description(s.oid, 'pg_statistic_ext') as comment
    from pg_statistic_ext s join pg_namespace n on n.oid = s.stxnamespace
    where ${USER_SCHEMA}`,

  eventTriggers: `
    select e.evtname as name, e.evtevent as event, fn.nspname || '.' || f.proname as function,
           e.evtenabled as enabled, e.evttags as tags, obj_description(e.oid, 'pg_event_trigger') as comment
    from pg_event_trigger e join pg_proc f on f.oid = e.evtfoid join pg_namespace fn on fn.oid = f.pronamespace
    where ${notExtensionMember('pg_event_trigger', 'e.oid')}`,

  foreignDataWrappers: `
    select w.fdwname as name,
           case when w.fdwhandler <> 0 then w.fdwhandler::regproc::text end as handler,
           case when w.fdwvalidator <> 0 then w.fdwvalidator::regproc::text end as validator,
           w.fdwoptions as options, obj_description(w.oid, 'pg_foreign_data_wrapper') as comment
    from pg_foreign_data_wrapper w
    where ${notExtensionMember('pg_foreign_data_wrapper', 'w.oid')}`,

  foreignServers: `
    select s.srvname as name, w.fdwname as wrapper, s.srvtype as type, s.srvversion as version, s.srvoptions as options,
           obj_description(s.oid, 'pg_foreign_server') as comment
    from pg_foreign_server s join pg_foreign_data_wrapper w on w.oid = s.srvfdw`,

  policies: `
    select pol.polrelid::int8 as table_oid, pol.polname as name, pol.polcmd as command, pol.polpermissive as permissive,
           array(select case when r = 0 then 'PUBLIC' else pg_get_userbyid(r)::text end from unnest(pol.polroles) r
               order by 1) as roles,
           pg_get_expr(pol.polqual, pol.polrelid, true) as using,
           pg_get_expr(pol.polwithcheck, pol.polrelid, true) as with_check,
           obj_description(pol.oid, 'pg_policy') as comment
    from pg_policy pol
    join pg_class c on c.oid = pol.polrelid
    join pg_namespace n on n.oid = c.relnamespace
    where ${USER_SCHEMA}`,
} as const;
