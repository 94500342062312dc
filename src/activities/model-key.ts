import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';

/**
 * The key that authenticates stored models: MOSAIC_MODEL_KEY, or else a key
 * file made once in the data dir (mode 0600). Either way it is not in MongoDB,
 * so write access to the database is not enough to forge a model.
 */
export function modelKey(config: Pick<Config, 'modelKey' | 'dataDir'>): Buffer {
  if (config.modelKey) return Buffer.from(config.modelKey, 'hex');
  const file = path.join(config.dataDir, 'keys', 'model-hmac.key');
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  if (!fs.existsSync(file)) {
    // Written whole under another name, then linked: a worker starting beside this one reads a full key or makes its own link fail.
    const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    fs.writeFileSync(draft, randomBytes(32), { mode: 0o600 });
    try {
      fs.linkSync(draft, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      fs.rmSync(draft, { force: true });
    }
  }
  return fs.readFileSync(file);
}
