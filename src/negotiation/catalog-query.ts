import { NO_PRICE_DATA, type Catalog, type InstanceType } from './catalog';

/** What `mosaic catalog list` filters by; everything left out matches. */
export interface CatalogFilter {
  region?: string;
  families?: string[];
  arch?: 'x86_64' | 'arm64';
  minVcpu?: number;
  minMemoryGb?: number;
  gpu?: boolean;
  burstable?: boolean;
  /** Only types with (true) or without (false) an on-demand price in `region` (or in any region). */
  priced?: boolean;
  currentGeneration?: boolean;
}

export const CATALOG_SORTS = ['name', 'price', 'vcpu', 'memory'] as const;
export type CatalogSort = (typeof CATALOG_SORTS)[number];

const isPriced = (i: InstanceType, region?: string) => (region ? i.hourlyUsd[region] !== undefined : Object.keys(i.hourlyUsd).length > 0);

/** Family by family, each from its smallest size up (m5.large before m5.2xlarge), as AWS lists them. */
export const bySize = (a: InstanceType, b: InstanceType) =>
  a.family.localeCompare(b.family, 'en', { numeric: true }) || a.vcpu - b.vcpu || a.memoryGb - b.memoryGb || a.name.localeCompare(b.name);

export function filterCatalog(catalog: Catalog, f: CatalogFilter, sort: CatalogSort = 'name'): InstanceType[] {
  const out = catalog.instances.filter(
    (i) =>
      (!f.region || i.regions.includes(f.region)) &&
      (!f.families || f.families.includes(i.family)) &&
      (!f.arch || i.arch === f.arch) &&
      (f.minVcpu === undefined || i.vcpu >= f.minVcpu) &&
      (f.minMemoryGb === undefined || i.memoryGb >= f.minMemoryGb) &&
      (f.gpu === undefined || (i.gpus ?? 0) > 0 === f.gpu) &&
      (f.burstable === undefined || i.burstable === f.burstable) &&
      (f.currentGeneration === undefined || i.currentGeneration === f.currentGeneration) &&
      (f.priced === undefined || isPriced(i, f.region) === f.priced),
  );
  // Unpriced types sort after priced ones by price: "no price data" is not "free".
  const price = (i: InstanceType) => (f.region ? i.hourlyUsd[f.region] : Math.min(...Object.values(i.hourlyUsd))) ?? Infinity;
  const by: Record<CatalogSort, (a: InstanceType, b: InstanceType) => number> = {
    name: bySize,
    price: (a, b) => price(a) - price(b) || by.name(a, b),
    vcpu: (a, b) => a.vcpu - b.vcpu || a.memoryGb - b.memoryGb || by.name(a, b),
    memory: (a, b) => a.memoryGb - b.memoryGb || a.vcpu - b.vcpu || by.name(a, b),
  };
  return out.sort(by[sort]);
}

/** An on-demand price as shown: the number, or "no price data", never a silent blank. */
export function priceLabel(i: InstanceType, region: string): string {
  const usd = i.hourlyUsd[region];
  return usd === undefined ? NO_PRICE_DATA : `$${usd}/h`;
}

/** One row of `mosaic catalog list`. */
export function catalogRow(i: InstanceType, region?: string) {
  return {
    name: i.name,
    vcpu: i.vcpu,
    memoryGb: i.memoryGb,
    arch: i.arch,
    burstable: i.burstable ? 'yes' : '',
    gpus: i.gpus ? `${i.gpus}× ${i.gpuModel}` : (i.accelerators ?? ''),
    network: i.networkPerformance,
    instanceStorage: i.instanceStorageGb ? `${i.instanceStorageGb} GB ${i.instanceStorageType ?? ''}`.trim() : '',
    ...(region
      ? { price: priceLabel(i, region) }
      : {
          regions: i.regions.length,
          priced: Object.keys(i.hourlyUsd).length ? Object.keys(i.hourlyUsd).join(' ') : NO_PRICE_DATA,
        }),
  };
}

/** Regions with what the catalog knows of each: how many types they offer and how many it prices. */
export function regionSummary(catalog: Catalog) {
  return catalog.regions.map((region) => {
    const offered = catalog.instances.filter((i) => i.regions.includes(region));
    const priced = offered.filter((i) => i.hourlyUsd[region] !== undefined).length;
    const p = catalog.prices.regions[region];
    return {
      region,
      types: offered.length,
      priced,
      reserved: offered.filter((i) => i.reservedHourlyUsd[region] !== undefined).length,
      prices: priced ? `as of ${p!.asOf}` : NO_PRICE_DATA,
    };
  });
}
