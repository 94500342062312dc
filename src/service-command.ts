import { z } from 'zod';

/** Bounds of a service command: a program and its arguments, as execve takes them. */
export const COMMAND_LIMITS = { args: 64, argChars: 4096 } as const;

/**
 * A service's command line: 1 to 64 parts of at most 4096 characters, none
 * holding a NUL byte (which execve cannot take: spawn would throw before any
 * process exists).
 */
export const commandSchema = z
  .array(
    z
      .string()
      .min(1)
      .max(COMMAND_LIMITS.argChars, { message: `expected at most ${COMMAND_LIMITS.argChars} characters per part` })
      .refine((part) => !part.includes('\0'), { message: 'expected no NUL byte in a command part' }),
  )
  .min(1)
  .max(COMMAND_LIMITS.args, { message: `expected at most ${COMMAND_LIMITS.args} parts: the program and its arguments` });

/** An environment variable's value for a started service: bounded, no NUL byte. */
export const envValueSchema = z
  .string()
  .max(COMMAND_LIMITS.argChars, { message: `expected at most ${COMMAND_LIMITS.argChars} characters` })
  .refine((v) => !v.includes('\0'), { message: 'expected no NUL byte' });
