// The production project runs bin/mosaic.js, which runs dist/: build it once if a source changed.
const { ensureBuilt } = require('../../bin/build-state') as { ensureBuilt: () => void };

export default function buildOnce(): void {
  ensureBuilt();
}
