#!/usr/bin/env node
'use strict';
// A source checkout runs the TypeScript directly; the Docker image ships only dist/.
const fs = require('node:fs');
const path = require('node:path');

const source = path.join(__dirname, '..', 'src', 'client', 'cli.ts');
let cli;
if (fs.existsSync(source)) {
  require('tsx/cjs/api').register();
  cli = require(source);
} else {
  cli = require('../dist/client/cli.js');
}
cli.main(process.argv).then((code) => {
  process.exitCode = code;
});
