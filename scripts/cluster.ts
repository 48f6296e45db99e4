/**
 * `npm run cluster`: two production instances on one PostgreSQL database (DATABASE_URL, migrated
 * and seeded with DATABASE_MIGRATION_URL when set) and one S3 bucket (an s3rver process), behind
 * an nginx of our own. Uses the build in .next (builds it when missing; `-- --build` rebuilds).
 * Ctrl-C stops everything.
 */
import { startCluster } from './cluster/cluster';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error('Set DATABASE_URL to a PostgreSQL database (instances cannot share an embedded PGlite).');
  process.exit(1);
}
const cluster = await startCluster({
  databaseUrl,
  migrationUrl: process.env.DATABASE_MIGRATION_URL,
  build: process.argv.includes('--build') ? 'always' : 'if-missing',
  debugHeaders: true,
  log: (line) => console.log(line),
});
console.log(`\nPortal: ${cluster.url}  (sign in as admin@example.com / portal-demo)`);
// Metrics are per process: scrape each instance, not the balancer.
for (const i of cluster.instances)
  console.log(`Metrics of instance ${i.name}: curl -H 'Authorization: Bearer ${cluster.metricsToken}' ${i.url}/api/metrics`);
console.log('Ctrl-C stops the cluster.');
const stop = () => void cluster.stop().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
