// Rules the tools hold (issue 17): type-aware typescript-eslint, the Temporal
// samples' workflow rules, and the layering of DESIGN.md as a boundary check.
// `npm run lint` runs it with a cache under node_modules/.cache, so a second
// run only re-lints what changed.
'use strict';
const { builtinModules } = require('node:module');
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const boundaries = require('eslint-plugin-boundaries');
const prettier = require('eslint-config-prettier');

/** Folders where the thinking lives: no network, database, clock or randomness but what is passed in (DESIGN.md). */
const PURE = ['pdl', 'learning', 'composition', 'snapshot', 'negotiation', 'security', 'handlers'];
/** Shared pure helpers at the top of src/. */
const PURE_FILES = ['depth', 'quote', 'random', 'service-command'];

/** Packages that do I/O: a pure module that imports one is doing I/O in disguise. */
const IO_PACKAGES = ['mongoose', '@aws-sdk/*', '@temporalio/client', '@temporalio/worker', '@temporalio/activity', 'pino', 'prom-client'];
const IO_BUILTINS = [
  'fs',
  'fs/promises',
  'net',
  'http',
  'https',
  'http2',
  'dgram',
  'dns',
  'child_process',
  'cluster',
  'worker_threads',
  'tls',
];
const nodeNames = (names) => names.flatMap((m) => [m, `node:${m}`]);
const PURE_MESSAGE = 'pure modules do no I/O: move this to an activity or a provider';
/** The import rule of pure folders: no I/O, and what a folder adds (`more`: no-restricted-imports patterns). */
const pureImports = (...more) => [
  'error',
  {
    paths: nodeNames(IO_BUILTINS).map((name) => ({ name, message: PURE_MESSAGE })),
    patterns: [{ group: IO_PACKAGES, message: PURE_MESSAGE, allowTypeImports: true }, ...more],
  },
];

/** Where the handlers' scripts run: worker threads and the QuickJS wasm, so I/O by nature, beside the pure handler code. */
const SANDBOX = 'src/handlers/sandbox/**';

/** The sentence encoder's thread and model files (src/negotiation/encoder holds its pure parts: tokenizer, network, nearest kind). */
const ENCODER = 'src/encoder/**';

const elements = [
  { type: 'contract', pattern: 'src/contract/**', partialMatch: false },
  { type: 'sandbox', pattern: SANDBOX, partialMatch: false },
  { type: 'encoder', pattern: ENCODER, partialMatch: false },
  // Starting a worker thread from a source checkout or a build: the sandbox's and the encoder's.
  { type: 'threads', pattern: 'src/thread-entry.ts', mode: 'file' },
  { type: 'pure', pattern: PURE.map((f) => `src/${f}/**`), partialMatch: false },
  // `mode: 'file'` is what classifies a single file here; the plugin marks it deprecated in favour of a
  // matcher that did not classify these files in 6.x (tried: every one became an unknown file).
  { type: 'pure', pattern: PURE_FILES.map((f) => `src/${f}.ts`), mode: 'file' },
  { type: 'workflows', pattern: 'src/workflows/**', partialMatch: false },
  { type: 'activities', pattern: 'src/activities/**', partialMatch: false },
  { type: 'models', pattern: 'src/models/**', partialMatch: false },
  { type: 'providers', pattern: 'src/providers/**', partialMatch: false },
  { type: 'stack', pattern: 'src/stack/**', partialMatch: false },
  { type: 'observability', pattern: 'src/observability/**', partialMatch: false },
  { type: 'config', pattern: ['src/config.ts', 'src/logger.ts'], mode: 'file' },
  { type: 'worker', pattern: 'src/worker.ts', mode: 'file' },
  { type: 'client', pattern: 'src/client/**', partialMatch: false },
  { type: 'cli', pattern: 'src/cli/**', partialMatch: false },
  { type: 'operator', pattern: 'src/operator/**', partialMatch: false },
];

const to = (...types) => ({ to: { element: { type: types } } });
const typesOnly = (...types) => ({ ...to(...types), dependency: { kind: 'type' } });

