import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http2 from 'node:http2';
import os from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { ConfigError, loadConfig, temporalConnectionOptions } from '../../../src/config';

/**
 * A secured cluster with a private CA that demands client certificates and an
 * API key: an HTTP/2 TLS server that records what each gRPC call brought and
 * answers UNAUTHENTICATED. Both Temporal connections (the client's and the
 * worker's native one) must arrive with our CA, certificate and key.
 */
describe('TLS and API key options reach both Temporal connections', () => {
  let dir: string;
  let server: http2.Http2SecureServer;
  let port: number;
  const sessions = new Set<http2.ServerHttp2Session>();
  const calls: { path: string; authorization?: string; clientCn?: string }[] = [];

  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const issue = (name: string, cn: string, signer?: string) => {
    if (!signer) {
      openssl(
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.crt`,
        '-subj',
        `/CN=${cn}`,
        '-days',
        '1',
      );
      return;
    }
    fs.writeFileSync(path.join(dir, `${name}.ext`), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
    openssl(
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      `/CN=${cn}`,
    );
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${signer}.crt`,
      '-CAkey',
      `${signer}.key`,
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      '1',
      '-extfile',
      `${name}.ext`,
    );
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-tls-'));
    issue('ca', 'mosaic-test-ca');
    issue('server', 'localhost', 'ca');
    issue('client', 'mosaic-worker', 'ca');
    const read = (f: string) => fs.readFileSync(path.join(dir, f));
    server = http2.createSecureServer({
      key: read('server.key'),
      cert: read('server.crt'),
      ca: read('ca.crt'),
      requestCert: true,
      rejectUnauthorized: true,
    });
    server.on('session', (session) => sessions.add(session));
    server.on('stream', (stream, headers) => {
      const peer = (stream.session?.socket as TLSSocket | undefined)?.getPeerCertificate();
      calls.push({
        path: String(headers[':path']),
        authorization: headers.authorization as string | undefined,
        clientCn: peer?.subject?.CN as string | undefined,
      });
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '16', 'grpc-message': 'recorded by the test' }));
      stream.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });

  afterAll(async () => {
    // Clients that gave up may keep their sessions open; close() would wait for them.
    for (const session of sessions) session.destroy();
    await new Promise((r) => server.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const config = () =>
    loadConfig({
      MOSAIC_TEMPORAL_ADDRESS: `localhost:${port}`,
      MOSAIC_TEMPORAL_API_KEY: 'test-api-key',
      MOSAIC_TEMPORAL_TLS_CA: path.join(dir, 'ca.crt'),
      MOSAIC_TEMPORAL_TLS_CERT: path.join(dir, 'client.crt'),
      MOSAIC_TEMPORAL_TLS_KEY: path.join(dir, 'client.key'),
    });

  it('the client Connection verifies the server with our CA and presents our certificate and API key', async () => {
    calls.length = 0;
    const connection = await Connection.connect({ ...temporalConnectionOptions(config()), connectTimeout: 5000 }).catch((e: Error) => e);
    if (!(connection instanceof Error))
      await connection.workflowService
        .getSystemInfo({})
        .catch(() => undefined)
        .finally(() => connection.close());
    expect(calls.length).toBeGreaterThan(0);
    expect(calls[0]).toEqual({
      path: '/temporal.api.workflowservice.v1.WorkflowService/GetSystemInfo',
      authorization: 'Bearer test-api-key',
      clientCn: 'mosaic-worker',
    });
  });

  it("the worker's NativeConnection does the same", async () => {
    calls.length = 0;
    await expect(NativeConnection.connect(temporalConnectionOptions(config()))).rejects.toThrow();
    expect(calls[0]).toEqual({
      path: '/temporal.api.workflowservice.v1.WorkflowService/GetSystemInfo',
      authorization: 'Bearer test-api-key',
      clientCn: 'mosaic-worker',
    });
  });

  it('refuses half a client certificate and unreadable files, naming the variable', () => {
    expect(() => loadConfig({ MOSAIC_TEMPORAL_TLS_CERT: path.join(dir, 'client.crt') })).toThrow(/MOSAIC_TEMPORAL_TLS_KEY/);
    const missing = loadConfig({ MOSAIC_TEMPORAL_TLS_CA: path.join(dir, 'nope.crt') });
    expect(missing.temporal.tls).toBe(true);
    expect(() => temporalConnectionOptions(missing)).toThrow(ConfigError);
    expect(() => temporalConnectionOptions(missing)).toThrow(/MOSAIC_TEMPORAL_TLS_CA=.*nope\.crt.*readable PEM file \(ENOENT\)/);
  });
});
