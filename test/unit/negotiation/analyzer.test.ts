import { trainedTextModel } from '../../../src/activities/text-model-store';
import { loadConfig } from '../../../src/config';
import corpus from '../../../src/negotiation/data/workload-corpus.json';
import { analyse } from '../../../src/negotiation/analyzer';
import { BUILTIN_PERSONAS } from '../../../src/negotiation/builtin-personas';
import { profileFromStructured } from '../../../src/negotiation/capacity';
import { tokens, type LabelledDescription, type TextModel } from '../../../src/negotiation/text-model';

const examples = corpus.examples as unknown as LabelledDescription[];

describe('workload analyzer', () => {
  let model: TextModel;
  const held = examples.filter((_, i) => i % 5 === 0);

  beforeAll(async () => {
    // Trained on four fifths of the shipped corpus, judged on the rest; trained once per machine, as a worker
    // does, and then read from the cache dir (text-model-store.test.ts shows it reads back the same model).
    model = await trainedTextModel(
      examples.filter((_, i) => i % 5 !== 0),
      loadConfig().cacheDir,
    );
  }, 60_000);
  afterAll(() => model.dispose());

  it('ships a corpus of a few hundred distinct labelled descriptions covering every role', () => {
    expect(examples.length).toBeGreaterThanOrEqual(400);
    expect(new Set(examples.map((e) => e.text)).size).toBe(examples.length);
    expect(new Set(examples.map((e) => e.role)).size).toBe(6);
  });

  it('reads the role of held-out descriptions and their size within a small factor', () => {
    const right = held.filter((e) => model.predict(e.text).role === e.role).length;
    expect(right / held.length).toBeGreaterThan(0.9);
    // Median error of the CPU peak, as a factor: the scale words carry a range of ~×7, so ×3 is the honest bar.
    const factors = held
      .map((e) => {
        const p = model.predict(e.text).profile.cpu.peak + 0.01;
        const t = e.profile.cpu.peak + 0.01;
        return Math.max(p / t, t / p);
      })
      .sort((a, b) => a - b);
    expect(factors[Math.floor(factors.length / 2)]).toBeLessThan(3);
  });

  it('reads sizes: a large shop needs more than a tiny one', () => {
    const tiny = model.predict('run a tiny online shop').profile.cpu.peak;
    const large = model.predict('run a large online shop').profile.cpu.peak;
    expect(large).toBeGreaterThan(tiny * 3);
  });

  it('is confident on familiar prose and widens the headroom when it is not', () => {
    const sure = analyse({ kind: 'text', text: 'run a medium-sized e-commerce website with a nightly report' }, undefined, model);
    expect(sure.role).toBe('web-server');
    expect(sure.uncertain).toBe(false);
    expect(sure.headroom).toBe(1.3);
    const unsure = analyse({ kind: 'text', text: 'blorp the zanzibar quickly' }, undefined, model);
    expect(unsure.confidence).toBeLessThan(0.6);
    expect(unsure.uncertain).toBe(true);
    expect(unsure.headroom).toBe(1.6);
    expect(unsure.notes.join(' ')).toMatch(/estimate uncertain .* headroom widened from ×1.3 to ×1.6/);
  });

  it('turns numbers into sizes with the capacity formulas, certain, with a base persona as the floor', () => {
    const workload = { role: 'database' as const, requestsPerSecond: 50 };
    const plain = analyse(
      { kind: 'structured', workload: { ...workload, peakFactor: 3, payloadKb: 16, datasetGb: 10, readRatio: 0.8, concurrency: 50 } },
      undefined,
      undefined,
    );
    expect(plain).toMatchObject({
      method: 'formulas',
      confidence: 1,
      uncertain: false,
      role: 'database',
      persona: { name: 'oltp-database' },
    });
    expect(plain.profile).toEqual(profileFromStructured(workload));
    const base = { ...BUILTIN_PERSONAS.find((p) => p.name === 'oltp-database')!, version: 2 };
    const floored = analyse(
      { kind: 'structured', workload: { ...workload, peakFactor: 3, payloadKb: 16, datasetGb: 10, readRatio: 0.8, concurrency: 50 } },
      base,
      undefined,
    );
    expect(floored.profile.memoryGb.peak).toBeGreaterThanOrEqual(28);
    expect(floored.persona).toEqual({ name: 'oltp-database', version: 2 });
  });

  it('counts orders of magnitude, not digits', () => {
    expect(tokens('about 2000 users, 35 GB')).toEqual(['about', '#3', 'users', '#1', 'gb']);
  });
});
