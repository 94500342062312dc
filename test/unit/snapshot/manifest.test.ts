import fs from 'node:fs';
import path from 'node:path';
import { ManifestInvalid } from '../../../src/snapshot/errors';
import { manifestJsonSchema, parseManifest } from '../../../src/snapshot/manifest';
import { parseBytes, parseCpu } from '../../../src/snapshot/units';

// The source specification's example, verbatim.
const SPEC_EXAMPLE = `{
  "name": "Custom Environment",
  "description": "A blended environment for testing",
  "sources": [
    {
      "type": "template",
      "id": "template_a",
      "priority": 1,
      "tags": ["web", "database"]
    },
    {
      "type": "live",
      "host": "production_server_1",
      "path": "/var/app",
      "priority": 2,
      "tags": ["data", "logging"]
    },
    {
      "type": "template",
      "id": "template_b",
      "priority": 0,
      "tags": ["analytics", "reporting"]
    }
  ],
  "conflict_resolution": "AI_AGENT",
  "resource_limits": {
    "cpu": "8 cores",
    "memory": "32GB",
    "disk": "500GB"
  }
}`;

const invalid = (input: unknown) => {
  try {
    parseManifest(input);
  } catch (err) {
    expect(err).toBeInstanceOf(ManifestInvalid);
    return (err as ManifestInvalid).message;
  }
  throw new Error('expected ManifestInvalid');
};

describe('the snapshot manifest', () => {
  it("validates the specification's example exactly as written", () => {
    const m = parseManifest(JSON.parse(SPEC_EXAMPLE));
    expect(m.strategy).toBe('AI_AGENT');
    expect(m.limits).toEqual({ cpu: 8, memory: 32e9, disk: 500e9 });
    expect(m.sources.map((s) => [s.label, s.type, s.priority, s.index])).toEqual([
      ['template_a', 'template', 1, 0],
      ['production_server_1', 'live', 2, 1],
      ['template_b', 'template', 0, 2],
    ]);
    expect(m.sources[1]).toMatchObject({ host: 'production_server_1', path: '/var/app', tags: ['data', 'logging'] });
  });

  it('is the example shipped in examples/snapshots', () => {
    const shipped = fs.readFileSync(path.resolve(__dirname, '../../../examples/snapshots/custom-environment.json'), 'utf8');
    expect(JSON.parse(shipped)).toEqual(JSON.parse(SPEC_EXAMPLE));
  });

  it('accepts PRIORITY, FIRST_WIN and LAST_WIN', () => {
    for (const strategy of ['PRIORITY', 'FIRST_WIN', 'LAST_WIN']) {
      expect(parseManifest({ ...JSON.parse(SPEC_EXAMPLE), conflict_resolution: strategy }).strategy).toBe(strategy);
    }
  });

  it.each([
    ['8 cores', 8],
    ['1 core', 1],
    ['2 vCPU', 2],
    ['0.5', 0.5],
    ['500m', 0.5],
  ])('reads cpu %s as %d cores', (text, cores) => expect(parseCpu(text)).toBe(cores));

  it.each([
    ['32GB', 32e9],
    ['512MiB', 512 * 2 ** 20],
    ['1.5 TB', 1.5e12],
    ['2GiB', 2 * 2 ** 30],
    ['100B', 100],
  ])('reads %s as %d bytes', (text, bytes) => expect(parseBytes(text)).toBe(bytes));

  it.each(['32G', '32gb', '32Mb', '32MIB', 'lots', '-1GB', '1e3GB'])('refuses the byte size %s', (text) =>
    expect(parseBytes(text)).toBeUndefined(),
  );

  it('names the field and the accepted forms for a bad unit', () => {
    const message = invalid({ ...JSON.parse(SPEC_EXAMPLE), resource_limits: { memory: '32 gigs' } });
    expect(message).toMatch(/^resource_limits\.memory: expected .*"32GB" or "512MiB"/);
    expect(invalid({ ...JSON.parse(SPEC_EXAMPLE), resource_limits: { cpu: '8 CPUs please' } })).toMatch(
      /^resource_limits\.cpu: expected .*"8 cores"/,
    );
  });

  it('names the source and the field for bad sources', () => {
    const m = JSON.parse(SPEC_EXAMPLE);
    expect(invalid({ ...m, sources: [{ type: 'live', host: 'h1' }] })).toMatch(/^sources\[0\]\.path: /);
    expect(invalid({ ...m, sources: [{ type: 'template', id: 'a', priority: 1.5 }] })).toMatch(
      /^sources\[0\]\.priority: expected an integer/,
    );
    expect(invalid({ ...m, sources: [{ type: 'bucket', id: 'a' }] })).toMatch(/^sources\[0\]\.type: expected type "template"/);
    expect(
      invalid({
        ...m,
        sources: [
          { type: 'template', id: 'a' },
          { type: 'template', id: 'a' },
        ],
      }),
    ).toBe('sources[1]: repeats sources[0]; name each source once');
    expect(invalid({ ...m, conflict_resolution: 'RANDOM' })).toMatch(
      /^conflict_resolution: expected one of AI_AGENT, LAST_WIN, FIRST_WIN, PRIORITY/,
    );
    expect(invalid({ ...m, sourcez: [] })).toMatch(/unknown field sourcez/);
  });

  it('publishes the JSON Schema the zod schema generates (run `npx tsx scripts/gen-snapshot-schema.ts` after changing it)', () => {
    const published = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../docs/schema/snapshot-manifest.schema.json'), 'utf8'));
    expect(published).toEqual(manifestJsonSchema());
    expect(published.additionalProperties).toBe(false);
  });
});
