import { isDuplicateKey, upsertLosingRace } from '../../../src/models/races';

const duplicate = Object.assign(new Error('E11000 duplicate key error'), { code: 11000 });

describe('an upsert that loses the insert race', () => {
  it('is tried once more and has its effect', async () => {
    let calls = 0;
    const result = await upsertLosingRace(async () => {
      calls++;
      if (calls === 1) throw duplicate;
      return 'updated';
    });
    expect({ result, calls }).toEqual({ result: 'updated', calls: 2 });
  });

  it('fails with any other error at once, and with a second duplicate key', async () => {
    let calls = 0;
    await expect(
      upsertLosingRace(async () => {
        calls++;
        throw new Error('connection closed');
      }),
    ).rejects.toThrow('connection closed');
    expect(calls).toBe(1);
    await expect(
      upsertLosingRace(async () => {
        throw duplicate;
      }),
    ).rejects.toBe(duplicate);
  });

  it('counts a bulk write as a lost race only when every refused row was a duplicate', () => {
    expect(isDuplicateKey({ code: 11000, writeErrors: [{ code: 11000 }, { code: 11000 }] })).toBe(true);
    expect(isDuplicateKey({ code: 11000, writeErrors: [{ code: 11000 }, { code: 121 }] })).toBe(false);
    expect(isDuplicateKey({ code: 11001 })).toBe(false);
    expect(isDuplicateKey(null)).toBe(false);
  });
});
