// Runs s3rver (a real S3-compatible HTTP server) as its own process on a free port, storing in the
// folder given as argv[2] with the bucket argv[3]; prints {"port": N} once it listens and stops on SIGTERM.
import S3rver from 's3rver';

const [directory, bucket] = process.argv.slice(2);
const server = new S3rver({ port: 0, address: '127.0.0.1', directory, silent: true, configureBuckets: [{ name: bucket }] });
server.run().then(({ port }) => process.stdout.write(`${JSON.stringify({ port })}\n`));
process.on('SIGTERM', () => server.close().finally(() => process.exit(0)));
