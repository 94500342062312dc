/**
 * What a process Mosaic starts may inherit from the worker: what a program
 * needs to find itself and its locale, never a credential. The worker's own
 * environment holds MOSAIC_MODEL_KEY, payload keys, AWS_* and database URIs;
 * a service command comes from a request, so it gets none of them.
 */
export const INHERITED_VARIABLES = ['PATH', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ'] as const;

/** The inherited variables (from `from`, the worker's environment by default) under the service's own. */
export function serviceEnvironment(own: Record<string, string | undefined>, from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of INHERITED_VARIABLES) if (from[name] !== undefined) env[name] = from[name]!;
  for (const [name, value] of Object.entries(own)) if (value !== undefined) env[name] = value;
  return env;
}
