'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { platformValues, type Platform } from '@/db/schema';
import { formatBytes, platformLabels } from '@/app/ui/format';
import { inputClass } from '@/app/ui/form';

type Result = { sha256: string; sizeBytes: number; fileName: string; created: boolean };
type Status =
  | { kind: 'idle' }
  | { kind: 'uploading'; sent: number; total: number }
  | { kind: 'done'; result: Result }
  | { kind: 'error'; message: string };

/**
 * Uploads one artifact with XMLHttpRequest (fetch cannot report upload progress), streaming the
 * file as the request body; the server hashes it as it arrives and reports hash and size back.
 */
export function ArtifactUpload({ releaseId, taken }: { releaseId: string; taken: Platform[] }) {
  const router = useRouter();
  const free = platformValues.filter((p) => !taken.includes(p));
  const [picked, setPlatform] = useState<Platform | ''>(free[0] ?? '');
  // After an upload the picked platform is taken; fall back to the first free one.
  const platform = picked && free.includes(picked) ? picked : (free[0] ?? '');
  const [file, setFile] = useState<File | null>(null);
  const [expected, setExpected] = useState('');
  const [signatureFile, setSignatureFile] = useState<File | null>(null);
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const [fileInputKey, setFileInputKey] = useState(0);

  if (free.length === 0) return <p className="text-sm text-slate-600">Every platform has an artifact.</p>;

  async function upload(e: React.FormEvent) {
    e.preventDefault();
    if (!file || !platform) return setStatus({ kind: 'error', message: 'Choose a platform and a file.' });
    // The detached signature (.asc, .sig or a Sigstore bundle) is small: it travels base64 in a header.
    const signature = signatureFile ? await base64Of(signatureFile) : null;
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/library/releases/${releaseId}/artifacts`);
    xhr.setRequestHeader('X-Platform', platform);
    xhr.setRequestHeader('X-File-Name', encodeURIComponent(file.name));
    if (expected.trim()) xhr.setRequestHeader('X-Checksum-SHA256', expected.trim());
    if (signature) xhr.setRequestHeader('X-Signature', signature);
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    xhr.upload.onprogress = (ev) => setStatus({ kind: 'uploading', sent: ev.loaded, total: ev.total || file.size });
    xhr.onerror = () => setStatus({ kind: 'error', message: 'The upload was interrupted. Nothing was stored; try again.' });
    xhr.onload = () => {
      let body: { error?: string } & Partial<Result> = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON: fall through to the generic message */
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        setStatus({ kind: 'done', result: body as Result });
        setFile(null);
        setExpected('');
        setSignatureFile(null);
        setFileInputKey((k) => k + 1); // a file input can only be cleared by replacing it
        router.refresh();
      } else {
        setStatus({ kind: 'error', message: body.error ?? `Upload failed (HTTP ${xhr.status}).` });
      }
    };
    setStatus({ kind: 'uploading', sent: 0, total: file.size });
    xhr.send(file);
  }

  const busy = status.kind === 'uploading';
  const percent = status.kind === 'uploading' && status.total ? Math.floor((status.sent / status.total) * 100) : 0;
  return (
    <form onSubmit={upload} className="space-y-3 rounded-lg bg-slate-50 p-3">
      <div className="grid gap-3 sm:grid-cols-[12rem_1fr]">
        <label className="text-sm font-medium text-slate-700">
          Platform
          <select value={platform} onChange={(e) => setPlatform(e.target.value as Platform)} className={inputClass} disabled={busy}>
            {free.map((p) => (
              <option key={p} value={p}>
                {platformLabels[p]}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm font-medium text-slate-700">
          File
          <input
            key={fileInputKey}
            type="file"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            className="mt-1 block w-full text-sm"
            disabled={busy}
          />
        </label>
      </div>
      <label className="block text-sm font-medium text-slate-700">
        Detached signature (optional unless the product requires it: .asc, .sig or Sigstore bundle)
        <input
          key={`sig-${fileInputKey}`}
          type="file"
          onChange={(e) => setSignatureFile(e.target.files?.[0] ?? null)}
          className="mt-1 block w-full text-sm"
          disabled={busy}
        />
      </label>
      <label className="block text-sm font-medium text-slate-700">
        Expected SHA-256 (optional; the upload is refused if the bytes differ)
        <input
          value={expected}
          onChange={(e) => setExpected(e.target.value)}
          className={`${inputClass} font-mono`}
          maxLength={64}
          disabled={busy}
        />
      </label>
      <button
        type="submit"
        disabled={busy || !file}
        className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-60"
      >
        {busy ? 'Uploading…' : 'Upload artifact'}
      </button>
      {status.kind === 'uploading' && (
        <div>
          <div
            role="progressbar"
            aria-label="Upload progress"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={percent}
            className="h-2 w-full overflow-hidden rounded-full bg-slate-200"
          >
            <div className="h-full bg-indigo-600 transition-[width]" style={{ width: `${percent}%` }} />
          </div>
          <p className="mt-1 text-xs text-slate-600">
            {formatBytes(status.sent)} of {formatBytes(status.total)} ({percent}%)
          </p>
        </div>
      )}
      {status.kind === 'done' && (
        <p role="status" className="text-sm text-emerald-800" data-testid="upload-result">
          Stored {status.result.fileName}: {formatBytes(status.result.sizeBytes)}, SHA-256{' '}
          <code className="break-all font-mono text-xs">{status.result.sha256}</code>
        </p>
      )}
      {status.kind === 'error' && (
        <p role="alert" className="text-sm text-red-700" data-testid="upload-error">
          {status.message}
        </p>
      )}
    </form>
  );
}

async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}
