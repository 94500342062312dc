import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addHistory, recordedHistories } from '../../harness/histories';

// Replay fixtures accumulate: re-recording a scenario after a workflow change
// must leave the history of the old code in place, or replay stops covering it.
describe('recorded histories', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-histories-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('adds a file for a name recorded again and never overwrites the old one', () => {
    const first = addHistory(dir, 'composeResource', 'compensated', 'old code\n');
    const second = addHistory(dir, 'composeResource', 'compensated', 'new code\n');
    const third = addHistory(dir, 'composeResource', 'compensated', 'newer code\n');

    expect([first, second, third].map((f) => path.basename(f))).toEqual([
      'composeResource.compensated.json',
      'composeResource.compensated.2.json',
      'composeResource.compensated.3.json',
    ]);
    expect(fs.readFileSync(first, 'utf8')).toBe('old code\n');
  });

  it('replays every recording, each under its workflow type', () => {
    addHistory(dir, 'healthCheck', 'passed', '{}\n');
    addHistory(dir, 'healthCheck', 'passed', '{}\n');
    addHistory(dir, 'negotiateInstance', 'agreed-observation-ended', '{}\n');

    expect(recordedHistories(dir).map(({ workflowType, file }) => [workflowType, path.basename(file)])).toEqual([
      ['healthCheck', 'healthCheck.passed.2.json'],
      ['healthCheck', 'healthCheck.passed.json'],
      ['negotiateInstance', 'negotiateInstance.agreed-observation-ended.json'],
    ]);
  });
});
