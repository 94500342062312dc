import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { CATALOG, INSTANCES_BY_NAME, NO_PRICE_DATA, PRICES, REGIONS, priceSourceOf } from '../../negotiation/catalog';
import {
  bySize,
  CATALOG_SORTS,
  catalogRow,
  filterCatalog,
  priceLabel,
  regionSummary,
  type CatalogSort,
} from '../../negotiation/catalog-query';
import { isKarpenterPrices, pricesFromKarpenter } from '../../negotiation/karpenter-prices';
import { mergePrices, PriceListInvalid, pricesFromPriceList } from '../../negotiation/price-list';
import { CommandFailed } from '../errors';
import { print, progress, table, type OutputOptions } from '../output';

/** The price table the CLI and the worker load; `refresh` rewrites it unless told --out. */
const SHIPPED_PRICES = require.resolve('../../negotiation/data/ec2-prices.json');
/** V8 cannot hold a string much over 512 MiB: a bigger offer file cannot be parsed whole. */
const MAX_PRICE_LIST_BYTES = 500 * 1024 * 1024;

function region(value: string): string {
  if (!REGIONS.includes(value))
    throw new CommandFailed(`--region: "${value}" is not a region of the catalog; \`mosaic catalog regions\` lists all ${REGIONS.length}`);
  return value;
}

function number(flag: string) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) throw new CommandFailed(`${flag}: expected a number ≥ 0, not "${value}"`);
    return n;
  };
}

function yesNo(flag: string) {
  return (value: string) => {
    if (value !== 'yes' && value !== 'no') throw new CommandFailed(`${flag}: expected yes or no, not "${value}"`);
    return value === 'yes';
  };
}

const list = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

interface ListOptions extends OutputOptions {
  region?: string;
  family?: string[];
  arch?: string;
  minVcpu?: number;
  minMemory?: number;
  gpu?: boolean;
  burstable?: boolean;
  priced?: boolean;
  current?: boolean;
  sort: CatalogSort;
  limit: number;
}

