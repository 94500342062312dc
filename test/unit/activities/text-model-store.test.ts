import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { trainedTextModel } from '../../../src/activities/text-model-store';
import corpus from '../../../src/negotiation/data/workload-corpus.json';
import { TextModel, type LabelledDescription } from '../../../src/negotiation/text-model';

// A small corpus and few epochs: what is shown is the store, not the model's quality (analyzer.test.ts).
const examples = (corpus.examples as unknown as LabelledDescription[]).filter((_, i) => i % 8 === 0);
const opts = { epochs: 3 };
const texts = ['run a tiny online shop', 'a nightly batch job over 2 TB of logs', 'blorp the zanzibar quickly'];

describe('trained text models in the cache dir', () => {
  let cacheDir: string;
  beforeEach(() => {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-text-models-'));
  });
  afterEach(() => {
    jest.restoreAllMocks();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });
  const stored = () => fs.readdirSync(path.join(cacheDir, 'text-models'));

  it('trains once and reads back a model that predicts exactly as the trained one', async () => {
    const train = jest.spyOn(TextModel, 'train');
    const trained = await trainedTextModel(examples, cacheDir, opts);
    const read = await trainedTextModel(examples, cacheDir, opts);
    try {
      expect(train).toHaveBeenCalledTimes(1);
      expect(stored()).toHaveLength(1);
      expect(texts.map((t) => read.predict(t))).toEqual(texts.map((t) => trained.predict(t)));
      expect(read.examples).toBe(examples.length);
    } finally {
      trained.dispose();
      read.dispose();
    }
  }, 60_000);

  it('trains again for other examples or other settings, and over a file it cannot read', async () => {
    const train = jest.spyOn(TextModel, 'train');
    const models = [
      await trainedTextModel(examples, cacheDir, opts),
      await trainedTextModel(examples.slice(1), cacheDir, opts),
      await trainedTextModel(examples, cacheDir, { ...opts, seed: 8 }),
    ];
    expect(train).toHaveBeenCalledTimes(3);
    expect(stored()).toHaveLength(3);
    for (const file of stored()) fs.writeFileSync(path.join(cacheDir, 'text-models', file), '{"vocabulary": [');
    models.push(await trainedTextModel(examples, cacheDir, opts));
    expect(train).toHaveBeenCalledTimes(4);
    for (const m of models) m.dispose();
  }, 60_000);
});
