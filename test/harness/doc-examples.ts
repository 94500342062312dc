import fs from 'node:fs';
import path from 'node:path';

/**
 * Runnable examples in docs/*.md are fenced ```console blocks: `$ command`
 * lines, each followed by what it prints. In the expected text `…` stands for
 * any characters within a line, and a line that is only `…` for any number of
 * lines (ids, paths and times differ from run to run).
 */
export interface DocExample {
  file: string;
  line: number;
  command: string;
  expected: string[];
}

export function docExamples(dir: string): DocExample[] {
  const examples: DocExample[] = [];
  for (const file of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .sort()) {
    const lines = fs.readFileSync(path.join(dir, file), 'utf8').split('\n');
    let inBlock = false;
    let current: DocExample | undefined;
    lines.forEach((text, i) => {
      if (!inBlock && text.trim() === '```console') inBlock = true;
      else if (inBlock && text.trim() === '```') {
        inBlock = false;
        current = undefined;
      } else if (inBlock && text.startsWith('$ ')) {
        current = { file, line: i + 1, command: text.slice(2), expected: [] };
        examples.push(current);
      } else if (inBlock && current) current.expected.push(text);
    });
  }
  return examples;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The expected text as one regular expression over the whole output. */
export function expectedPattern(expected: string[]): RegExp {
  const parts = expected.map((line) =>
    line.trim() === '…' ? '(?:[^\\n]*\\n)*?' : `${line.split('…').map(escape).join('[^\\n]*')}[ \\t]*\\n`,
  );
  return new RegExp(`^${parts.join('')}$`);
}

export function matches(expected: string[], actual: string): boolean {
  const text = actual.endsWith('\n') || actual === '' ? actual : `${actual}\n`;
  return expectedPattern(expected).test(text);
}
