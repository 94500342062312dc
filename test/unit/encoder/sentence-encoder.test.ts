import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../src/config';
import { ENCODER, EncoderNotInstalled, encoderDirOf, readEncoderFiles } from '../../../src/encoder/model-files';
import { Likeness, whatItIs } from '../../../src/encoder/likeness';
import { SemanticKinds } from '../../../src/encoder/semantic-kinds';
import { SentenceEncoder } from '../../../src/encoder/sentence-encoder';
import { encodeText, vocabularyOf } from '../../../src/negotiation/encoder/wordpiece';
import { ROLE_OF } from '../../../src/negotiation/workload/kinds';
import { analyzeDescription } from '../../../src/negotiation/workload/analyze';

// The model npm run setup installs from PyPI, as the worker and the CLI load it.
const cacheDir = loadConfig().cacheDir;
const dir = encoderDirOf(cacheDir);
const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i]!, 0);

describe('the sentence encoder (all-MiniLM-L6-v2)', () => {
  let encoder: SentenceEncoder;
  beforeAll(async () => {
    encoder = await SentenceEncoder.load(dir);
  });
  afterAll(() => encoder?.close());

  it("cuts text into the same token ids as the model's own tokenizer (HuggingFace tokenizers 0.23)", () => {
    const vocabulary = vocabularyOf(readEncoderFiles(dir).vocabulary);
    const ids = (t: string) => encodeText(t, vocabulary, ENCODER.maxTokens);
    expect(ids('PostgreSQL 15 primary, 2 TB of data, ~3000 tps!')).toEqual([
      101, 2695, 17603, 2015, 4160, 2140, 2321, 3078, 1010, 1016, 26419, 1997, 2951, 1010, 1066, 11910, 1056, 4523, 999, 102,
    ]);
    expect(ids('k8s etcd: 3 nodes; p99<10ms @ 5k req/s')).toEqual([
      101, 1047, 2620, 2015, 4385, 2094, 1024, 1017, 14164, 1025, 1052, 2683, 2683, 1026, 2184, 5244, 1030, 1019, 2243, 2128, 4160, 1013,
      1055, 102,
    ]);
    expect(ids("Café résumé naïve — Zürich's élan")).toEqual([101, 7668, 13746, 15743, 1517, 10204, 1005, 1055, 3449, 2319, 102]);
  });

  it("gives the similarities sentence-transformers' documentation prints for this model", async () => {
    const [weather, sunny, stadium] = await encoder.embed([
      'The weather is lovely today.',
      "It's so sunny outside!",
      'He drove to the stadium.',
    ]);
    expect(cosine(weather!, sunny!)).toBeCloseTo(0.666, 3);
    expect(cosine(weather!, stadium!)).toBeCloseTo(0.1046, 3);
    expect(cosine(sunny!, stadium!)).toBeCloseTo(0.1411, 3);
    expect(Math.hypot(...weather!)).toBeCloseTo(1, 5);
  });

  it('embeds a text of any length within its bound, and an empty one', async () => {
    const [long, empty] = await encoder.embed(['orders database '.repeat(2000), '']);
    expect(long).toHaveLength(384);
    expect(empty!.every(Number.isFinite)).toBe(true);
  });
});

describe('a model that is not there, or not the model', () => {
  it('is refused by name with the command that installs it', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'mosaic-encoder-'));
    await expect(SentenceEncoder.load(empty)).rejects.toThrow(EncoderNotInstalled);
    await expect(SentenceEncoder.load(empty)).rejects.toThrow(/is not installed in .*: run npm run setup/);
  });

  it("is refused when the weights are not the pinned model's", async () => {
    const other = mkdtempSync(path.join(os.tmpdir(), 'mosaic-encoder-'));
    copyFileSync(path.join(dir, ENCODER.vocabulary), path.join(other, ENCODER.vocabulary));
    writeFileSync(path.join(other, ENCODER.weights), Buffer.alloc(1024));
    await expect(SentenceEncoder.load(other)).rejects.toThrow(/is not all-MiniLM-L6-v2's weights .*: delete .* and run npm run setup/);
  });
});

describe('what a description of no kind the rules know reads like', () => {
  let kinds: SemanticKinds;
  beforeAll(async () => {
    kinds = await SemanticKinds.load(cacheDir);
  });
  afterAll(() => kinds?.close());

  // Written for this test, in words that name no product: the rules place none of them.
  it.each([
    ['somewhere to put the customer orders and invoices', 'database'],
    ['keep a copy of every laptop each night for ninety days', 'file-store'],
    ['something that remembers which users are logged in', 'cache'],
    ['slice and dice the sales history for the finance people', 'analytics'],
    ['the app that phones talk to', 'web-server'],
  ])('"%s" reads like a %s', async (text, role) => {
    expect(analyzeDescription(text).kind).toBe('unknown');
    const guess = await kinds.guess(text);
    expect(guess && ROLE_OF[guess.kind]).toBe(role);
  });

  it.each([
    'bake a chocolate cake for the party',
    'my cat sleeps on the keyboard',
    'provision whatever Dave needs for his thing',
    // Infrastructure none of the kinds sizes: a kind borrowed for it would size the wrong thing.
    'a WireGuard endpoint so staff working from home can reach the office network',
    'the SMTP server our apps hand their password-reset emails to',
    'a jump box for the on-call engineers to get into production',
  ])('"%s" reads like no kind of workload', async (text) => {
    expect(await kinds.guess(text)).toBeUndefined();
  });
});

describe('what the encoder is asked to compare', () => {
  it('is the description without the quantities the analyzer read, so a size does not pull it towards the storage kinds', () => {
    const text = 'somewhere to put the customer orders and invoices, about 200 GB, 50 writes/s';
    expect(whatItIs(text, analyzeDescription(text))).toBe('somewhere to put the customer orders and invoices, about');
    expect(whatItIs('200 GB', analyzeDescription('200 GB'))).toBe('200 GB');
    // Numbers people write in short ("20k"), and totals read from their parts, are taken out too.
    const sync = 'field app sync for 20k devices, each syncing 5 MB a day';
    expect(whatItIs(sync, analyzeDescription(sync))).toBe('field app sync for, each syncing');
    const vms = 'nightly copies of 12 VMs (around 150 GB each)';
    expect(whatItIs(vms, analyzeDescription(vms))).toBe('nightly copies of (around each)');
  });
});

describe('an encoder whose thread ends', () => {
  it('fails the embedding in flight by name, and the analyzer goes on without it and starts a new one next time', async () => {
    const said: string[] = [];
    const likeness = new Likeness(cacheDir, (reason) => said.push(reason));
    const text = 'somewhere to put the customer orders and invoices';
    expect((await likeness.of(text))?.kind).toBe('relational-database');
    // The thread killed from outside, as an out-of-memory kill would.
    await (likeness as unknown as { loading: Promise<{ close(): Promise<void> }> }).loading.then((k) => k.close());
    expect(await likeness.of(text)).toBeUndefined();
    expect(said).toEqual([expect.stringMatching(/thread ended/)]);
    expect((await likeness.of(text))?.kind).toBe('relational-database');
    await likeness.close();
  });
});
