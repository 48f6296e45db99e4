// The install history of a generated fleet, for db/seed-scale.ts. Events are held in typed
// arrays (about 30 bytes each) and handed out in time order, so a million of them fit easily.
import { randomUUID } from 'node:crypto';
import type { InstallEventType, Platform } from './schema';
import { agentBuilds, failureFor, failures, justifications, type Rng } from './seed-scale-data';

export type Catalogue = {
  id: string;
  releaseId: string;
  productId: string;
  slug: string;
  platform: Platform;
  sha256: string;
  size: number;
  publishedAt: number;
  withdrawnAt: number | null;
}[];

interface FleetDevice {
  platform: Platform;
}

const DAY = 86_400_000;
const MIN = 60_000;
const types: InstallEventType[] = ['download_started', 'download_completed', 'install_succeeded', 'install_failed', 'uninstalled'];
const [STARTED, COMPLETED, SUCCEEDED, FAILED, UNINSTALLED] = [0, 1, 2, 3, 4];

// How often a title is installed, relative to the rest (1 when not named).
// prettier-ignore
const popularity: Record<string, number> = {
  'google-chrome': 10, 'microsoft-365-apps': 9, 'microsoft-teams': 8, 'adobe-acrobat-reader': 7, 'zoom-workplace': 6, firefox: 6,
  slack: 6, '7-zip': 5, 'microsoft-edge': 5, 'crowdstrike-falcon-sensor': 5, 'contoso-vpn-client': 5, 'visual-studio-code': 5,
  git: 4, 'notepad-plus-plus': 4, 'vlc-media-player': 3, nodejs: 3, python: 3, '1password': 3, postman: 2, 'docker-desktop': 2,
};

