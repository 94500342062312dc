import { z } from 'zod';
import { QUESTION_IDS } from './workload/questions';

/** Why a payload is not answers; the message shows the forms answers take. */
export class AnswersRefused extends Error {
  readonly type = 'FeedbackRejected';
  constructor(problem: string) {
    super(
      `${problem}. Answers are field=value pairs or {"answers": {…}}, the fields being the question ids (${QUESTION_IDS.join(', ')}); for example "dataGib=500 peakRate=2000" or {"answers": {"dataGib": 500}}`,
    );
    this.name = 'AnswersRefused';
  }
}

/** Answers as field=value pairs, e.g. ["dataGib=500", "kind=cache"]: numbers where the value is one, words otherwise. */
export function answersFromPairs(pairs: string[]): Record<string, unknown> {
  const answers: Record<string, unknown> = {};
  for (const pair of pairs) {
    const m = /^([A-Za-z]+)\s*=\s*(.+)$/.exec(pair.trim());
    if (!m) throw new AnswersRefused(`"${pair.slice(0, 60)}" is not field=value`);
    const value = m[2]!.trim();
    const n = Number(value);
    answers[m[1]!] = m[1] === 'kind' || value === '' || Number.isNaN(n) ? value : n;
  }
  return answers;
}

const splitPairs = (text: string) =>
  text
    .replace(/\s*=\s*/g, '=')
    .split(/[\s,;]+/)
    .filter(Boolean);

const objectForm = z.strictObject({
  answers: z.union([z.record(z.string(), z.unknown()), z.string()], { error: 'expected an object of answers, or field=value pairs' }),
  by: z.string().min(1).max(200).optional(),
});

/**
 * The answerQuestions update's argument, as typed into the Web UI or sent by the client: field=value
 * pairs in words ("dataGib=500, peakRate=2000"), or {"answers": {…} or "<pairs>", "by": "<who>"}.
 * The answers' own fields are checked later, against the questions (answersSchema).
 */
export function answersFromPayload(payload: unknown): { answers: Record<string, unknown>; by?: string } {
  if (typeof payload === 'string') return { answers: answersFromPairs(splitPairs(payload.slice(0, 2000))) };
  const parsed = objectForm.safeParse(payload);
  if (!parsed.success)
    throw new AnswersRefused(
      [...parsed.error.issues]
        // What was sent that does not belong says most: it comes first.
        .sort((a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'))
        .map((i) =>
          i.code === 'unrecognized_keys'
            ? `unknown field ${i.keys.map((k) => `"${k}"`).join(', ')}`
            : `${i.path.join('.') || 'answers'}: ${i.message}`,
        )
        .join('; '),
    );
  const { answers, by } = parsed.data;
  return { answers: typeof answers === 'string' ? answersFromPairs(splitPairs(answers.slice(0, 2000))) : answers, ...(by && { by }) };
}

const ANSWER_WORDS = /^answers?\b[\s:,-]*/i;

/**
 * A feedback signal that answers the questions, for those who can only send signals: words such as
 * "answer dataGib=500 peakRate=2000", or {"kind": "answer", "answers": {…}, "by": "<who>"}.
 * Undefined for any other feedback, which the signal reads as before.
 */
export function answersFromSignal(sent: unknown): { answers: Record<string, unknown>; by?: string } | undefined {
  if (typeof sent === 'string') {
    const m = ANSWER_WORDS.exec(sent.trim());
    return m ? answersFromPayload(sent.trim().slice(m[0].length)) : undefined;
  }
  if (typeof sent !== 'object' || sent === null || Array.isArray(sent)) return undefined;
  const { kind, id: _id, ...rest } = sent as Record<string, unknown>;
  return kind === 'answer' || kind === 'answerQuestions' ? answersFromPayload(rest) : undefined;
}