/** Who may import whom; anything not listed is refused. */
const policies = [
  // Pure code imports pure code, and types (erased: no I/O) of a setting or a resource it is handed.
  { from: { element: { type: 'pure' } }, allow: to('pure') },
  { from: { element: { type: 'pure' } }, allow: typesOnly('config', 'providers') },
  { from: { element: { type: 'sandbox' } }, allow: to('sandbox', 'pure', 'config', 'threads') },
  { from: { element: { type: 'encoder' } }, allow: to('encoder', 'pure', 'threads') },
  // The contract is what the client and the workflows share: values from pure code only, types from the worker side.
  { from: { element: { type: 'contract' } }, allow: to('contract', 'pure') },
  { from: { element: { type: 'contract' } }, allow: typesOnly('activities', 'models', 'providers') },
  // Workflows are deterministic: contracts and pure helpers, and the *types* of what they call.
  { from: { element: { type: 'workflows' } }, allow: to('workflows', 'contract', 'pure') },
  { from: { element: { type: 'workflows' } }, allow: typesOnly('activities', 'models', 'providers') },
  // The worker side: activities over models and providers; never the client or workflow code.
  {
    from: { element: { type: 'activities' } },
    allow: to('activities', 'models', 'providers', 'contract', 'pure', 'sandbox', 'encoder', 'config', 'observability'),
  },
  { from: { element: { type: 'activities' } }, allow: typesOnly('workflows') },
  { from: { element: { type: 'models' } }, allow: to('models', 'contract', 'pure', 'config') },
  { from: { element: { type: 'models' } }, allow: typesOnly('providers') },
  { from: { element: { type: 'providers' } }, allow: to('providers', 'models', 'contract', 'pure', 'config', 'observability', 'stack') },
  { from: { element: { type: 'stack' } }, allow: to('stack', 'contract', 'pure', 'config') },
  { from: { element: { type: 'observability' } }, allow: to('observability', 'stack', 'pure', 'config') },
  { from: { element: { type: 'config' } }, allow: to('config', 'observability', 'pure') },
  {
    from: { element: { type: 'worker' } },
    allow: to('activities', 'models', 'providers', 'contract', 'pure', 'sandbox', 'config', 'observability', 'stack', 'client'),
  },
  // The client library (what another service imports) talks to Temporal through the contract; it never
  // loads the worker, activities, models or providers, nor the CLI or the operator tools built on it.
  { from: { element: { type: 'client' } }, allow: to('client', 'contract', 'pure', 'config') },
  // The operator tools (demo, doctor, console, codec server) are clients too, with the local stack beside them.
  { from: { element: { type: 'operator' } }, allow: to('operator', 'client', 'contract', 'pure', 'config', 'stack') },
  // The CLI is the outermost layer: commands over the library and the operator tools.
  {
    from: { element: { type: 'cli' } },
    allow: to('cli', 'client', 'operator', 'contract', 'pure', 'encoder', 'config', 'stack', 'observability'),
  },
];

module.exports = tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'coverage/**', '.mosaic/**', 'test/artifacts/**', 'docker/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: __dirname },
    },
    rules: {
      // The Temporal samples' first rule: an un-awaited activity or workflow API call is a bug.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      'object-shorthand': ['error', 'always'],
      // tsc's noUnusedLocals/Parameters already hold these, with the project's `_` convention.
      '@typescript-eslint/no-unused-vars': 'off',
      // CommonJS `require` is used on purpose for lazy loading (see the CLI and negotiate.ts).
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    // Plain CommonJS (bin/, configs): `require` is how these files import.
    rules: { '@typescript-eslint/no-require-imports': 'off' },
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly', console: 'readonly' },
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': elements,
      'import/resolver': { node: { extensions: ['.ts', '.js', '.json'] } },
    },
    rules: {
      'boundaries/dependencies': ['error', { default: 'disallow', policies }],
      'boundaries/no-unknown-files': 'error',
    },
  },
  {
    files: [...PURE.map((f) => `src/${f}/**/*.ts`), ...PURE_FILES.map((f) => `src/${f}.ts`)],
    ignores: [SANDBOX, 'src/learning/**'],
    rules: { '@typescript-eslint/no-restricted-imports': pureImports() },
  },
  {
    // Composition plans with the decision model; the model never depends on a plan (no learning <-> composition cycle).
    files: ['src/learning/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': pureImports({
        group: ['../composition/*'],
        message: 'learning is below composition: move what both need into learning',
      }),
    },
  },
  {
    // The samples' workflow rule: no Node built-ins in workflow code (the sandbox has none).
    files: ['src/workflows/**/*.ts', 'src/contract/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeNames(builtinModules.filter((m) => m !== 'assert')).map((name) => ({
            name,
            message: 'workflow code runs in the deterministic sandbox: no Node built-ins',
          })),
          patterns: [
            {
              group: IO_PACKAGES,
              message: 'workflow code runs in the deterministic sandbox: call activities through proxyActivities',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  prettier,
);
