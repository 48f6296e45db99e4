import type { Pull } from './api-types';
import { fileSize, isRecord, readJsonFile, writeFileAtomic } from './fsutil';

/** What the agent placed and (when configured) successfully ran the install command for. */
export type InstalledItem = {
  artifactId: string;
  sha256: string;
  product: string;
  version: string;
  fileName: string;
  path: string;
  installedAt: string;
};

export type LastSync = { at: string; ok: boolean; installed: number; failed: number; undelivered: number; error?: string };

/** installed.json: the agent's belief about this device, reported at every check-in. */
export class InstalledStore {
  private constructor(
    private readonly file: string,
    private items: InstalledItem[],
  ) {}

  static async load(file: string): Promise<InstalledStore> {
    const data = await readJsonFile(file);
    return new InstalledStore(file, isRecord(data) && Array.isArray(data.items) ? (data.items as InstalledItem[]) : []);
  }

  get all(): readonly InstalledItem[] {
    return this.items;
  }

  forCheckIn(): { artifactId: string; sha256: string; version: string; product: string }[] {
    return this.items.map(({ artifactId, sha256, version, product }) => ({ artifactId, sha256, version, product }));
  }

  /** Installed with the same bytes, and the file is still where it was put (else it is reinstalled). */
  async has(pull: Pull): Promise<boolean> {
    const item = this.items.find((i) => i.product === pull.product.slug && i.sha256 === pull.artifact.sha256);
    return item !== undefined && (await fileSize(item.path)) >= 0;
  }

  /** The entry for this product and build, if the agent installed it. */
  find(product: string, sha256: string): InstalledItem | undefined {
    return this.items.find((i) => i.product === product && i.sha256 === sha256);
  }

  /** Forgets every entry of the product (after an uninstall). */
  async forget(product: string): Promise<void> {
    this.items = this.items.filter((i) => i.product !== product);
    await writeFileAtomic(this.file, JSON.stringify({ items: this.items }, null, 2) + '\n');
  }

  /** One entry per product and version: a reinstall replaces it, another version sits beside it. */
  async record(pull: Pull, filePath: string): Promise<void> {
    const item: InstalledItem = {
      artifactId: pull.artifact.id,
      sha256: pull.artifact.sha256,
      product: pull.product.slug,
      version: pull.release.version,
      fileName: pull.artifact.fileName,
      path: filePath,
      installedAt: new Date().toISOString(),
    };
    this.items = [...this.items.filter((i) => !(i.product === item.product && i.version === item.version)), item];
    await writeFileAtomic(this.file, JSON.stringify({ items: this.items }, null, 2) + '\n');
  }
}

export async function readLastSync(file: string): Promise<LastSync | undefined> {
  const data = await readJsonFile(file);
  return isRecord(data) && typeof data.at === 'string' ? (data as LastSync) : undefined;
}

export async function writeLastSync(file: string, value: LastSync): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');
}
