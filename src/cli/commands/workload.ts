import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig } from '../../config';
import { analyzeWithLikeness, Likeness } from '../../encoder/likeness';
import { answersSchema, type Answers } from '../../negotiation/workload/questions';
import { InvalidWorkloadDescription, type WorkloadAnalysis } from '../../negotiation/workload/analyze';
import { CommandFailed } from '../errors';
import { readUserFile } from '../files';
import { table, type OutputOptions } from '../output';

/** Lines of a --file: enough for a team's catalogue, bounded so one file cannot hold the terminal for minutes. */
const MAX_LINES = 10_000;

/** Bad usage found while the command runs: said on stderr, exit code 2 like a parse error. */
function usage(message: string): never {
  process.stderr.write(`mosaic: ${message}\n`);
  throw new InvalidArgumentError(message);
}

/** What the CLI prints per description: the analysis without its evidence and notes unless asked. */
const summaryOf = (a: WorkloadAnalysis) => ({
  role: a.role,
  kind: a.kind,
  peak: a.peak,
  storageGib: a.storageGib,
  compliance: a.compliance,
  publicIngress: a.publicIngress,
  confidence: a.confidence,
  quantities: a.quantities,
  questions: a.questions,
  schedule: a.schedule,
  region: a.region,
  likeness: a.likeness,
  notes: a.notes,
});

function parseAnswers(value: string): Answers {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError('expected JSON such as \'{"dataGib": 500, "peakRate": 2000}\'');
  }
  const parsed = answersSchema.safeParse(json);
  if (!parsed.success)
    throw new InvalidArgumentError(parsed.error.issues.map((i) => `${i.path.join('.') || 'answers'}: ${i.message}`).join('; '));
  return parsed.data;
}

function human(a: WorkloadAnalysis, text: string): string {
  const lines = [
    `${text}`,
    `  ${a.role === 'unknown' ? 'unknown workload' : `${a.kind} (${a.role})`}, confidence ${a.confidence}`,
    `  peak ${a.peak.vcpu} vCPU, ${a.peak.memoryGib} GiB memory, ${a.peak.iops} IOPS, ${a.peak.networkGbps} Gbit/s; storage ${a.storageGib} GiB`,
    `  compliance ${a.compliance.length ? a.compliance.join(', ') : 'none stated'}; ${a.publicIngress ? 'public ingress on 443' : 'no public ingress'}`,
    `  region ${a.region ? `${a.region.region} (read from "${a.region.text}")` : 'none stated (a negotiation uses --region, else us-east-1)'}`,
  ];
  if (a.quantities.length)
    lines.push('', table(a.quantities.map((q) => ({ measure: q.measure, value: q.value, unit: q.unit, read: q.text }))));
  if (a.questions.length)
    lines.push('', 'questions:', ...a.questions.map((q) => `  ${q.id}: ${q.question} (${q.unit}, e.g. ${q.example}) — ${q.assumed}`));
  return lines.join('\n');
}

/** A --file line: plain text, or a JSON object with a "text" field (the labelled fixtures' format). */
function descriptionOf(line: string): string {
  if (!line.trimStart().startsWith('{')) return line;
  try {
    const parsed = JSON.parse(line) as { text?: unknown };
    if (typeof parsed.text === 'string') return parsed.text;
  } catch {
    // Not JSON after all: read the line as it is.
  }
  return line;
}

export function registerWorkload(program: Command): void {
  const workload = program.command('workload').description('the workload analyzer: what a description states and what it needs');
  workload
    .command('analyze [description]')
    .description('read a workload description: role, peak vCPU/memory/IOPS/network, storage, compliance, exposure, questions')
    .option('--file <file>', 'one description per line (plain text or JSON with "text"); prints one JSON object per line')
    .option('--answers <json>', 'answers to its questions, e.g. \'{"dataGib": 500, "peakRate": 2000}\'', parseAnswers)
    .option('--no-encoder', 'rules only: do not ask the sentence encoder what a description of no known kind reads like')
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      '\nRuns locally: no stack or worker needed. A description of no kind the rules know is compared with described workloads by the sentence encoder (all-MiniLM-L6-v2, installed by npm run setup), and sized as the nearest kind with a question to confirm it.\n\nExamples:\n  mosaic workload analyze "PostgreSQL 15 for orders, 2 TB, about 3000 transactions per second"\n  mosaic workload analyze "Redis cache, 20k ops/s" --answers \'{"dataGib": 8}\' --json\n  mosaic workload analyze --file descriptions.txt > analyses.jsonl',
    )
    .action(async (description: string | undefined, opts: OutputOptions & { file?: string; answers?: Answers; encoder: boolean }) => {
      if (!description && !opts.file) usage('give a description in quotes, or --file with one description per line');
      if (description && opts.file) usage('give a description or --file, not both');
      const likeness = opts.encoder
        ? new Likeness(loadConfig().cacheDir, (reason) =>
            process.stderr.write(`mosaic: without the sentence encoder (${reason}); a description of no known kind stays unknown\n`),
          )
        : undefined;
      try {
        await analyzeAll(description, opts, likeness);
      } finally {
        await likeness?.close();
      }
    });
}

async function analyzeAll(
  description: string | undefined,
  opts: OutputOptions & { file?: string; answers?: Answers },
  likeness: Likeness | undefined,
): Promise<void> {
  const analyse = (text: string) => analyzeWithLikeness(text, { answers: opts.answers }, likeness);
  if (description) {
    let a: WorkloadAnalysis;
    try {
      a = await analyse(description);
    } catch (err) {
      if (err instanceof InvalidWorkloadDescription) usage(err.message);
      throw err;
    }
    process.stdout.write(opts.json ? `${JSON.stringify(summaryOf(a), null, 2)}\n` : `${human(a, description)}\n`);
    return;
  }
  const lines = readUserFile(opts.file!)
    .split(/\r?\n/)
    .map((l, i) => ({ line: i + 1, text: descriptionOf(l).trim() }))
    .filter((l) => l.text);
  if (lines.length > MAX_LINES) throw new CommandFailed(`${opts.file}: ${lines.length} descriptions, at most ${MAX_LINES}: split the file`);
  let failed = 0;
  for (const l of lines) {
    try {
      const a = await analyse(l.text);
      process.stdout.write(`${JSON.stringify({ line: l.line, text: l.text, ...summaryOf(a) })}\n`);
    } catch (err) {
      if (!(err instanceof InvalidWorkloadDescription)) throw err;
      failed += 1;
      // The line's place in the output keeps its error, so nothing is silently dropped.
      process.stdout.write(`${JSON.stringify({ line: l.line, error: { type: err.type, message: err.message } })}\n`);
    }
  }
  if (failed) throw new CommandFailed(`${opts.file}: ${failed} of ${lines.length} descriptions could not be read (see their lines)`);
}
