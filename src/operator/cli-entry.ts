import path from 'node:path';

/** `bin/mosaic.js`: what detached commands run and the demo calls, as a person types `mosaic`. */
export const CLI_ENTRY = path.resolve(__dirname, '..', '..', 'bin', 'mosaic.js');
