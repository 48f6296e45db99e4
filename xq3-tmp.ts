import pg from 'pg';
const raw = new pg.Pool({ connectionString: process.env.DATABASE_URL! });
const pid = (await raw.query(`select id from products where slug='google-chrome'`)).rows[0].id;
const qs: Record<string,string> = {
 current: `explain (analyze) select release_id, count(*) from (select distinct on (device_id, product_id) id, device_id, product_id, release_id, occurred_at from install_events where type='install_succeeded' and product_id=$1 order by device_id, product_id, occurred_at desc, id desc) latest where not exists (select 1 from install_events u where u.device_id=latest.device_id and u.release_id=latest.release_id and u.type='uninstalled' and u.product_id=$1 and (u.occurred_at,u.id) > (latest.occurred_at, latest.id)) group by release_id`,
 steps: `explain (analyze) select device_id, release_id, type, occurred_at from install_events where product_id=$1 and type in ('install_succeeded','uninstalled') order by occurred_at, id`,
 outcomes: `explain (analyze) select release_id, count(*) filter (where type='install_failed') from install_events where product_id=$1 and occurred_at >= now() - interval '90 days' and type in ('install_succeeded','install_failed') group by release_id`,
};
for (const [k, q] of Object.entries(qs)) { const r = await raw.query(q, [pid]); console.log('==', k); console.log(r.rows.map((x) => x['QUERY PLAN']).join('\n')); }
await raw.end();
