import fs from 'node:fs';
import path from 'node:path';
import { PdlValidationError } from '../../../src/pdl/errors';
import { yamlTooDeepAt } from '../../../src/depth';
import { parsePolicy } from '../../../src/pdl/parse';

const refusal = (text: string) => {
  try {
    parsePolicy(text);
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a refusal');
};

describe('a policy nested too deep is refused before the YAML parser recurses into it', () => {
  it('refuses flow, block and sequence nesting thousands deep with the line and the fix, not a stack overflow', () => {
    const flow = refusal('name: x\nrules: ' + '['.repeat(20_000) + ']'.repeat(20_000) + '\n');
    const block = refusal('name: x\nrules:\n' + Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i + 1)}a:`).join('\n') + ' 1\n');
    const sequence = refusal('name: x\nrules:\n  ' + '- '.repeat(5000) + 'x\n');
    for (const err of [flow, block, sequence]) {
      expect(err).toBeInstanceOf(PdlValidationError);
      expect(err.message).toMatch(/nested more than 32 levels deep; .*remove the nesting/);
      expect(err.message).not.toMatch(/call stack/);
    }
    expect(flow.message).toMatch(/^line 2, column 1/);
    expect(block.message).toMatch(/^line 34, column 1/);
  });

  it('counts neither brackets in quotes, comments or balanced CEL, nor indentation that steps back', () => {
    const text = [
      'name: p',
      '# [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[ a comment',
      'rules:',
      '  - when: request.tags["env"] == "prod" && request.labels[0] in ["a", "b"]',
      "    note: '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[['",
      '    require: [{ stage: provision, handler: "x@1" }]',
      ...Array.from({ length: 200 }, (_, i) => `  - k${i}: v`),
    ].join('\n');
    expect(yamlTooDeepAt(text)).toBeUndefined();
    expect(yamlTooDeepAt('a:\n' + Array.from({ length: 31 }, (_, i) => `${' '.repeat(i + 1)}a${i}:`).join('\n'))).toBeUndefined();
    expect(yamlTooDeepAt('a:\n' + Array.from({ length: 40 }, (_, i) => `${' '.repeat(i + 1)}a${i}:`).join('\n'))).toBe(33);
  });

  it("skips a block scalar's text, however it is indented, but not lines after an indicator inside a comment", () => {
    const staircase = Array.from({ length: 40 }, (_, i) => `${' '.repeat(i + 3)}step ${i}`).join('\n');
    expect(yamlTooDeepAt(`a: |\n${staircase}\nb: 1`)).toBeUndefined();
    expect(yamlTooDeepAt(`- >- # folded\n${staircase}`)).toBeUndefined();
    const deep = Array.from({ length: 40 }, (_, i) => `${' '.repeat(i + 1)}k${i}:`).join('\n');
    expect(yamlTooDeepAt(`a: x #: |\n${deep}`)).toBe(33);
    // After the block scalar ends, structure counts again.
    expect(yamlTooDeepAt(`a: |\n  text\nb:\n${deep}`)).toBe(35);
  });

  it('accepts every example policy', () => {
    const dir = path.join(__dirname, '../../../examples/policies');
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')))
      expect(yamlTooDeepAt(fs.readFileSync(path.join(dir, file), 'utf8'))).toBeUndefined();
  });
});
