import type pg from 'pg';

/** Who the inbox benchmark looks at, by e-mail. */
export const BENCH_ACTORS = {
  /** Manages 40 requesters, sits in 4 of 40 groups, stands in for one manager and one group member. */
  typical: 'bench-approver-1@inbox.bench',
  /** Sits in every group: about half of all pending requests wait on them. */
  busy: 'bench-approver-3@inbox.bench',
  /** A requester without the approver role: the inbox is empty whatever is pending. */
  requester: 'bench-requester-1@inbox.bench',
} as const;

const surnames = `array['Smith','Jones','Garcia','Nguyen','Okafor','Larsen','Kowalski','Tanaka']`;

/**
 * The approval-side world at scale, in plain SQL (generate_series), in a database the benchmark
 * created: 400 approvers, 40 groups, 200 products (manager, any-one, two-of-M and two-stage
 * policies), 4,000 requesters with a device each, and `pending` pending requests, a fifth of the
 * group-stage ones already decided by the typical approver.
 */
export async function seedInboxWorld(client: pg.Client, pending: number): Promise<void> {
  await client.query('begin');
  await client.query(`
    insert into users (email, name, password_hash, roles)
    select 'bench-approver-' || g || '@inbox.bench', 'Approver ' || g || ' ' || (${surnames})[1 + g % 8], 'x', '{requester,approver}'
    from generate_series(1, 400) g;
    insert into users (email, name, password_hash, manager_id)
    select 'bench-requester-' || g || '@inbox.bench', 'Requester ' || g || ' ' || (${surnames})[1 + (g * 7) % 8], 'x', m.id
    from generate_series(1, 4000) g
    join users m on m.email = 'bench-approver-' || (1 + (g - 1) % 100) || '@inbox.bench';
    insert into devices (owner_id, hostname, platform, status)
    select u.id, 'BENCH-' || lpad(split_part(split_part(u.email, '-', 3), '@', 1), 5, '0') || '-LT', 'windows-x64', 'active'
    from users u where u.email like 'bench-requester-%';
    insert into groups (name) select 'Bench group ' || g from generate_series(1, 40) g;
    -- Approvers 101..400 spread over the 40 groups; approver 1 also sits in groups 1-4, approver 3 in all.
    insert into group_members (group_id, user_id)
    select gr.id, u.id from generate_series(101, 400) a
    join users u on u.email = 'bench-approver-' || a || '@inbox.bench'
    join groups gr on gr.name = 'Bench group ' || (1 + a % 40);
    insert into group_members (group_id, user_id)
    select gr.id, u.id from users u, groups gr
    where (u.email = '${BENCH_ACTORS.typical}' and gr.name in ('Bench group 1', 'Bench group 2', 'Bench group 3', 'Bench group 4'))
       or (u.email = '${BENCH_ACTORS.busy}' and gr.name like 'Bench group %')
    on conflict do nothing;
    insert into products (slug, name, publisher, category)
    select 'bench-' || p, (array['Visual','Studio','Cloud','Data','Secure','Office','Design','Build'])[1 + p % 8] || ' Tool ' || p, 'Bench', 'Bench'
    from generate_series(1, 200) p;
    insert into approval_stages (product_id, position, kind, group_id, required_approvals)
    select pr.id, 1, case when p % 4 in (0, 3) then 'manager' else 'group' end::approval_stage_kind,
           case when p % 4 in (1, 2) then gr.id end, case when p % 4 = 2 then 2 else 1 end
    from generate_series(1, 200) p
    join products pr on pr.slug = 'bench-' || p
    join groups gr on gr.name = 'Bench group ' || (1 + p % 40);
    insert into approval_stages (product_id, position, kind, group_id, required_approvals)
    select pr.id, 2, 'group', gr.id, 1
    from generate_series(1, 200) p
    join products pr on pr.slug = 'bench-' || p
    join groups gr on gr.name = 'Bench group ' || (1 + (p * 3) % 40)
    where p % 4 = 3;
    -- The typical approver stands in for a manager (approver 2) and a group member (approver 101).
    insert into delegations (approver_id, delegate_id, starts_at, ends_at)
    select a.id, d.id, now() - interval '1 day', now() + interval '7 days'
    from users a, users d
    where a.email in ('bench-approver-2@inbox.bench', 'bench-approver-101@inbox.bench') and d.email = '${BENCH_ACTORS.typical}';
  `);
  await addPending(client, pending);
  // A fifth of the group-stage requests: the typical approver has decided those already.
  await client.query(`
    insert into approvals (request_id, stage, approver_id, decision)
    select sr.id, sr.current_stage, u.id, 'approved'
    from service_requests sr
    join approval_stages st on st.product_id = sr.product_id and st.position = sr.current_stage and st.kind = 'group'
    join users u on u.email = '${BENCH_ACTORS.typical}'
    where sr.status = 'pending_approval' and abs(hashtext(sr.id::text)) % 5 = 0
  `);
  await client.query('commit');
  await client.query('analyze');
}