export function generateHistory(
  rng: Rng,
  o: { events: number; days: number; now: number },
  catalogue: Catalogue,
  devices: FleetDevice[],
  approvers: string[],
) {
  const cap = o.events;
  const ev = {
    count: 0,
    device: new Int32Array(cap),
    artifact: new Int32Array(cap),
    type: new Uint8Array(cap),
    at: new Float64Array(cap),
    failure: new Int16Array(cap).fill(-1),
    request: new Int32Array(cap).fill(-1),
    approver: new Int16Array(cap).fill(-1),
  };
  const requests = {
    id: [] as string[],
    device: [] as number[],
    artifact: [] as number[],
    justification: [] as string[],
    at: [] as number[],
  };
  const windowStart = o.now - o.days * DAY;

  // Per product and platform, the artifacts that could be pulled, oldest release first.
  const products = [...new Set(catalogue.map((a) => a.productId))];
  const chains = new Map<string, number[]>();
  catalogue.forEach((a, i) => {
    const key = `${a.productId}/${a.platform}`;
    chains.set(key, [...(chains.get(key) ?? []), i]);
  });
  for (const c of chains.values()) c.sort((a, b) => catalogue[a]!.publishedAt - catalogue[b]!.publishedAt);

  /** A time at which artifact `a` could be pulled, after `after`; withdrawn-before-the-window ones keep their old window. */
  function timeFor(a: number, after: number): number | null {
    const art = catalogue[a]!;
    const end = Math.min(o.now, art.withdrawnAt ?? o.now);
    const start = Math.max(after, art.publishedAt, end < windowStart ? art.publishedAt : windowStart);
    return start < end ? start + rng.next() * (end - start) : null;
  }

  function push(d: number, a: number, type: number, at: number, request: number, approver: number, failure = -1): boolean {
    if (ev.count >= cap || at > o.now) return false;
    const i = ev.count++;
    ev.device[i] = d;
    ev.artifact[i] = a;
    ev.type[i] = type;
    ev.at[i] = at;
    ev.request[i] = request;
    ev.approver[i] = approver;
    ev.failure[i] = failure;
    return true;
  }

  /** One attempt: download (unless cached), then the outcome the agent reports; true when installed. */
  function attempt(d: number, a: number, t: number, req: number, appr: number, download: boolean): boolean {
    let at = t;
    if (download) {
      if (!push(d, a, STARTED, at, req, appr) || rng.chance(0.01)) return false; // Never completed.
      at += rng.int(5, 300) * 1000;
      if (!push(d, a, COMPLETED, at, req, appr) || rng.chance(0.02)) return false; // No report came back.
    }
    at += rng.int(30, 600) * 1000;
    if (rng.chance(0.115)) {
      push(d, a, FAILED, at, req, appr, failureFor(rng, devices[d]!.platform));
      return false;
    }
    return push(d, a, SUCCEEDED, at, req, appr);
  }

  function journey(d: number, chain: number[]) {
    // Newer releases are pulled more; withdrawn ones only by a few.
    const start = rng.weighted(chain.map((a, i) => (i + 1) ** 2 * (catalogue[a]!.withdrawnAt ? 0.5 : 1)));
    let t = timeFor(chain[start]!, 0);
    if (t === null) return;
    let req = -1;
    let appr = -1;
    if (rng.chance(0.75)) {
      req = requests.id.length;
      requests.id.push(randomUUID());
      requests.device.push(d);
      requests.artifact.push(chain[start]!);
      requests.justification.push(rng.pick(justifications));
      requests.at.push(t - rng.int(60, 4320) * MIN);
      appr = rng.chance(0.8) && approvers.length ? rng.int(0, approvers.length - 1) : -1;
    }
    for (let i = start; ;) {
      let ok = attempt(d, chain[i]!, t, req, appr, true);
      for (let retry = 0; !ok && retry < 2 && rng.chance(0.6); retry++) {
        t += rng.int(60, 4320) * MIN;
        ok = attempt(d, chain[i]!, t, req, appr, rng.chance(0.5));
      }
      if (ok && i < chain.length - 1 && rng.chance(0.35)) {
        const next = timeFor(chain[i + 1]!, t + DAY);
        if (next !== null) {
          i++;
          t = next;
          continue;
        }
      }
      if (ok && rng.chance(0.07) && t + DAY < o.now) push(d, chain[i]!, UNINSTALLED, t + DAY + rng.next() * (o.now - t - DAY), req, appr);
      return;
    }
  }

  // Passes over the fleet, each giving devices a few more titles, until the target is reached.
  const used = new Uint8Array(devices.length * products.length);
  const slugOf = new Map(catalogue.map((a) => [a.productId, a.slug]));
  const productWeight = products.map((p) => popularity[slugOf.get(p)!] ?? 1);
  for (let pass = 0; ev.count < cap && pass < 50; pass++) {
    const before = ev.count;
    const perDevice = Math.max(0.2, (cap - ev.count) / devices.length / 4.2);
    const offset = rng.int(0, devices.length - 1);
    for (let k = 0; k < devices.length && ev.count < cap; k++) {
      const d = (k + offset) % devices.length;
      const titles = Math.floor(perDevice) + (rng.chance(perDevice % 1) ? 1 : 0);
      for (let n = 0; n < titles && ev.count < cap; n++) {
        const p = rng.weighted(productWeight.map((w, i) => (used[d * products.length + i] ? 0 : w)));
        if (used[d * products.length + p]) continue;
        used[d * products.length + p] = 1;
        const chain = chains.get(`${products[p]}/${devices[d]!.platform}`);
        if (chain) journey(d, chain);
      }
    }
    if (ev.count === before) break; // Every device has every title it can run.
  }

  function* eventBatches(size: number, ownerOf: (d: number) => string, deviceIdOf: (d: number) => string) {
    const order = new Uint32Array(ev.count).map((_, i) => i);
    order.sort((a, b) => ev.at[a]! - ev.at[b]!);
    for (let from = 0; from < order.length; from += size) {
      const rows = Array.from(order.subarray(from, from + size));
      const art = (i: number) => catalogue[ev.artifact[i]!]!;
      const agent = (i: number) => {
        const lagDays = (ev.device[i]! * 7919) % 25; // Each device updates its agent a little late.
        const age = (o.now - ev.at[i]!) / DAY + lagDays;
        return [...agentBuilds].reverse().find(([, released]) => age <= released)?.[0] ?? agentBuilds[0]![0];
      };
      yield [
        ['type', 'install_event_type', rows.map((i) => types[ev.type[i]!])],
        ['device_id', 'uuid', rows.map((i) => deviceIdOf(ev.device[i]!))],
        ['user_id', 'uuid', rows.map((i) => ownerOf(ev.device[i]!))],
        ['product_id', 'uuid', rows.map((i) => art(i).productId)],
        ['release_id', 'uuid', rows.map((i) => art(i).releaseId)],
        ['artifact_id', 'uuid', rows.map((i) => art(i).id)],
        ['sha256', 'text', rows.map((i) => art(i).sha256)],
        ['request_id', 'uuid', rows.map((i) => (ev.request[i]! >= 0 ? requests.id[ev.request[i]!] : null))],
        ['approver_id', 'uuid', rows.map((i) => (ev.approver[i]! >= 0 ? approvers[ev.approver[i]!] : null))],
        ['agent_version', 'text', rows.map(agent)],
        [
          'exit_code',
          'int',
          rows.map((i) => (ev.failure[i]! >= 0 ? failures[ev.failure[i]!]!.exitCode : ev.type[i] === SUCCEEDED ? 0 : null)),
        ],
        ['error_text', 'text', rows.map((i) => (ev.failure[i]! >= 0 ? failures[ev.failure[i]!]!.text : null))],
        ['bytes', 'bigint', rows.map((i) => (ev.type[i] === COMPLETED ? art(i).size : null))],
        ['occurred_at', 'timestamptz', rows.map((i) => new Date(ev.at[i]!).toISOString())],
        // Reports arrive within a minute or two; a few devices were offline for hours.
        [
          'recorded_at',
          'timestamptz',
          rows.map((i) => new Date(ev.at[i]! + (rng.chance(0.02) ? rng.int(1, 48) * 3_600_000 : rng.int(1, 120) * 1000)).toISOString()),
        ],
      ] as [string, string, unknown[]][];
    }
  }

  return { events: ev, requests, eventBatches };
}
