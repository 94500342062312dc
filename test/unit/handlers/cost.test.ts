import { BUCKET_COSTS, bucketCostUsd, DATABASE_COSTS, databaseCostUsd } from '../../../src/handlers/cost';

// What the objective's costUsd weighs: alternatives for one stage must differ, and cost must follow the request.
describe('database cost models', () => {
  it('prices a PostgreSQL database above a MongoDB-wire one of the same size: it holds connection slots of its own', () => {
    expect(databaseCostUsd(DATABASE_COSTS.mongodbWire, 10)).toBe(0.8);
    expect(databaseCostUsd(DATABASE_COSTS.postgresLocal, 10)).toBe(2.32);
  });

  it('grows with the size asked for, never zero', () => {
    for (const model of Object.values(DATABASE_COSTS)) {
      expect(databaseCostUsd(model, 1)).toBeGreaterThan(0);
      expect(databaseCostUsd(model, 100)).toBeGreaterThan(databaseCostUsd(model, 10));
    }
  });
});

// The two bucket alternatives trade price for speed: S3 is cheaper per GB than a provisioned disk, and bills its requests.
describe('bucket cost models', () => {
  it('prices S3 Standard storage and its setup requests, and local disk at gp3', () => {
    // 10 GB × $0.023 + 4 PUT-class requests × $0.000005.
    expect(bucketCostUsd(BUCKET_COSTS.s3Standard, 10)).toBe(0.23002);
    expect(bucketCostUsd(BUCKET_COSTS.localDisk, 10)).toBe(0.8);
  });

  it('grows with the data the bucket is to hold, never zero', () => {
    for (const model of Object.values(BUCKET_COSTS)) {
      expect(bucketCostUsd(model, 1)).toBeGreaterThan(0);
      expect(bucketCostUsd(model, 1000)).toBeGreaterThan(bucketCostUsd(model, 10));
    }
  });
});
