import type { NextRequest } from 'next/server';
import { currentActor } from '@/lib/auth/session';
import { csvStream } from '@/lib/deployments/csv-stream';
import { deploymentDevicesCsvHeader, deploymentDevicesCsvRows, deviceDeploymentStates } from '@/lib/deployments/status';
import { AppError, isDataException } from '@/lib/errors';

function error(status: number, message: string, field?: string): Response {
  return Response.json({ error: message, field }, { status, headers: { 'Cache-Control': 'no-store' } });
}

/** The deployment's device list as CSV, streamed in keyset batches; the service checks the role. */
export async function GET(req: NextRequest, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const actor = await currentActor();
  if (!actor) return error(401, 'Sign in to export a deployment’s devices.');
  const { id } = await params;
  const raw = req.nextUrl.searchParams.get('state');
  const state = deviceDeploymentStates.find((s) => s === raw);
  if (raw !== null && !state) return error(422, `state is one of: ${deviceDeploymentStates.join(', ')}.`, 'state');
  let body: ReadableStream<Uint8Array>;
  try {
    body = await csvStream(deploymentDevicesCsvHeader, deploymentDevicesCsvRows(actor, id, state));
  } catch (e) {
    if (e instanceof AppError) return error(e.status, e.message, e.field);
    if (isDataException(e)) return error(404, 'No such deployment.', 'deployment');
    console.error('Deployment status export failed', e);
    return error(500, 'The export failed. Try again later.');
  }
  return new Response(body, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="deployment-${id}-devices.csv"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
