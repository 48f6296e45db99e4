import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { approvalStages, devices, entitlements, groupMembers, groups, products, serviceRequests, users } from '@/db/schema';
import { policyWarnings } from '@/lib/catalogue/policy-health';
import { ForbiddenError } from '@/lib/errors';
import { decide } from '@/lib/requests/decide';
import { decisionInput, requestInput } from '@/lib/requests/schema';
import { submitRequest } from '@/lib/requests/submit';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';

const db = setupTestDb();
const idOfProduct = async (slug: string) => (await db().query.products.findFirst({ where: eq(products.slug, slug) }))!.id;

describe(`approval policies that can be met (${engine})`, () => {
  it('the demo data lets every seeded policy run to the end: no stage is short of approvers', async () => {
    const lena = await actor('librarian@example.com');
    const all = await db().select({ id: products.id, name: products.name }).from(products);
    const short = [];
    for (const p of all)
      for (const w of await policyWarnings(lena, p.id)) if (w.severity === 'never') short.push(`${p.name}: ${w.message}`);
    expect(short).toEqual([]);
  });

  it('Contoso Ledger ("manager, then Finance") is approved by Maria and then Finance, and she is entitled', async () => {
    const [fiona, maria, felix] = await Promise.all([actor('fiona@example.com'), actor('manager@example.com'), actor('felix@example.com')]);
    const device = (await db().query.devices.findFirst({ where: eq(devices.hostname, 'FIN-LT-0192') }))!;
    const r = await submitRequest(
      fiona,
      requestInput.parse({
        productId: await idOfProduct('contoso-ledger-desktop'),
        deviceId: device.id,
        justification: 'Month-end close needs it.',
      }),
    );
    expect(r.status).toBe('pending_approval');
    await decide(maria, decisionInput.parse({ requestId: r.id, decision: 'approved' }));
    await decide(felix, decisionInput.parse({ requestId: r.id, decision: 'approved' }));
    const after = await db().query.serviceRequests.findFirst({ where: eq(serviceRequests.id, r.id) });
    expect(after?.status).toBe('approved');
    expect(await db().query.entitlements.findFirst({ where: eq(entitlements.requestId, r.id) })).toMatchObject({ status: 'active' });
  });

  it('warns the librarian when a group stage has fewer active approvers than it needs, or exactly as many', async () => {
    const lena = await actor('librarian@example.com');
    const productId = await idOfProduct('wireshark');
    const userId = async (email: string) => (await db().query.users.findFirst({ where: eq(users.email, email) }))!.id;
    const [tiny] = await db().insert(groups).values({ name: 'Tiny approvers' }).returning();
    await db().delete(approvalStages).where(eq(approvalStages.productId, productId));
    await db().insert(approvalStages).values({ productId, position: 1, kind: 'group', groupId: tiny!.id, requiredApprovals: 2 });
    await db()
      .insert(groupMembers)
      .values([
        { groupId: tiny!.id, userId: await userId('ops1@example.com') },
        { groupId: tiny!.id, userId: await userId('alice@example.com') }, // no approver role: does not count
      ]);
    let warnings = await policyWarnings(lena, productId);
    expect(warnings).toEqual([expect.objectContaining({ stage: 1, severity: 'never' })]);
    expect(warnings[0]!.message).toContain('needs 2 approvals from Tiny approvers, which has 1 active approver');

    await db()
      .insert(groupMembers)
      .values({ groupId: tiny!.id, userId: await userId('ops2@example.com') });
    warnings = await policyWarnings(lena, productId);
    expect(warnings).toEqual([expect.objectContaining({ stage: 1, severity: 'members' })]);

    await db()
      .insert(groupMembers)
      .values({ groupId: tiny!.id, userId: await userId('sec1@example.com') });
    expect(await policyWarnings(lena, productId)).toEqual([]);

    // A disabled approver no longer counts.
    await db().update(users).set({ active: false }).where(eq(users.email, 'sec1@example.com'));
    expect((await policyWarnings(lena, productId)).map((w) => w.severity)).toEqual(['members']);
  });

  it('is for the library team only', async () => {
    const productId = await idOfProduct('wireshark');
    await expect(policyWarnings(await actor('alice@example.com'), productId)).rejects.toBeInstanceOf(ForbiddenError);
  });
});
