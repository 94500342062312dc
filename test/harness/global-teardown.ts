import fs from 'node:fs';
import { stopStack } from '../../src/stack/stack';
import { STACK_DIR_VAR } from './stack-env';

export default async function globalTeardown(): Promise<void> {
  const dataDir = process.env[STACK_DIR_VAR];
  if (!dataDir) return;
  await stopStack(dataDir);
  if (!process.env.MOSAIC_TEST_KEEP_STACK) fs.rmSync(dataDir, { recursive: true, force: true });
}