/**
 * `count` pending requests: requester i % 4000 with their device, one of 200 products (each
 * requester's requests on distinct products), at either stage of a two-stage policy, due within
 * ten days, created within a month (to the microsecond).
 */
async function addPending(client: pg.Client, count: number): Promise<void> {
  await client.query(
    `
    insert into service_requests (requester_id, product_id, device_id, justification, status, current_stage, stage_due_at, created_at)
    select u.id, pr.id, d.id, 'Needed for project ' || i, 'pending_approval',
           case when p % 4 = 3 then 1 + i % 2 else 1 end,
           now() + make_interval(hours => (i * 37) % 240, secs => (i % 997) / 1000.0),
           now() - make_interval(hours => (i * 53) % 720, secs => (i % 1009) / 1009.0)
    from generate_series(1, $1::int) i
    cross join lateral (select 1 + (i - 1) % 4000 as r, 1 + (((i - 1) % 4000) + ((i - 1) / 4000) * 67) % 200 as p) k
    join users u on u.email = 'bench-requester-' || k.r || '@inbox.bench'
    join devices d on d.owner_id = u.id
    join products pr on pr.slug = 'bench-' || k.p`,
    [count],
  );
}

/**
 * Requests the typical approver cannot decide: `pending` ones from 4,000 other requesters (other
 * managers) waiting on groups the typical approver is not in, and `closed` ones (fulfilled,
 * rejected, each with a decision on record). The typical approver's inbox must not slow down because of them.
 */
export async function addUndecidable(client: pg.Client, pending: number, closed: number): Promise<void> {
  await client.query('begin');
  await client.query(`
    insert into users (email, name, password_hash, manager_id)
    select 'bench-other-' || g || '@inbox.bench', 'Colleague ' || g || ' ' || (${surnames})[1 + g % 8], 'x', m.id
    from generate_series(1, 4000) g
    join users m on m.email = 'bench-approver-' || (50 + g % 50) || '@inbox.bench';
    insert into devices (owner_id, hostname, platform, status)
    select u.id, 'OTHER-' || lpad(split_part(split_part(u.email, '-', 3), '@', 1), 5, '0') || '-LT', 'linux-x64', 'active'
    from users u where u.email like 'bench-other-%';
  `);
  // Any-one group products whose group is none of the typical approver's (1-4) nor approver 101's (22).
  await client.query(
    `
    with allowed as (select array_agg(p order by p) as ps from generate_series(1, 200) p where p % 4 = 1 and p % 40 not in (1, 21))
    insert into service_requests (requester_id, product_id, device_id, justification, status, current_stage, stage_due_at, created_at)
    select u.id, pr.id, d.id, 'Needed elsewhere ' || i, 'pending_approval', 1,
           now() + make_interval(hours => (i * 37) % 240), now() - make_interval(hours => (i * 53) % 720)
    from generate_series(1, $1::int) i
    cross join allowed
    join users u on u.email = 'bench-other-' || (1 + (i - 1) % 4000) || '@inbox.bench'
    join devices d on d.owner_id = u.id
    join products pr on pr.slug = 'bench-' || allowed.ps[1 + ((i - 1) % 4000 + ((i - 1) / 4000) * 13) % 40]`,
    [pending],
  );
  await client.query(
    `
    insert into service_requests (requester_id, product_id, device_id, justification, status, created_at)
    select u.id, pr.id, d.id, 'Earlier request ' || i, (array['fulfilled', 'rejected'])[1 + i % 2]::request_status,
           now() - make_interval(days => 30 + i % 700)
    from generate_series(1, $1::int) i
    join users u on u.email = 'bench-requester-' || (1 + i % 4000) || '@inbox.bench'
    join devices d on d.owner_id = u.id
    join products pr on pr.slug = 'bench-' || (1 + i % 200)`,
    [closed],
  );
  // Their history: one decision each, so the approvals table is mostly other requests' past.
  await client.query(`
    insert into approvals (request_id, stage, approver_id, decision, comment)
    select sr.id, 1, u.id, case when sr.status = 'rejected' then 'rejected' else 'approved' end::decision, 'Decided earlier'
    from service_requests sr
    join users u on u.email = 'bench-approver-' || (101 + abs(hashtext(sr.id::text)) % 300) || '@inbox.bench'
    where sr.justification like 'Earlier request %'`);
  await client.query('commit');
  await client.query('analyze');
}
