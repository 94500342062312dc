/**
 * The private stack the integration suite runs against. Global setup starts
 * it on free ports in a temporary directory and exports these variables, so
 * every test (and every CLI it spawns) reads them through loadConfig().
 */
export const STACK_DIR_VAR = 'MOSAIC_TEST_STACK_DIR';
