#!/usr/bin/env node
'use strict';
// Runs the JavaScript that `npm run build` (run by scripts/setup.sh) compiled into dist/:
// no TypeScript is compiled per command, and each command loads only its own modules.
const { buildProblem } = require('./build-state');

const problem = buildProblem();
if (problem) {
  process.stderr.write(`mosaic: ${problem}\n`);
  process.exitCode = 2;
} else {
  require('../dist/cli/cli.js')
    .main(process.argv)
    .then((code) => {
      process.exitCode = code;
    });
}
