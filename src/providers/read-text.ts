import fs from 'node:fs';

/** A file's text, or '' when it cannot be read: /proc and cgroup files of a process that has gone, a file not written yet. */
export function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
