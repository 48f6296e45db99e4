// Made-up people, machines and failures for `npm run db:seed:scale`. Pure data and small helpers.
import type { Platform } from './schema';

/** A small seeded PRNG (mulberry32): the same flags give the same shape of data. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
    /** An index into `weights`, chosen in proportion to them. */
    weighted: (weights: readonly number[]) => {
      let r = next() * weights.reduce((s, w) => s + w, 0);
      for (let i = 0; i < weights.length; i++) if ((r -= weights[i]!) < 0) return i;
      return weights.length - 1;
    },
  };
}
export type Rng = ReturnType<typeof prng>;

// prettier-ignore
export const firstNames = [
  'Aisha', 'Ben', 'Carla', 'Dmitri', 'Elena', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jonas', 'Kemi', 'Lars', 'Mei', 'Nadia',
  'Oscar', 'Priya', 'Quentin', 'Rosa', 'Sven', 'Tariq', 'Uma', 'Victor', 'Wen', 'Ximena', 'Yusuf', 'Zoe', 'Amara', 'Bruno',
  'Chloé', 'Diego', 'Emil', 'Fatima', 'Gustav', 'Hana', 'Ivan', 'Julia', 'Kofi', 'Lena', 'Mateo', 'Noor', 'Olga', 'Pablo',
];

// prettier-ignore
export const lastNames = [
  'Andersen', 'Bakker', 'Chen', 'Dubois', 'Eriksson', 'Fischer', 'García', 'Haddad', 'Ivanova', 'Jensen', 'Kowalski',
  'López', 'Müller', 'Nakamura', 'Okafor', "O'Brien", 'Petrov', 'Quinn', 'Rossi', 'Schmidt', 'Tanaka', 'Umarov', 'Varga',
  'Wagner', 'Xu', 'Yilmaz', 'Zimmermann', 'Berg', 'Costa', 'Singh', 'Novak', 'Silva', 'Kim', 'Larsen', 'Moreau', 'Nguyen',
];

const sites = ['LON', 'NYC', 'BER', 'SYD', 'TOR', 'SIN', 'PAR', 'AMS', 'MUC', 'DUB'];

/** Platforms in roughly the share a corporate fleet has them. */
export const platformShare: [Platform, number][] = [
  ['windows-x64', 55],
  ['macos-arm64', 24],
  ['linux-x64', 10],
  ['macos-x64', 5],
  ['windows-arm64', 4],
  ['linux-arm64', 2],
];

export function hostnameFor(rng: Rng, platform: Platform, first: string, n: number): string {
  const num = String(n).padStart(5, '0');
  if (platform.startsWith('windows')) return `${rng.pick(sites)}-${rng.pick(['LT', 'LT', 'WS', 'VM'])}-${num}`;
  const who = first
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
  if (platform.startsWith('macos')) return `${who}-${rng.pick(['mbp', 'mba', 'studio'])}-${num}`;
  return `${rng.pick(sites).toLowerCase()}-${rng.pick(['dev', 'build', 'ws'])}-${num}`;
}

/** What agents report when an install fails, with the exit code they send with it. */
export const failures: { text: string; exitCode: number | null; platforms: 'windows' | 'macos' | 'linux' | 'any' }[] = [
  { text: 'MSI error 1603: Fatal error during installation.', exitCode: 1603, platforms: 'windows' },
  {
    text: 'MSI error 1618: Another installation is already in progress. Complete that installation before proceeding.',
    exitCode: 1618,
    platforms: 'windows',
  },
  { text: 'A restart is pending from a previous installation (exit 3010); install deferred.', exitCode: 3010, platforms: 'windows' },
  { text: 'Access is denied. (0x80070005)', exitCode: 5, platforms: 'windows' },
  {
    text: 'installer: Error - The Installer encountered an error that caused the installation to fail. Contact the software manufacturer for assistance.',
    exitCode: 1,
    platforms: 'macos',
  },
  { text: 'pkg signature check failed: "Developer ID Installer" certificate has been revoked', exitCode: 1, platforms: 'macos' },
  {
    text: 'dpkg: error processing archive (--unpack):\n trying to overwrite file, which is also in another package',
    exitCode: 1,
    platforms: 'linux',
  },
  { text: 'tar: Unexpected EOF in archive\ntar: Error is not recoverable: exiting now', exitCode: 2, platforms: 'linux' },
  { text: 'Not enough disk space: 2.4 GB required, 0.7 GB free on the system volume', exitCode: 112, platforms: 'any' },
  { text: 'Timed out after 900 s waiting for the installer to finish', exitCode: null, platforms: 'any' },
  { text: 'SHA-256 of the downloaded file does not match the release; file discarded', exitCode: null, platforms: 'any' },
  { text: 'The application is running ("close it and retry"); install postponed by the user', exitCode: 1602, platforms: 'any' },
];

export function failureFor(rng: Rng, platform: Platform): number {
  const family = platform.split('-')[0];
  const fits = failures.map((f, i) => ({ f, i })).filter(({ f }) => f.platforms === 'any' || f.platforms === family);
  // The first fitting failure is the commonest one for its platform, as in real fleets.
  return rng.chance(0.35) ? fits[0]!.i : rng.pick(fits).i;
}

export const justifications = [
  'Needed for the project I joined this week.',
  'Replacing the version that came with my laptop.',
  'Required by the onboarding checklist.',
  'My team standardised on this tool.',
  'Upgrading: the old version has a known security issue.',
  'Needed to open files customers send us.',
];

/** Agent builds, newest last, with the day (before now) each came out. */
export const agentBuilds: [string, number][] = [
  ['1.2.0', 400],
  ['1.3.1', 150],
  ['1.4.0', 80],
  ['1.4.2', 30],
];
