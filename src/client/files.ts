import fs from 'node:fs';

/**
 * The most the CLI reads from a file named on the command line. Temporal
 * refuses a payload over 2 MiB anyway; a larger manifest, policy or request
 * is a mistake (or /dev/zero), found here before it fills the CLI's memory.
 */
export const MAX_INPUT_FILE_BYTES = 2 * 1024 * 1024;

/** Why a named file was not read; the message names the file and the fix. */
export class InputFileRefused extends Error {
  readonly type = 'InputFileRefused';
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'InputFileRefused';
  }
}

const kindOf = (s: fs.Stats) =>
  s.isDirectory()
    ? 'a directory'
    : s.isCharacterDevice() || s.isBlockDevice()
      ? 'a device'
      : s.isFIFO()
        ? 'a pipe'
        : s.isSocket()
          ? 'a socket'
          : 'not a regular file';

/**
 * A regular file of at most `limit` bytes, as UTF-8 text. Devices, pipes,
 * sockets and directories are refused before a byte is read (a FIFO is
 * opened non-blocking so the refusal cannot hang); a file larger than the
 * limit, or one that grows past it while read, is refused by its size.
 */
export function readBoundedFile(file: string, limit = MAX_INPUT_FILE_BYTES): string {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputFileRefused(file, code === 'ENOENT' ? 'no such file' : `cannot open it (${code ?? 'error'})`);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new InputFileRefused(file, `${kindOf(stat)}; give a regular file of at most ${limit} bytes`);
    if (stat.size > limit) throw new InputFileRefused(file, `${stat.size} bytes, more than the ${limit} bytes Mosaic reads from a file`);
    const buffer = Buffer.alloc(limit + 1);
    let length = 0;
    for (let n = -1; n !== 0 && length <= limit; length += n) n = fs.readSync(fd, buffer, length, limit + 1 - length, null);
    if (length > limit) throw new InputFileRefused(file, `it grew past the ${limit} bytes Mosaic reads from a file while it was read`);
    return buffer.subarray(0, length).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}
