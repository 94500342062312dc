import type { Command } from 'commander';
import { loadConfig } from '../../config';
import { ManifestInvalid } from '../../snapshot/errors';
import { formatBytes, formatCpu } from '../../snapshot/units';
import type { SnapshotStatus } from '../../contract/snapshot';
import { registerGoverned } from './governed';
import { CommandFailed } from '../errors';
import { readUserFile } from '../files';
import { MosaicClient } from '../../client/mosaic-client';
import { print, progress, table, type OutputOptions } from '../output';
import { hostFromFile } from '../../client/snapshot';

function readJson(file: string): unknown {
  try {
    return JSON.parse(readUserFile(file));
  } catch (err) {
    if (err instanceof CommandFailed) throw err;
    throw new CommandFailed(`${file} is not JSON: ${(err as Error).message}`);
  }
}

/** Prints each state and source change once. */
function reporter(say: (m: string) => void) {
  const seen = new Set<string>();
  return (s: SnapshotStatus) => {
    const lines = [
      `state ${s.state}`,
      ...s.sources.map(
        (x) =>
          `source ${x.label.padEnd(22)} ${x.state}${x.resources !== undefined ? ` (${x.resources} resources)` : ''}${x.error ? `: ${x.error}` : ''}`,
      ),
    ];
    for (const line of lines) {
      if (seen.has(line)) continue;
      seen.add(line);
      say(line);
    }
  };
}

function human(s: SnapshotStatus, url: string): string {
  const r = s.resolution;
  const parts = [`${s.manifest?.name ?? ''}: ${s.state}${s.error ? ` (${s.error})` : ''}`];
  if (r) {
    parts.push(
      '',
      `${r.strategy}: ${r.resources} resources, ${r.conflicts} conflicts resolved; cpu ${formatCpu(r.totals.cpu)}, memory ${formatBytes(r.totals.memory)}, disk ${formatBytes(r.totals.disk)}`,
    );
    if (r.decisions.length)
      parts.push(
        '',
        table(
          r.decisions.map((d) => ({
            kind: d.kind,
            key: d.key,
            winner: d.winner,
            discarded: d.discarded,
            adjusted: d.adjusted,
            rule: d.rule,
          })),
        ),
      );
    if (r.dropped.length) parts.push('', table(r.dropped));
  }
  const health = new Map((s.health ?? s.monitor?.services ?? []).map((h) => [h.name, h]));
  if (s.services.length)
    parts.push(
      '',
      table(
        s.services.map((x) => {
          const h = health.get(x.name);
          return {
            service: x.name,
            pid: x.pid,
            url: x.port ? `http://127.0.0.1:${x.port}` : '',
            user: x.user ?? '',
            limits: !x.limits ? '' : x.limits.memory === x.limits.cpu ? x.limits.memory : `memory ${x.limits.memory}, cpu ${x.limits.cpu}`,
            health: h ? (h.healthy ? 'healthy' : `unhealthy: ${h.reason}`) : 'not checked yet',
          };
        }),
      ),
    );
  if (s.provisioned?.packages?.length)
    parts.push('', table(s.provisioned.packages.map((p) => ({ package: p.name, wanted: p.version, state: p.state, detail: p.detail }))));
  const copied = s.provisioned?.copiedVolumes ?? [];
  if (copied.length) parts.push('');
  for (const v of copied)
    parts.push(
      `volume ${v.name} copied from host ${v.host}: ${v.files} file${v.files === 1 ? '' : 's'}, ${formatBytes(v.bytes)}, each checked by sha256${v.skipped ? `; ${v.skipped} ${v.skipped === 1 ? 'symlink or special file' : 'symlinks or special files'} not copied` : ''}`,
    );
  if (s.provisioned) parts.push('', `workspace ${s.provisioned.workspace}`);
  parts.push('', url);
  return parts.join('\n');
}

/** "stopped 1 service (web); api had already exited; deleted 0 EBS snapshots and 0 restored EBS volumes". */
function teardownText(t: NonNullable<SnapshotStatus['teardown']>): string {
  const names = (xs: string[]) => (xs.length ? ` (${xs.join(', ')})` : '');
  const exited = t.services?.exited ?? [];
  return [
    `stopped ${t.stopped} service${t.stopped === 1 ? '' : 's'}${names(t.services?.stopped ?? [])}`,
    ...(exited.length ? [`${exited.join(', ')} had already exited`] : []),
    `deleted ${t.snapshotsDeleted} EBS snapshots and ${t.volumesDeleted ?? 0} restored EBS volumes`,
  ].join('; ');
}

