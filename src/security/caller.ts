import { z } from 'zod';

// Who asks, as every request names it. The account is indexed (MosaicAccount, a
// Keyword search attribute the server caps at 2,048 bytes) and quoted in the Web
// UI's summary, so it is bounded here, where the message can name the field,
// rather than by the server, which fails the start with BadSearchAttributes.
const MAX_CALLER_CHARS = 128;

const callerName = (example: string) =>
  z
    .string()
    .min(1, { message: `expected a name such as ${example}` })
    .max(MAX_CALLER_CHARS, { message: `expected at most ${MAX_CALLER_CHARS} characters, such as ${example}` })
    // Control characters would break the Web UI's one-line summary and the CLI's tables.
    .regex(/^[^\p{Cc}]*$/u, { message: `expected printable characters only, such as ${example}` });

export const userSchema = callerName('alice');
export const accountSchema = callerName('acme-payments');
