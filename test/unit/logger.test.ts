import { Writable } from 'node:stream';
import { generateKeyPair } from '../../src/security/keys';
import { createLogger, LOG_BUFFER_BYTES, logDestination, REDACTED, scrub } from '../../src/logger';
import { registry } from '../../src/observability/metrics';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return {
    logger: createLogger('trace', 'test', stream),
    text: () => lines.join('\n'),
    records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('logs never carry secrets', () => {
  const { privateKeyPem } = generateKeyPair();
  const keyBody = privateKeyPem.split('\n')[1]!;

  it('redacts secret fields by name, at the top and nested', () => {
    const log = capture();
    log.logger.info(
      {
        apiKey: 'tk-123456',
        config: { temporal: { apiKey: 'tk-abcdef' } },
        actor: { privateKeyPem },
        aws: { secretAccessKey: 'wJalrXUtnFEMI' },
      },
      'connecting',
    );
    log.logger.warn({ headers: { authorization: 'Bearer s3cr3t' }, credentials: { password: 'hunter2' } }, 'request');
    const text = log.text();
    for (const secret of ['tk-123456', 'tk-abcdef', keyBody, 'wJalrXUtnFEMI', 's3cr3t', 'hunter2']) expect(text).not.toContain(secret);
    expect(log.records()[0]).toMatchObject({
      apiKey: REDACTED,
      config: { temporal: { apiKey: REDACTED } },
      actor: { privateKeyPem: REDACTED },
    });
  });

  it('removes private keys and URI passwords from messages, strings and errors', () => {
    const log = capture();
    log.logger.error(
      { err: new Error(`could not parse ${privateKeyPem}`), uri: 'mongodb://mosaic:pa55word@db:27017/mosaic' },
      `loaded ${privateKeyPem}`,
    );
    const text = log.text();
    expect(text).not.toContain(keyBody);
    expect(text).not.toContain('pa55word');
    expect(log.records()[0]).toMatchObject({ uri: `mongodb://mosaic:${REDACTED}@db:27017/mosaic`, msg: `loaded ${REDACTED}\n` });
  });

  it('keeps one JSON line per event with what identifies it', () => {
    const log = capture();
    log.logger.info({ workflowId: 'compose-x', runId: 'r1', activityType: 'runHandler' }, 'activity completed');
    expect(log.records()).toEqual([
      expect.objectContaining({
        workflowId: 'compose-x',
        runId: 'r1',
        activityType: 'runHandler',
        msg: 'activity completed',
        name: 'test',
      }),
    ]);
  });

  it('leaves public keys and ordinary URIs alone', () => {
    const { publicKeyPem } = generateKeyPair();
    expect(scrub(publicKeyPem)).toBe(publicKeyPem);
    expect(scrub('http://127.0.0.1:8233/namespaces/default')).toBe('http://127.0.0.1:8233/namespaces/default');
  });
});

describe('a log destination that cannot write', () => {
  it('degrades logging instead of throwing: /dev/full (ENOSPC, a full disk) is counted, memory stays bounded', async () => {
    const errorsBefore = await logWriteCount();
    const destination = logDestination('/dev/full');
    const logger = createLogger('info', 'test', destination);
    // About 5 MB of log lines against a 1 MB buffer.
    const line = 'x'.repeat(5000);
    expect(() => {
      for (let i = 0; i < 1000; i++) logger.info({ i }, line);
    }).not.toThrow();
    expect(await logWriteCount()).toBeGreaterThan(errorsBefore);
    expect((destination as unknown as { _len: number })._len).toBeLessThanOrEqual(LOG_BUFFER_BYTES);
  });
});

async function logWriteCount(): Promise<number> {
  const metric = await registry.getSingleMetric('mosaic_log_write_errors_total')?.get();
  return (metric?.values ?? []).reduce((sum, v) => sum + v.value, 0);
}
