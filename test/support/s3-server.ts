import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { S3Storage, type S3StorageConfig } from '@/lib/dml/s3-storage';

export interface TestS3Server {
  endpoint: string;
  bucket: string;
  /** s3rver's own data folder (for tests that damage a stored object behind the store's back). */
  directory: string;
  config(prefix?: string): S3StorageConfig;
  storage(prefix?: string): S3Storage;
  stop(): Promise<void>;
}

/** Starts s3rver in a separate process on a free port with a fresh folder. */
export async function startS3Server(bucket = 'dml-test'): Promise<TestS3Server> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'portal-s3rver-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [fileURLToPath(new URL('./s3rver-process.mjs', import.meta.url)), directory, bucket],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve((JSON.parse(line!) as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`s3rver exited (${code}) before listening`)));
    child.once('error', reject);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const config = (prefix?: string): S3StorageConfig => ({
    bucket,
    endpoint,
    region: 'us-east-1',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    forcePathStyle: true,
    prefix,
  });
  return {
    endpoint,
    bucket,
    directory,
    config,
    storage: (prefix) => new S3Storage(config(prefix)),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(directory, { recursive: true, force: true });
    },
  };
}
