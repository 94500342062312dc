import { DATABASE_COSTS, databaseCostUsd } from '../../../src/handlers/cost';

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
