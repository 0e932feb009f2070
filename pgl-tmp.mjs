import { PGlite } from '@electric-sql/pglite';
const t0 = Date.now();
const db = await PGlite.create();
console.log('init', Date.now() - t0);
for (const sql of [
 `create collation c_test from "C"`,
 `create domain d_pos as int not null default 1 check (value > 0)`,
 `create type comp as (a int, b text collate "C")`,
 `create table t (id int primary key, x text, y int)`,
 `create publication pub for table t`,
 `alter table t replica identity full`,
 `alter table t alter column x set storage external, alter column x set compression pglz, alter column y set statistics 500`,
 `create rule r as on delete to t do instead nothing`,
 `create statistics st (dependencies) on id, y from t`,
 `create function ev() returns event_trigger language plpgsql as $$ begin end $$`,
 `create event trigger et on ddl_command_end execute function ev()`,
 `create foreign data wrapper fdw_dummy`,
 `create server srv foreign data wrapper fdw_dummy options (host 'x')`,
 `create foreign table ft (id int options (column_name 'ID')) server srv options (table_name 'remote')`,
 `create function f_int_text(int) returns text language sql immutable as $$ select $1::text $$`,
 `create type mytype as (v int)`,
 `create cast (mytype as text) with inout`,
 `create function eqf(int, comp) returns bool language sql as $$ select true $$`,
 `create operator === (leftarg = int, rightarg = comp, function = eqf)`,
]) { try { await db.exec(sql); } catch (e) { console.log('FAIL', sql, e.message); } }
const r = await db.query(`select attname, attstattarget, attcompression, attstorage from pg_attribute where attrelid='t'::regclass and attnum>0`);
console.log(r.rows);
const t1 = Date.now();
const blob = await db.dumpDataDir('none');
console.log('dump', Date.now()-t1, blob.size);
await db.close();
const t2 = Date.now();
const db2 = await PGlite.create({ loadDataDir: blob });
console.log('load', Date.now()-t2, (await db2.query('select count(*) from t')).rows, process.memoryUsage().rss/1e6);
