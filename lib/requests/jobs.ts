import { defineSchedule } from '@/lib/jobs/registry';
import { expireEntitlements, sweepRequests } from './lifecycle';

// Every five minutes, once across all instances. Both are idempotent, so a retried run is harmless.
defineSchedule('requests.sweep', '*/5 * * * *', () => sweepRequests());
defineSchedule('entitlements.expire', '*/5 * * * *', () => expireEntitlements());
