import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { suppliers } from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';
import { announceDeployment } from './announce';
import { ownSupplierEvents } from './queries';
import { reportDeployments } from './report';
import type { AnnounceInput, ReportInput } from './schema';
import { listScope, supplierOfUser } from './scope';

/** What a supplier's person sees on their page: their supplier, its scope and its recent work. */
export async function supplierHome(actor: Actor) {
  const p = await supplierOfUser(getDb(), actor);
  const supplier = (await getDb().query.suppliers.findFirst({ where: eq(suppliers.id, p.supplierId) }))!;
  return { name: supplier.name, scope: await listScope(getDb(), p.supplierId), events: await ownSupplierEvents(p.supplierId) };
}

/** The page's announce and report: the API's rules, for the signed-in person's supplier. */
export async function announceAsPerson(actor: Actor, input: AnnounceInput) {
  return announceDeployment(await supplierOfUser(getDb(), actor), input);
}
export async function reportAsPerson(actor: Actor, input: ReportInput) {
  return reportDeployments(await supplierOfUser(getDb(), actor), input, 'page');
}
