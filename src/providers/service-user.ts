import fs from 'node:fs';
import path from 'node:path';
import { readText } from './read-text';

/**
 * The unprivileged account every service Mosaic starts runs as: a system
 * user with no login shell and no home (scripts/create-service-user.sh makes
 * it). A service command comes from a request, so it must not be able to
 * read what the worker can: the data directory's keys, secrets and token
 * files are the worker's, mode 0600 or in 0700 directories.
 */
export const SERVICE_USER = 'mosaic-svc';

/** Who services run as on this worker, and why, in words a person reads in `mosaic doctor` and a service's status. */
export type ServiceIdentity =
  | { runsAs: 'service-user'; name: string; uid: number; gid: number; label: string; detail: string }
  | { runsAs: 'worker'; label: string; detail: string };

/** The uid and gid of `name` in passwd(5) text, or undefined when it has no entry. */
export function passwdEntry(text: string, name: string): { uid: number; gid: number } | undefined {
  for (const line of text.split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name && uid !== undefined && gid !== undefined) return { uid: Number(uid), gid: Number(gid) };
  }
  return undefined;
}

/**
 * The service user when the worker can switch to it (it is root and the user
 * exists), else the worker itself with the reason: a worker that is not root
 * cannot change a child's uid, so its services run as its own user.
 */
export function serviceIdentity(
  workerUid: number | undefined = process.getuid?.(),
  passwd: string = readText('/etc/passwd'),
): ServiceIdentity {
  if (workerUid !== 0)
    return {
      runsAs: 'worker',
      label: `uid ${workerUid ?? 'unknown'} (the worker's)`,
      detail: `services run as the worker's own user (uid ${workerUid ?? 'unknown'}): only a worker running as root can start them as ${SERVICE_USER}`,
    };
  const entry = passwdEntry(passwd, SERVICE_USER);
  if (!entry)
    return {
      runsAs: 'worker',
      label: `root (the worker's: no ${SERVICE_USER})`,
      detail: `services run as root, the worker's user: the user ${SERVICE_USER} does not exist; create it with scripts/setup.sh (or scripts/create-service-user.sh)`,
    };
  if (entry.uid === 0)
    return {
      runsAs: 'worker',
      label: `root (the worker's: ${SERVICE_USER} has uid 0)`,
      detail: `services run as root: the user ${SERVICE_USER} has uid 0; give it a uid of its own`,
    };
  return {
    runsAs: 'service-user',
    name: SERVICE_USER,
    ...entry,
    label: SERVICE_USER,
    detail: `services run as ${SERVICE_USER} (uid ${entry.uid}, gid ${entry.gid})`,
  };
}

/** What spawn needs to start a process as the service user; nothing when services run as the worker. */
export const spawnUser = (id: ServiceIdentity) => (id.runsAs === 'service-user' ? { uid: id.uid, gid: id.gid } : undefined);

/**
 * Gives a service's working tree to the service user, so it reads and writes
 * its own files. Links are re-owned, never followed (lchown, and no descent
 * into a linked directory): a link planted in the tree must not hand over
 * the file it points at. The directories above stay the worker's (0700):
 * the service reaches its tree through its working directory, set before it
 * drops to its user, and cannot walk up into the data directory.
 */
export function handOver(dir: string, id: ServiceIdentity): void {
  if (id.runsAs !== 'service-user' || !fs.existsSync(dir)) return;
  const walk = (p: string) => {
    fs.lchownSync(p, id.uid, id.gid);
    for (const e of fs.readdirSync(p, { withFileTypes: true })) {
      const child = path.join(p, e.name);
      if (e.isDirectory()) walk(child);
      else fs.lchownSync(child, id.uid, id.gid);
    }
  };
  walk(dir);
}
