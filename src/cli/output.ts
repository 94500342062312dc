/** Output shared by every command: human tables by default, one JSON document with --json. */
export interface OutputOptions {
  json?: boolean;
}

export function table<T extends object>(items: T[], columns?: string[]): string {
  if (items.length === 0) return '(none)';
  const rows = items as Record<string, unknown>[];
  const cols = columns ?? Object.keys(rows[0]!);
  const cell = (v: unknown): string =>
    v === undefined || v === null ? '' : Array.isArray(v) ? v.map(cell).join(', ') : typeof v === 'object' ? JSON.stringify(v) : String(v);
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(cols.map((c) => c.toUpperCase())), ...rows.map((r) => line(cols.map((c) => cell(r[c]))))].join('\n');
}

export function print(opts: OutputOptions, data: unknown, human: () => string): void {
  process.stdout.write(opts.json ? `${JSON.stringify(data, null, 2)}\n` : `${human()}\n`);
}

/** Progress goes to stderr so `--json` output stays parseable. */
export function progress(opts: OutputOptions & { quiet?: boolean }) {
  return (message: string) => {
    if (!opts.quiet) process.stderr.write(`${opts.json ? '' : '› '}${message}\n`);
  };
}