export function registerSnapshot(program: Command): void {
  const snapshot = program.command('snapshot').description('compose environments from templates and live hosts (the snapshot manifest)');

  snapshot
    .command('compose <manifest>')
    .description('start composeSnapshot from a manifest and follow it until the environment runs (or runs degraded)')
    .option('--no-wait', 'start and print the workflow id and Web UI link without waiting')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nThe manifest is JSON (schema: docs/schema/snapshot-manifest.schema.json). The environment keeps running until `mosaic snapshot cancel <id>`.\n\nExample:\n  mosaic snapshot compose examples/snapshots/custom-environment.json',
    )
    .action(async (file: string, opts: OutputOptions & { wait: boolean }) => {
      const manifest = readJson(file);
      const say = progress(opts);
      await MosaicClient.use(loadConfig(), async (client) => {
        let handle;
        try {
          handle = await client.snapshots.compose(manifest);
        } catch (err) {
          if (err instanceof ManifestInvalid) throw new CommandFailed(`${file}: invalid manifest: ${err.message}`);
          throw err;
        }
        say(`composeSnapshot ${handle.workflowId}: ${handle.url}`);
        if (!opts.wait) return print(opts, { workflowId: handle.workflowId, url: handle.url }, () => handle.workflowId);
        const status = await client.snapshots.waitFor(handle, ['running', 'degraded'], reporter(say));
        print(opts, { workflowId: handle.workflowId, url: handle.url, ...status }, () => human(status, handle.url));
      });
    });

  snapshot
    .command('status <workflowId>')
    .description('where a composition is: sources, decisions, services and their health, monitoring')
    .option('--watch', 'redraw every 2 seconds until Ctrl-C or the composition ends (with --json: one line per change)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  mosaic snapshot status snapshot-20261123120000-ab12\n  mosaic snapshot status snapshot-20261123120000-ab12 --watch',
    )
    .action(async (workflowId: string, opts: OutputOptions & { watch?: boolean }) => {
      await MosaicClient.use(loadConfig(), async (client) => {
        let shown = '';
        for (;;) {
          const status = await client.snapshots.status(workflowId);
          if (!opts.watch) return print(opts, status, () => human(status, client.url(workflowId)));
          const text = opts.json ? JSON.stringify(status) : human(status, client.url(workflowId));
          if (text !== shown) {
            if (!opts.json) process.stdout.write('\x1b[2J\x1b[H');
            process.stdout.write(`${text}\n`);
            shown = text;
          }
          if (['cancelled', 'failed'].includes(status.state)) return;
          await new Promise((r) => setTimeout(r, 2000));
        }
      });
    });

  snapshot
    .command('cancel <workflowId>')
    .description('tear down what a composition made and end it')
    .option('--reason <text>', 'recorded with the cancellation')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  mosaic snapshot cancel snapshot-20261123120000-ab12 --reason "done testing"')
    .action(async (workflowId: string, opts: OutputOptions & { reason?: string }) => {
      await MosaicClient.use(loadConfig(), async (client) => {
        const status = await client.snapshots.cancel(workflowId, opts.reason);
        print(
          opts,
          status,
          () => `${workflowId}: ${status.state}; ${status.teardown ? teardownText(status.teardown) : 'nothing to tear down'}`,
        );
      });
    });

  const template = snapshot.command('template').description('stored snapshot templates');
  template
    .command('create <file>')
    .description('store a template (JSON: id, description, tags, resources); ids are immutable')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  mosaic snapshot template create examples/snapshots/template_a.json')
    .action(async (file: string, opts: OutputOptions) => {
      const result = await MosaicClient.use(loadConfig(), (c) =>
        c.snapshots.catalog({ operation: 'template.create', template: readJson(file) }),
      );
      print(opts, result, () => `${result.id}: ${result.created ? 'created' : 'already stored with this content'}`);
    });
  template
    .command('list')
    .description('stored templates')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  mosaic snapshot template list')
    .action(async (opts: OutputOptions) => {
      const rows = await MosaicClient.use(loadConfig(), (c) => c.snapshots.catalog({ operation: 'template.list' }));
      print(opts, rows, () => table(rows, ['id', 'tags', 'resources', 'description']));
    });
  template
    .command('show <id>')
    .description('one template with its resources')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  mosaic snapshot template show template_a')
    .action(async (id: string, opts: OutputOptions) => {
      const doc = await MosaicClient.use(loadConfig(), (c) => c.snapshots.catalog({ operation: 'template.show', id }));
      print(opts, doc, () => JSON.stringify(doc, null, 2));
    });

  const host = snapshot.command('host').description('live hosts compositions may capture');
  host
    .command('register <file>')
    .description('register a live host: local (root, allowedPaths, services) or aws (instanceId, region); a signed change')
    .requiredOption('--key <file>', 'your private key (operator or admin)')
    .option('--replace', 'replace a host registered under this name with other content (refused without it)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      "\nA relative local root is taken from the file's directory.\n\nExample:\n  mosaic snapshot host register examples/snapshots/production_server_1.host.json --key ~/.mosaic/keys/ops.key",
    )
    .action((file: string, opts: OutputOptions & { key: string; replace?: boolean }) =>
      registerGoverned({ operation: 'host.register', host: hostFromFile(file, readJson(file)), replace: opts.replace === true }, opts),
    );
  host
    .command('list')
    .description('registered live hosts, with who registered them')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  mosaic snapshot host list')
    .action(async (opts: OutputOptions) => {
      const rows = await MosaicClient.use(loadConfig(), (c) => c.snapshots.catalog({ operation: 'host.list' }));
      print(opts, rows, () => table(rows, ['name', 'provider', 'root', 'instanceId', 'allowedPaths', 'registeredBy']));
    });
}
