import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { settings } from '../../src/config';

const compose = parse(fs.readFileSync(path.resolve(__dirname, '../../docker/compose.yaml'), 'utf8')) as {
  services: Record<string, { environment?: Record<string, string>; healthcheck?: unknown; depends_on?: Record<string, { condition: string }> }>;
};

describe('docker/compose.yaml', () => {
  it('runs the production-shaped stack with health checks', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      ['mongo', 'mosaic-worker', 'postgresql', 'temporal', 'temporal-search-attributes', 'temporal-ui'].sort(),
    );
    for (const name of ['postgresql', 'temporal', 'mongo']) expect(compose.services[name]!.healthcheck).toBeDefined();
  });

  it('configures the worker only with settings that src/config.ts knows', () => {
    const env = Object.keys(compose.services['mosaic-worker']!.environment ?? {});
    expect(env.length).toBeGreaterThan(0);
    expect(env.filter((k) => !(k in settings))).toEqual([]);
  });

  it('starts the worker after the search attributes exist and MongoDB is healthy', () => {
    expect(compose.services['mosaic-worker']!.depends_on).toEqual({
      'temporal-search-attributes': { condition: 'service_completed_successfully' },
      mongo: { condition: 'service_healthy' },
    });
  });
});
