// Two projects: unit tests need nothing running; integration, end-to-end
// (CLI) and chaos (faults injected on purpose) tests get a private Temporal
// dev server and FerretDB from the global setup.
// @marcbachmann/cel-js ships ES modules only; Jest on Node 20 loads CommonJS,
// so that one package is transpiled with the tests.
const transform = { '^.+\\.[tj]s$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }] };
const transformIgnorePatterns = ['/node_modules/(?!@marcbachmann/cel-js/)'];

/** @type {import('jest').Config} */
module.exports = {
  // A global option: Jest ignores testTimeout inside a project, hooks included.
  testTimeout: 60_000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: [
        '<rootDir>/test/integration/**/*.test.ts',
        '<rootDir>/test/e2e/**/*.test.ts',
        '<rootDir>/test/chaos/**/*.test.ts',
        '<rootDir>/test/security/**/*.test.ts',
      ],
      globalSetup: '<rootDir>/test/harness/global-setup.ts',
      globalTeardown: '<rootDir>/test/harness/global-teardown.ts',
    },
    // Its own stack, started by the CLI: skipped (with a note) unless the production profile is installed.
    {
      displayName: 'production',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/test/production/**/*.test.ts'],
      globalSetup: '<rootDir>/test/harness/build-once.ts',
    },
  ],
};
