'use strict';
// Whether dist/ holds a build of the sources beside it. The CLI runs the built
// JavaScript (compiling TypeScript per command cost seconds), so a source
// checkout whose build is missing or older than a source file is told to build
// instead of running yesterday's code. An installed copy or the Docker image
// ships dist/ without src/ and is never stale.
//   node bin/build-state.js begin|done   (around `npm run build`)
//   node bin/build-state.js check        (exit 1 with the reason when a build is needed)
//   node bin/build-state.js ensure       (build when needed: setup and the test harness)
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const STAMP = path.join(DIST, '.build-stamp');
const PENDING = `${STAMP}.pending`;
/** What the build reads besides src/. */
const CONFIGS = ['package.json', 'tsconfig.json', 'tsconfig.build.json'];

function newestSource() {
  let newest = { file: '', mtimeMs: 0 };
  const consider = (file) => {
    const { mtimeMs } = fs.statSync(file);
    if (mtimeMs > newest.mtimeMs) newest = { file, mtimeMs };
  };
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (!entry.name.endsWith('.test.ts')) consider(file);
    }
  };
  walk(path.join(ROOT, 'src'));
  for (const config of CONFIGS) consider(path.join(ROOT, config));
  return newest;
}

/** Why dist/ cannot be run as it is, or undefined when it can. */
function buildProblem() {
  const how = 'run `npm run build` (`bash scripts/setup.sh` does it too)';
  let built;
  try {
    built = fs.statSync(STAMP).mtimeMs;
  } catch {
    return `there is no build in ${DIST}: ${how}`;
  }
  if (!fs.existsSync(path.join(ROOT, 'src'))) return undefined;
  const newest = newestSource();
  if (newest.mtimeMs > built) return `the build in ${DIST} is older than ${path.relative(ROOT, newest.file)}: ${how}`;
  return undefined;
}

/** Builds when needed, with npm's output on stderr; throws when the build fails. */
function ensureBuilt() {
  const problem = buildProblem();
  if (!problem) return;
  process.stderr.write(`[build] ${problem.replace(/: run .*$/, '')}; building\n`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const { status } = spawnSync(npm, ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  if (status !== 0) throw new Error(`npm run build failed (exit ${status}): read its output above`);
}

module.exports = { buildProblem, ensureBuilt };

if (require.main === module) {
  const action = process.argv[2];
  if (action === 'begin') {
    // The build covers the sources as they were when it started: an edit made meanwhile is stale.
    fs.mkdirSync(DIST, { recursive: true });
    fs.rmSync(STAMP, { force: true });
    fs.writeFileSync(PENDING, '');
  } else if (action === 'done') {
    fs.renameSync(PENDING, STAMP);
  } else if (action === 'check') {
    const problem = buildProblem();
    if (problem) {
      process.stderr.write(`${problem}\n`);
      process.exitCode = 1;
    }
  } else if (action === 'ensure') {
    ensureBuilt();
  } else {
    process.stderr.write('usage: node bin/build-state.js begin|done|check|ensure\n');
    process.exitCode = 2;
  }
}
