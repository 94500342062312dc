import mongoose from 'mongoose';
import { healthProbeModel } from '../../src/models/health-probe';
import { MosaicState } from '../../src/contract/search-attributes';
import { recordHistory } from '../harness/histories';
import { startTestWorker, type TestWorker } from '../harness/worker';

describe('healthCheck workflow against the real stack', () => {
  let w: TestWorker;
  beforeAll(async () => {
    w = await startTestWorker();
  });
  afterAll(() => w?.stop());

  it('writes and reads back a document in MongoDB and reports the versions', async () => {
    const report = await w.client.healthCheck();

    expect(report.storage).toMatchObject({ flavor: 'FerretDB', version: 'v1.24.2' });
    expect(report.storage.compatibleWith).toMatch(/^MongoDB \d+\./);
    expect(report.runtime.temporalServerVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(report.runtime.nodeVersion).toBe(process.version);
    expect(report.url).toContain(`/workflows/${report.workflowId}`);

    const conn = await mongoose.createConnection(w.config.mongodb.uri).asPromise();
    try {
      const probes = await healthProbeModel(conn)
        .find({ key: new RegExp(`^${report.workflowId}/`) })
        .lean();
      expect(probes).toHaveLength(1);
    } finally {
      await conn.close();
    }

    const description = await w.client.temporal.workflow.getHandle(report.workflowId).describe();
    expect(description.typedSearchAttributes.get(MosaicState)).toBe('passed');
    await recordHistory(w.client.temporal, report.workflowId, 'passed');
  });
});