export function registerCatalog(program: Command): void {
  const catalog = program
    .command('catalog')
    .description('the EC2 instance catalog proposals are made from: types, regions, prices and where they come from');

  catalog
    .command('list')
    .description('instance types, filtered; prices are on-demand Linux USD/hour in --region')
    .option('--region <region>', 'only types offered there, with their price there', region)
    .option('--family <families>', 'comma-separated families, e.g. m7g,c7g', list)
    .option('--arch <arch>', 'x86_64 or arm64')
    .option('--min-vcpu <n>', 'at least this many vCPUs', number('--min-vcpu'))
    .option('--min-memory <GiB>', 'at least this much memory', number('--min-memory'))
    .option('--gpu <yes|no>', 'with or without GPUs', yesNo('--gpu'))
    .option('--burstable <yes|no>', 'burstable (T-family) or not', yesNo('--burstable'))
    .option('--priced <yes|no>', `with a price (in --region, or anywhere) or with ${NO_PRICE_DATA}`, yesNo('--priced'))
    .option('--current <yes|no>', 'current generation or previous', yesNo('--current'))
    .option('--sort <key>', `one of ${CATALOG_SORTS.join(', ')}`, 'name')
    .option('--limit <n>', 'at most this many rows (0: all)', number('--limit'), 50)
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  mosaic catalog list --region eu-central-1 --family m7g --sort price\n  mosaic catalog list --gpu yes --json',
    )
    .action((opts: ListOptions) => {
      if (opts.arch !== undefined && opts.arch !== 'x86_64' && opts.arch !== 'arm64')
        throw new CommandFailed(`--arch: expected x86_64 or arm64, not "${opts.arch}"`);
      if (!(CATALOG_SORTS as readonly string[]).includes(opts.sort))
        throw new CommandFailed(`--sort: expected one of ${CATALOG_SORTS.join(', ')}, not "${opts.sort}"`);
      const unknown = (opts.family ?? []).filter((f) => !CATALOG.families.includes(f));
      if (unknown.length)
        throw new CommandFailed(
          `--family: ${unknown.join(', ')} not in the catalog; families look like m7g, c6i, g5, p4d (${CATALOG.families.length} in all)`,
        );
      const found = filterCatalog(
        CATALOG,
        {
          region: opts.region,
          families: opts.family,
          arch: opts.arch as 'x86_64' | 'arm64' | undefined,
          minVcpu: opts.minVcpu,
          minMemoryGb: opts.minMemory,
          gpu: opts.gpu,
          burstable: opts.burstable,
          priced: opts.priced,
          currentGeneration: opts.current,
        },
        opts.sort,
      );
      const shown = opts.limit ? found.slice(0, opts.limit) : found;
      print(
        opts,
        { total: found.length, shown: shown.length, region: opts.region, instances: shown },
        () =>
          `${table(shown.map((i) => catalogRow(i, opts.region)))}\n${shown.length} of ${found.length} types` +
          (shown.length < found.length ? ' (--limit 0 for all)' : '') +
          (opts.region ? `; prices: ${priceSourceOf(opts.region)}` : ''),
      );
    });

  catalog
    .command('show <instanceType>')
    .description('every fact of one instance type, the regions that offer it, and its price in each')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  mosaic catalog show g5.xlarge')
    .action((name: string, opts: OutputOptions) => {
      const i = INSTANCES_BY_NAME.get(name);
      if (!i) {
        const family = name.split('.')[0]!;
        const near = CATALOG.instances
          .filter((x) => x.family === family)
          .sort(bySize)
          .map((x) => x.name);
        throw new CommandFailed(
          `${name} is not in the catalog${near.length ? `; ${family} has ${near.slice(0, 8).join(', ')}` : '; types look like m7g.large or g5.xlarge (mosaic catalog list)'}`,
        );
      }
      const regions = i.regions.map((r) => ({
        region: r,
        onDemand: priceLabel(i, r),
        reserved1yr: i.reservedHourlyUsd[r] === undefined ? '' : `$${i.reservedHourlyUsd[r]}/h`,
        asOf: i.hourlyUsd[r] === undefined ? '' : PRICES.regions[r]!.asOf,
      }));
      const { regions: _offered, hourlyUsd: _od, reservedHourlyUsd: _ri, ...facts } = i;
      print(
        opts,
        { ...i, prices: regions },
        () =>
          `${Object.entries(facts)
            .map(([k, v]) => `${k.padEnd(22)} ${String(v)}`)
            .join('\n')}\n\n${table(regions)}\n` +
          `offered in ${i.regions.length} regions, priced in ${Object.keys(i.hourlyUsd).length}; spot prices: not in any source the catalog reads`,
      );
    });

  catalog
    .command('regions')
    .description('every region of the catalog: types offered, how many are priced, and as of when')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  mosaic catalog regions --json')
    .action((opts: OutputOptions) => {
      const rows = regionSummary(CATALOG);
      const sources = Object.fromEntries(Object.entries(PRICES.regions).map(([r, p]) => [r, { source: p.source, asOf: p.asOf }]));
      print(opts, { regions: rows, sources, instances: CATALOG.source }, () => {
        const offerings = rows.reduce((n, r) => n + r.types, 0);
        const priced = rows.reduce((n, r) => n + r.priced, 0);
        return `${table(rows)}\n${CATALOG.instances.length} types, ${rows.length} regions, ${offerings} offerings, ${priced} priced (${Math.round((priced / offerings) * 1000) / 10} %)`;
      });
    });

  catalog
    .command('refresh <files...>')
    .description(
      "rebuild the price table from the AWS Price List (EC2 offer files or `aws pricing get-products` answers, JSON) or Karpenter's generated pricing file",
    )
    .option('--region <regions>', 'only these regions of the files (comma-separated)', list)
    .option('--out <file>', 'write the table here instead of the one Mosaic loads', SHIPPED_PRICES)
    .option('--dry-run', 'say what would change, write nothing')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      "\nA region in the files replaces that region's table whole; other regions are kept. Restart workers to use new prices.\n" +
        'Examples:\n  mosaic catalog refresh eu-central-1/index.json      # offers/v1.0/aws/AmazonEC2/current/eu-central-1/index.json\n' +
        '  aws pricing get-products --region us-east-1 --service-code AmazonEC2 --filters \\\n' +
        '    Type=TERM_MATCH,Field=regionCode,Value=ap-south-1 Type=TERM_MATCH,Field=operatingSystem,Value=Linux > ap-south-1.json\n' +
        '  mosaic catalog refresh ap-south-1.json --dry-run\n' +
        '  curl -sO https://proxy.golang.org/github.com/aws/karpenter-provider-aws/@v/v1.15.2.zip   # the Go module proxy\n' +
        "  unzip -j v1.15.2.zip '*/pkg/providers/pricing/zz_generated.pricing_aws.go'\n" +
        '  mosaic catalog refresh zz_generated.pricing_aws.go',
    )
    .action((files: string[], opts: OutputOptions & { region?: string[]; out: string; dryRun?: boolean }) => {
      const say = progress(opts);
      for (const r of opts.region ?? []) region(r);
      let table_ = PRICES;
      const report: { file: string; products: number; priced: number; regions: string[] }[] = [];
      for (const file of files) {
        let size: number;
        try {
          size = fs.statSync(file).size;
        } catch {
          throw new CommandFailed(`${file}: cannot read it`);
        }
        if (size > MAX_PRICE_LIST_BYTES)
          throw new CommandFailed(
            `${file}: ${Math.round(size / 2 ** 20)} MiB is more than can be parsed at once (${MAX_PRICE_LIST_BYTES / 2 ** 20} MiB); use one region's offer file or a filtered \`aws pricing get-products\` answer`,
          );
        const text = fs.readFileSync(file, 'utf8');
        let doc: unknown;
        if (!isKarpenterPrices(text))
          try {
            doc = JSON.parse(text);
          } catch (err) {
            throw new CommandFailed(`${file}: neither JSON (${(err as Error).message}) nor Karpenter's generated pricing file`);
          }
        try {
          const result =
            doc === undefined
              ? pricesFromKarpenter(text, path.basename(file), opts.region)
              : pricesFromPriceList(doc, path.basename(file), opts.region);
          table_ = mergePrices(table_, result.regions);
          report.push({ file, products: result.products, priced: result.priced, regions: Object.keys(result.regions) });
          say(
            `${file}: ${result.priced} prices from ${result.products} products in ${Object.keys(result.regions).join(', ') || 'no region'}`,
          );
        } catch (err) {
          if (err instanceof PriceListInvalid) throw new CommandFailed(`${file}: ${err.message}`);
          throw err;
        }
      }
      const changed = [...new Set(report.flatMap((r) => r.regions))].sort();
      if (!changed.length) throw new CommandFailed('the files priced no Linux shared-tenancy EC2 instance; nothing to refresh');
      const regions = changed.map((r) => {
        const before = PRICES.regions[r]?.onDemand ?? {};
        const after = table_.regions[r]!.onDemand;
        const types = Object.keys(after);
        return {
          region: r,
          priced: types.length,
          reserved: Object.keys(table_.regions[r]!.reserved1yr ?? {}).length,
          ebs: table_.regions[r]!.ebs ? 'yes' : NO_PRICE_DATA,
          before: Object.keys(before).length,
          changedPrices: types.filter((t) => before[t] !== undefined && before[t] !== after[t]).length,
          notInCatalog: types.filter((t) => !INSTANCES_BY_NAME.has(t)),
          asOf: table_.regions[r]!.asOf,
        };
      });
      if (!opts.dryRun) fs.writeFileSync(opts.out, `${JSON.stringify(table_, null, 1)}\n`);
      print(opts, { written: opts.dryRun ? null : opts.out, files: report, regions }, () =>
        [
          table(regions.map((r) => ({ ...r, notInCatalog: r.notInCatalog.join(' ') }))),
          opts.dryRun ? '(dry run: nothing written)' : `wrote ${opts.out}; restart workers to propose with these prices`,
        ].join('\n'),
      );
    });
}
