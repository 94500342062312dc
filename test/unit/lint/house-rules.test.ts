import path from 'node:path';
import { ESLint } from 'eslint';

// The rules `npm test` holds, shown failing on the violations they exist for: each text below is linted
// as if it were the file named, with the project's own eslint.config.js.
const ROOT = path.resolve(__dirname, '..', '..', '..');
// The config is handed over rather than found: ESLint finds it by dynamic import, which Jest's VM lacks.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const config = require(path.join(ROOT, 'eslint.config.js')) as ESLint.Options['overrideConfig'];
const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: true, overrideConfig: config });

async function violations(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result!.messages.map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

describe('the house rules (eslint.config.js)', () => {
  it('refuses I/O in a pure folder, and the client loading the worker side', async () => {
    expect(
      await violations('src/snapshot/impact.ts', "import fs from 'node:fs';\nexport const read = () => fs.readFileSync('x');\n"),
    ).toEqual([expect.stringMatching(/^@typescript-eslint\/no-restricted-imports: .*pure modules do no I\/O/)]);
    const fromClient = await violations(
      'src/client/negotiation.ts',
      "import { activities } from '../activities';\nimport { personaModel } from '../models/persona';\nexport const x = [activities, personaModel];\n",
    );
    expect(fromClient).toEqual([
      expect.stringMatching(/^boundaries\/dependencies: .*"client" to elements of type "activities"/),
      expect.stringMatching(/^boundaries\/dependencies: .*"client" to elements of type "models"/),
    ]);
  }, 60_000);

  it('refuses the client library loading the CLI or the operator tools built on it', async () => {
    expect(
      await violations(
        'src/client/negotiation.ts',
        "import { print } from '../cli/output';\nimport { runDoctor } from '../operator/doctor';\nexport const x = [print, runDoctor];\n",
      ),
    ).toEqual([
      expect.stringMatching(/^boundaries\/dependencies: .*"client" to elements of type "cli"/),
      expect.stringMatching(/^boundaries\/dependencies: .*"client" to elements of type "operator"/),
    ]);
  }, 60_000);

  it('refuses learning importing composition (the decision model sits below the planner: no cycle)', async () => {
    expect(
      await violations('src/learning/reward.ts', "import { planLevels } from '../composition/plan';\nexport const p = planLevels;\n"),
    ).toEqual([expect.stringMatching(/^@typescript-eslint\/no-restricted-imports: .*learning is below composition/)]);
  }, 60_000);

  it('refuses Node built-ins in workflow code, and un-awaited promises anywhere', async () => {
    expect(
      await violations('src/workflows/negotiate.ts', "import { randomUUID } from 'node:crypto';\nexport const id = randomUUID();\n"),
    ).toEqual([expect.stringMatching(/^@typescript-eslint\/no-restricted-imports: .*deterministic sandbox/)]);
    expect(
      await violations('src/composition/plan.ts', 'async function save(): Promise<void> {}\nexport function run(): void {\n  save();\n}\n'),
    ).toEqual([expect.stringMatching(/^@typescript-eslint\/no-floating-promises: /)]);
  }, 60_000);
});
