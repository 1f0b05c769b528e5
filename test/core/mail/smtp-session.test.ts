import { randomBytes } from 'node:crypto';
import nodemailer from 'nodemailer';
import { afterEach, expect, inject, it } from 'vitest';
import { updateProperty } from '../../../core/properties/property-store.ts';
import { BullJobQueue } from '../../../queue/bullmq-job-queue.ts';
import { startSmtpIngress } from '../../../worker/ingress/smtp-ingress.ts';
import { createRedis } from '../../../queue/redis-connection.ts';
import { makeProperty } from '../../support/inbox-fixture.ts';
import { silentLogger } from '../../support/pipeline-harness.ts';
import { createTestDatabase } from '../../support/test-database.ts';
import { noDnsVerifier } from '../../support/mail-auth.ts';
import { clearQueues } from '../../support/clear-queues.ts';

// A pooled client (nodemailer's pool, any MTA) sends several messages over one connection.
// Each message belongs to the properties of its own recipients only (found by the fuzz run:
// recipients used to pile up per connection, leaking mail into other properties).

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it('stores each message of one SMTP connection only for its own recipients', async () => {
  const t = await createTestDatabase();
  cleanups.push(() => t.drop());
  const redis = createRedis(inject('redisUrl'), 'producer');
  const jobs = new BullJobQueue(redis, `test-${randomBytes(4).toString('hex')}`);
  cleanups.push(async () => {
    await clearQueues(jobs);
    await jobs.close();
    redis.disconnect();
  });
  const a = await updateProperty(t.db, (await makeProperty(t.db, 'a')).id, { inbound_domain: 'in.a.example' });
  const b = await updateProperty(t.db, (await makeProperty(t.db, 'b')).id, { inbound_domain: 'in.b.example' });
  const smtp = await startSmtpIngress({
    db: t.db,
    jobs,
    logger: silentLogger,
    host: '127.0.0.1',
    port: 0,
    maxMessageBytes: 100_000,
    senderVerifier: noDnsVerifier,
  });
  cleanups.push(() => smtp.close());

  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: smtp.port,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: 1,
  });
  const mail = (id: string) => `From: x@sender.example\r\nSubject: ${id}\r\nMessage-ID: <${id}@sender.example>\r\n\r\nhi\r\n`;
  await transport.sendMail({ envelope: { from: 'x@sender.example', to: ['help@in.a.example'] }, raw: mail('first') });
  await transport.sendMail({ envelope: { from: 'x@sender.example', to: ['help@in.b.example'] }, raw: mail('second') });
  await transport.sendMail({ envelope: { from: 'x@sender.example', to: ['help@in.a.example', 'help@in.b.example'] }, raw: mail('third') });
  transport.close();

  const rows = await t.db
    .selectFrom('inbound_emails')
    .select(['property_id', 'message_id'])
    .orderBy('message_id')
    .orderBy('property_id')
    .execute();
  const sorted = (r: { property_id: string; message_id: string | null }[]) =>
    [...r].sort((x, y) => `${x.message_id}${x.property_id}`.localeCompare(`${y.message_id}${y.property_id}`));
  expect(sorted(rows)).toEqual(
    sorted([
      { property_id: a.id, message_id: '<first@sender.example>' },
      { property_id: b.id, message_id: '<second@sender.example>' },
      { property_id: a.id, message_id: '<third@sender.example>' },
      { property_id: b.id, message_id: '<third@sender.example>' },
    ]),
  );
});
