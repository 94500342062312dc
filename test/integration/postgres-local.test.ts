import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import mongoose, { type Connection } from 'mongoose';
import { stringify } from 'yaml';
import type { CompositionRequestInput } from '../../src/composition/request';
import { outcomeModel } from '../../src/models/outcome';
import { ProviderRejected } from '../../src/providers/errors';
import { LocalPostgres, postgresNames, psqlArgs, psqlEnv } from '../../src/providers/local-postgres';
import { POSTGRES_BIN, postgresInstalled } from '../../src/stack/postgresql';
import { generateKeyPair } from '../../src/security/keys';
import { signYaml } from '../../src/security/policy-signature';
import { failureOf } from '../harness/failures';
import { startTestWorker, type TestWorker } from '../harness/worker';

const run = promisify(execFile);

/** A session as the database's own role, with the password from its credential file: what the database's user does. */
async function asRole(secretFile: string, database: string, sql: string) {
  const secret = JSON.parse(fs.readFileSync(secretFile, 'utf8')) as { user: string; password: string; host: string; port: number };
  const { stdout } = await run(
    path.join(POSTGRES_BIN, 'psql'),
    psqlArgs({ host: secret.host, port: secret.port, user: secret.user, database }, sql),
    { env: psqlEnv(secret.password) },
  );
  return stdout.trim();
}

