import fs from 'node:fs';
import path from 'node:path';
import { keyIdOf } from '../security/keys';
import { pemBlocks } from '../security/root-keys';

/** The root keys a file holds now (none when there is no file). */
export const rootKeysIn = (file: string): string[] => (fs.existsSync(file) ? pemBlocks(fs.readFileSync(file, 'utf8')) : []);

/** Adds a root key to the file (made mode 0644 in a 0700 directory); false when it is there already. */
export function addRootKey(file: string, publicKeyPem: string): boolean {
  const keyId = keyIdOf(publicKeyPem);
  const present = rootKeysIn(file);
  if (present.some((pem) => keyIdOf(pem) === keyId)) return false;
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.appendFileSync(file, pemBlocks(publicKeyPem)[0] ?? publicKeyPem, { mode: 0o644 });
  return true;
}
