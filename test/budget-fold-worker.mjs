// A "service process" for test/budget-fold.test.ts: writes the ledger the ways the platform does
// (single-row inserts, multi-row transactions that commit late or roll back, corrections and
// deletes of rows already folded) and, when asked, folds as the controllers do, until stopAt.
// Prints what it did as one JSON line. Usage: node test/budget-fold-worker.mjs '<json job>'
import pg from 'pg';

const job = JSON.parse(process.argv[2]);
const pool = new pg.Pool({ connectionString: job.databaseUrl, max: 3 });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const out = { inserted: 0, rolledBack: 0, updated: 0, deleted: 0, folds: 0, errors: [] };
let n = 0;
let op = 0;
const row = () => {
  n += 1;
  const day = 1 + ((n * 7 + job.seed) % 28);
  return [
    `model-${(n + job.seed) % 4}`,
    `op-${n % 3}`,
    n % 5 === 0 ? null : `tenant-${(n * 3 + job.seed) % 6}`,
    100 + (n % 50),
    10 + (n % 7),
    ((n % 13) + 1) / 1000,
    // spread over two months, so both month rows and many day rows move
    new Date(Date.UTC(2030, 2 + (n % 2), day, n % 24)).toISOString(),
  ];
};
const INSERT = `insert into llm_usage_logs (provider, model, operation, tenant_id, input_tokens, output_tokens,
                                    cost_usd, occurred_at)
  values ('openai', $1, $2, $3, $4, $5, $6, $7) returning id`;

async function single() {
  await pool.query(INSERT, row());
  out.inserted += 1;
}

async function lateTransaction(k) {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await client.query(INSERT, row())).rows[0].id);
    // a correction of its own row before commit
    if (k % 2 === 0) await client.query('update llm_usage_logs set cost_usd = cost_usd * 2 where id = $1', [ids[0]]);
    await sleep(k % 60);
    if (k % 3 === 0) {
      await client.query('rollback');
      out.rolledBack += 3;
    } else {
      await client.query('commit');
      out.inserted += 3;
    }
  } finally {
    client.release();
  }
}

async function correct(k) {
  const { rows } = await pool.query('select max(id)::int as max from llm_usage_logs');
  const id = Math.floor(Math.random() * (rows[0].max ?? 0)) + 1;
  if (k % 2 === 0) {
    out.deleted += (await pool.query('delete from llm_usage_logs where id = $1', [id])).rowCount;
  } else {
    const moved = await pool.query(
      `update llm_usage_logs set cost_usd = cost_usd + 0.001, input_tokens = input_tokens + 1,
         tenant_id = case when id % 2 = 0 then 'tenant-moved' else tenant_id end where id = $1`,
      [id],
    );
    out.updated += moved.rowCount;
  }
}

async function writer() {
  while (Date.now() < job.stopAt) {
    const k = op++;
    try {
      if (k % 10 < 5) await single();
      else if (k % 10 < 8) await lateTransaction(k);
      else await correct(k);
    } catch (error) {
      out.errors.push(String(error.message));
    }
  }
}

async function folder() {
  while (Date.now() < job.stopAt) {
    try {
      const client = await pool.connect();
      try {
        const { rows } = await client.query('select llm_usage_fold(false) as folded');
        if (rows[0].folded !== null) out.folds += 1;
      } finally {
        client.release();
      }
    } catch (error) {
      out.errors.push(String(error.message));
    }
    await sleep(20);
  }
}

const wait = job.startAt - Date.now();
if (wait > 0) await sleep(wait);
await Promise.all([writer(), writer(), ...(job.fold ? [folder()] : [])]);
await pool.end();
console.log(JSON.stringify(out));