// The stack runs PostgreSQL only where Debian's postgresql is installed (global setup says so when it is not).
(postgresInstalled() ? describe : describe.skip)(
  'postgres-local: a PostgreSQL database through a composition, on the stack PostgreSQL',
  () => {
    let w: TestWorker;
    let db: Connection;
    let notifyStatus = 204;
    const admin = generateKeyPair();
    const region = 'eu-north-1';
    const notifyServer = http.createServer((_req, res) => {
      res.statusCode = notifyStatus;
      res.end();
    });
    const postgres = new LocalPostgres(
      process.env.MOSAIC_DATA_DIR!,
      Number(process.env.MOSAIC_POSTGRES_PORT),
      process.env.MOSAIC_POSTGRES_PASSWORD_FILE!,
    );

    const request = (name: string, engine: 'postgres' | 'mongodb' | undefined = 'postgres'): CompositionRequestInput => ({
      requestId: `pg-${randomUUID().slice(0, 8)}`,
      user: 'alice',
      account: `acct-${randomUUID().slice(0, 6)}`,
      region,
      resourceType: 'database',
      spec: { name, ...(engine && { engine }), sizeGb: 20 },
      security: { classification: 'internal', compliance: [], networkExposure: 'private' },
    });

    beforeAll(async () => {
      await new Promise<void>((r) => notifyServer.listen(0, '127.0.0.1', r));
      const uri = `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/pg_local_${randomUUID().slice(0, 8)}`;
      // The worker's data directory is the stack's: the PostgreSQL it uses is the one the stack started there.
      w = await startTestWorker({
        MOSAIC_MONGODB_URI: uri,
        MOSAIC_BOOTSTRAP_ADMIN_KEY: admin.publicKeyPem,
        MOSAIC_NOTIFY_URL: `http://127.0.0.1:${(notifyServer.address() as { port: number }).port}/hook`,
      });
      db = await mongoose.createConnection(uri).asPromise();
      const source = stringify({
        apiVersion: 'mosaic/v1',
        kind: 'CompositionPolicy',
        metadata: { name: 'postgres-north', version: 1 },
        spec: {
          match: `request.resourceType == "database" && request.region == "${region}"`,
          priority: 10,
          stages: [
            { name: 'validate', candidates: ['validate-request@1'] },
            { name: 'provision', after: ['validate'], candidates: ['postgres-local@1'] },
            { name: 'notify', after: ['provision'], candidates: ['notify@1'] },
          ],
          objective: { success: 1, latencyMs: -0.0001, costUsd: -0.1 },
        },
      });
      await w.client.governance.change({ operation: 'policy.apply', source: signYaml(source, admin.privateKeyPem) }, admin.privateKeyPem);
    }, 120_000);

    afterAll(async () => {
      await db?.close();
      await w?.stop();
      notifyServer.close();
    });

    it('makes a database only its own role reaches, with its cost in the outcome', async () => {
      const [a, b] = await Promise.all(
        ['orders', 'billing'].map(async (name) => {
          const handle = await w.client.compose(request(name));
          return { handle, result: await handle.result() };
        }),
      );
      for (const { result } of [a, b]) {
        expect(result.steps.map((s) => [s.ref, s.status])).toEqual([
          ['validate-request@1', 'succeeded'],
          ['postgres-local@1', 'succeeded'],
          ['notify@1', 'succeeded'],
        ]);
        expect(result.outputs.endpoint).toMatch(/^postgresql:\/\/mosaic_pg_[0-9a-f]{12}@127\.0\.0\.1:\d+\/[a-z]+_[0-9a-f]{12}$/);
      }
      const { database, secretFile } = a!.result.outputs as { database: string; secretFile: string };
      expect(fs.statSync(secretFile).mode & 0o777).toBe(0o600);
      expect(await asRole(secretFile, database, 'CREATE TABLE orders (id int); INSERT INTO orders VALUES (7); SELECT id FROM orders')).toBe(
        '7',
      );
      // Another database's role holds a valid login, and still may not connect here.
      await expect(asRole(b!.result.outputs.secretFile!, database, 'SELECT 1')).rejects.toThrow(/permission denied for database/);

      const outcome = await outcomeModel(db).findOne({ workflowId: a!.handle.workflowId }).lean();
      // 20 GB at the gp3 price plus its 20 of the server's 200 connections (handlers/cost.ts).
      expect(outcome?.steps.find((s) => s.ref === 'postgres-local@1')?.costUsd).toBe(3.12);
    }, 120_000);

    it('drops the database and its role when a later step fails for good', async () => {
      notifyStatus = 400;
      try {
        const input = request('refunds');
        const handle = await w.client.compose(input);
        const failure = await failureOf(handle.result());
        expect(failure.message).toContain('notify@1 failed in stage notify');
        expect((await handle.progress()).steps.map((s) => [s.ref, s.status])).toEqual([
          ['validate-request@1', 'succeeded'],
          ['postgres-local@1', 'compensated'],
          ['notify@1', 'failed'],
        ]);
        const key = `${handle.workflowId}/provision/postgres-local@1`;
        expect(await postgres.exists(key, 'refunds')).toEqual({ database: false, role: false });
        const secrets = path.join(process.env.MOSAIC_DATA_DIR!, 'resources', 'secrets');
        expect(fs.readdirSync(secrets).filter((f) => f.includes(postgresNames(key, 'refunds').role.slice(-12)))).toEqual([]);
      } finally {
        notifyStatus = 204;
      }
    }, 120_000);

    it('gives a request that states no engine a PostgreSQL one, and never a PostgreSQL one to a request for MongoDB', async () => {
      const unstated = await (await w.client.compose(request('ledger', undefined))).result();
      expect(unstated.outputs.engine).toBe('postgres');
      expect(unstated.steps.map((s) => s.ref)).toContain('postgres-local@1');
      // The policy allows only postgres-local@1, which does not make MongoDB: nothing is chosen, nothing made.
      const handle = await w.client.compose(request('catalog', 'mongodb'));
      const failure = await failureOf(handle.result());
      expect(failure.message).toMatch(/mongodb database on the local provider/);
      expect(await postgres.exists(`${handle.workflowId}/provision/postgres-local@1`, 'catalog')).toEqual({ database: false, role: false });
    }, 120_000);

    it("fails at once, naming the password file, when the password is not that cluster's", async () => {
      const wrong = path.join(fs.mkdtempSync(path.join(process.env.MOSAIC_DATA_DIR!, 'pg-wrong-')), 'password');
      fs.writeFileSync(wrong, 'not-the-password\n', { mode: 0o600 });
      const elsewhere = new LocalPostgres(process.env.MOSAIC_DATA_DIR!, Number(process.env.MOSAIC_POSTGRES_PORT), wrong);
      const key = `compose-${randomUUID()}/provision/postgres-local@1`;
      const refused = elsewhere.createDatabase({ key, name: 'wrong-pw', engine: 'postgres', sizeGb: 1 });
      await expect(refused).rejects.toBeInstanceOf(ProviderRejected);
      await expect(refused).rejects.toMatchObject({ fault: { code: 'PostgresAuthFailed' } });
      await expect(refused).rejects.toThrow(`refused the password in ${wrong}`);
      expect(await postgres.exists(key, 'wrong-pw')).toEqual({ database: false, role: false });
      const secrets = path.join(process.env.MOSAIC_DATA_DIR!, 'resources', 'secrets');
      expect(fs.readdirSync(secrets).filter((f) => f.includes(postgresNames(key, 'wrong-pw').role.slice(-12)))).toEqual([]);
    }, 60_000);

    it('undoes by the key alone: what a failed attempt made, and nothing twice', async () => {
      const key = `compose-${randomUUID()}/provision/postgres-local@1`;
      await postgres.createDatabase({ key, name: 'half-made', engine: 'postgres', sizeGb: 1 });
      // Made again with the same key (a retry): the same database, no error.
      const again = await postgres.createDatabase({ key, name: 'half-made', engine: 'postgres', sizeGb: 1 });
      expect(again.id).toBe(postgresNames(key, 'half-made').database);
      expect(await postgres.exists(key, 'half-made')).toEqual({ database: true, role: true });
      await postgres.deleteDatabase(key, 'half-made');
      await postgres.deleteDatabase(key, 'half-made');
      expect(await postgres.exists(key, 'half-made')).toEqual({ database: false, role: false });
    }, 60_000);
  },
);
