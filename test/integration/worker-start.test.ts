import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { BUILTIN_ACCOUNT, seedBuiltinPersonas } from '../../src/activities/persona-store';
import { registerBuiltinHandlers } from '../../src/activities/composition';
import { bootstrapAdmin } from '../../src/activities/policy-store';
import { anchorTrust } from '../../src/activities/root-keys';
import { BUILTIN_HANDLERS } from '../../src/handlers/catalog';
import { actorModel } from '../../src/models/actor';
import { auditModel } from '../../src/models/audit';
import { handlerModel } from '../../src/models/handler';
import { ensureIndexes } from '../../src/models/indexes';
import { personaModel } from '../../src/models/persona';
import { BUILTIN_PERSONAS } from '../../src/negotiation/builtin-personas';
import { generateKeyPair } from '../../src/security/keys';
import { killWorker, startWorkerProcess } from '../harness/worker-process';

const freshDatabase = (tag: string) => `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/${tag}_${randomUUID().slice(0, 8)}`;

// Workers started together (a deployment scaled to several replicas, the chaos
// tests' two workers) make the same start-time writes on the same fresh database.
describe('workers starting at the same moment on a fresh database', () => {
  it('all make their start-time writes, and each row exists once', async () => {
    const admin = generateKeyPair();
    const uri = freshDatabase('start');
    const connections = await Promise.all(Array.from({ length: 6 }, () => mongoose.createConnection(uri).asPromise()));
    try {
      // What createWorker does before it polls, by six processes at once.
      const starts = await Promise.allSettled(
        connections.map(async (c) => {
          await ensureIndexes(c);
          await registerBuiltinHandlers(c);
          await seedBuiltinPersonas(c);
          // Each worker is configured with the same root key (MOSAIC_BOOTSTRAP_ADMIN_KEY), which it then lists as an admin.
          anchorTrust(c, { pems: [admin.publicKeyPem], file: path.join(os.tmpdir(), `no-root-keys-${randomUUID()}.pem`) });
          await bootstrapAdmin(c, admin.publicKeyPem, 'bootstrap');
        }),
      );
      expect(starts.filter((s) => s.status === 'rejected')).toEqual([]);
      const db = connections[0]!;
      expect(await handlerModel(db).countDocuments()).toBe(BUILTIN_HANDLERS.length);
      expect(await personaModel(db).countDocuments({ account: BUILTIN_ACCOUNT })).toBe(BUILTIN_PERSONAS.length);
      expect(await actorModel(db).countDocuments({ role: 'admin' })).toBe(1);
      expect(await auditModel(db).countDocuments({ operation: 'role.grant' })).toBe(1);
    } finally {
      await Promise.all(connections.map((c) => c.close()));
    }
  }, 120_000);

  it('a worker whose start fails after connecting exits with code 1 and names the cause', async () => {
    const uri = freshDatabase('badstart');
    // Two audit entries with the same key, written before any index: the worker cannot build its unique one.
    const db = await mongoose.createConnection(uri).asPromise();
    await db.collection('audit').insertMany([{ key: 'twice' }, { key: 'twice' }]);
    await db.close();
    const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-badstart-')), 'worker.log');
    const worker = startWorkerProcess({ MOSAIC_MONGODB_URI: uri, MOSAIC_TASK_QUEUE: `badstart-${randomUUID()}` }, log);
    const code = await Promise.race([
      new Promise<number | null>((resolve) => worker.once('exit', resolve)),
      new Promise<string>((r) => setTimeout(() => r('still running'), 90_000).unref()),
    ]);
    await killWorker(worker);
    expect(code).toBe(1);
    expect(fs.readFileSync(log, 'utf8')).toMatch(/^mosaic: .*audit.*key/m);
  }, 120_000);
});
