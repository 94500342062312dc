import type { EbsPrices, PriceTable, RegionPrices } from './catalog';

/**
 * Reads EC2 prices from the AWS Price List, in either of its two shapes:
 * - the bulk offer file (`offers/v1.0/aws/AmazonEC2/current/<region>/index.json`):
 *   `products` by SKU and `terms.OnDemand` / `terms.Reserved` by SKU;
 * - a Pricing API `GetProducts` answer (`aws pricing get-products --service-code AmazonEC2 …`,
 *   or @aws-sdk/client-pricing): `PriceList`, each entry a JSON string of one
 *   product with its terms.
 * Only what the catalog prices is kept: Linux, shared tenancy, no
 * pre-installed software, capacity "Used" (not reservations of capacity).
 * The Price List has no spot prices; reserved prices are the 1-year standard
 * no-upfront rate per hour.
 */

export class PriceListInvalid extends Error {
  readonly type = 'PriceListInvalid';
  constructor(message: string) {
    super(message);
    this.name = 'PriceListInvalid';
  }
}

interface Product {
  sku: string;
  productFamily?: string;
  attributes?: Record<string, string>;
}

interface Term {
  priceDimensions?: Record<string, { unit?: string; pricePerUnit?: Record<string, string> }>;
  termAttributes?: Record<string, string>;
}

type TermsBySku = Record<string, Record<string, Term>>;

interface Offer {
  products: Record<string, Product>;
  onDemand: TermsBySku;
  reserved: TermsBySku;
  /** Publication, as the document states it. */
  version?: string;
  publicationDate?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function fromOfferFile(doc: Record<string, unknown>): Offer {
  if (doc.offerCode !== undefined && doc.offerCode !== 'AmazonEC2')
    throw new PriceListInvalid(`offerCode: expected AmazonEC2 (the EC2 offer file), got ${JSON.stringify(doc.offerCode)}`);
  if (!isObject(doc.products)) throw new PriceListInvalid('products: expected an object of products by SKU (an offer file)');
  if (!isObject(doc.terms)) throw new PriceListInvalid('terms: expected an object with OnDemand and Reserved terms by SKU');
  return {
    products: doc.products as Record<string, Product>,
    onDemand: (isObject(doc.terms.OnDemand) ? doc.terms.OnDemand : {}) as TermsBySku,
    reserved: (isObject(doc.terms.Reserved) ? doc.terms.Reserved : {}) as TermsBySku,
    version: typeof doc.version === 'string' ? doc.version : undefined,
    publicationDate: typeof doc.publicationDate === 'string' ? doc.publicationDate : undefined,
  };
}

function fromGetProducts(list: unknown[]): Offer {
  const offer: Offer = { products: {}, onDemand: {}, reserved: {} };
  list.forEach((entry, i) => {
    let item: unknown;
    try {
      item = typeof entry === 'string' ? JSON.parse(entry) : entry;
    } catch {
      throw new PriceListInvalid(`PriceList.${i}: expected a JSON string of one product with its terms`);
    }
    if (!isObject(item) || !isObject(item.product) || typeof item.product.sku !== 'string')
      throw new PriceListInvalid(`PriceList.${i}: expected { product: { sku, attributes }, terms } as GetProducts returns`);
    const sku = item.product.sku;
    offer.products[sku] = item.product as unknown as Product;
    const terms = isObject(item.terms) ? item.terms : {};
    if (isObject(terms.OnDemand)) offer.onDemand[sku] = terms.OnDemand as Record<string, Term>;
    if (isObject(terms.Reserved)) offer.reserved[sku] = terms.Reserved as Record<string, Term>;
    if (typeof item.publicationDate === 'string') offer.publicationDate ??= item.publicationDate;
    if (typeof item.version === 'string') offer.version ??= item.version;
  });
  return offer;
}

/** The USD rate of a term in the given unit ("Hrs", "GB-Mo", "IOPS-Mo"), if it has that dimension. */
function rate(term: Term, unit = 'Hrs'): number | undefined {
  for (const d of Object.values(term.priceDimensions ?? {})) {
    if (d.unit !== unit) continue;
    const usd = Number(d.pricePerUnit?.USD);
    if (Number.isFinite(usd) && usd > 0) return usd;
  }
  return undefined;
}

const isCatalogCompute = (a: Record<string, string>) =>
  a.operatingSystem === 'Linux' &&
  a.tenancy === 'Shared' &&
  (a.preInstalledSw ?? 'NA') === 'NA' &&
  (a.capacitystatus ?? 'Used') === 'Used' &&
  (a.licenseModel ?? 'No License required') === 'No License required' &&
  (a.operation ?? 'RunInstances') === 'RunInstances';

export interface PriceListResult {
  regions: Record<string, RegionPrices>;
  /** Products read, and how many of them became a price. */
  products: number;
  priced: number;
}

/**
 * The price tables of every region the document prices (or of `only`),
 * each with its source: the document, its version and publication date.
 */
export function pricesFromPriceList(doc: unknown, source: string, only?: string[]): PriceListResult {
  if (!isObject(doc)) throw new PriceListInvalid('expected a JSON object: an EC2 offer file or a GetProducts answer');
  const offer = Array.isArray(doc.PriceList) ? fromGetProducts(doc.PriceList) : fromOfferFile(doc);
  const asOf = (offer.publicationDate ?? '').slice(0, 10) || 'unknown';
  const described = `AWS Price List${offer.version ? ` version ${offer.version}` : ''}${offer.publicationDate ? ` published ${offer.publicationDate}` : ''} (${source}): Linux, shared tenancy; reserved = 1-year standard no-upfront`;
  const regions: Record<string, RegionPrices> = {};
  let priced = 0;
  const products = Object.values(offer.products);
  for (const product of products) {
    const a = product.attributes ?? {};
    if (product.productFamily !== 'Compute Instance' || !isCatalogCompute(a) || !a.instanceType || !a.regionCode) continue;
    if (only && !only.includes(a.regionCode)) continue;
    const onDemand = Object.values(offer.onDemand[product.sku] ?? {})
      .map((t) => rate(t))
      .find((v) => v !== undefined);
    if (onDemand === undefined) continue;
    const region = (regions[a.regionCode] ??= { source: described, asOf, onDemand: {}, reserved1yr: {} });
    region.onDemand[a.instanceType] = onDemand;
    priced++;
    const reserved = Object.values(offer.reserved[product.sku] ?? {}).find(
      (t) =>
        t.termAttributes?.LeaseContractLength === '1yr' &&
        t.termAttributes.OfferingClass === 'standard' &&
        t.termAttributes.PurchaseOption === 'No Upfront',
    );
    const reservedRate = reserved && rate(reserved);
    if (reservedRate !== undefined) region.reserved1yr![a.instanceType] = reservedRate;
  }
  for (const [regionCode, ebs] of Object.entries(ebsPrices(offer, only))) {
    const region = regions[regionCode];
    // EBS prices without instance prices make no table: storage is priced with the instances it is attached to.
    if (region) region.ebs = ebs;
  }
  return { regions, products: products.length, priced };
}

/**
 * EBS list prices per region: GB-month of gp3, io2 and st1 volumes and
 * IOPS-month provisioned on gp3 and io2 (io2's first tier, up to 32,000).
 * A region gets them only when all five are there.
 */
function ebsPrices(offer: Offer, only?: string[]): Record<string, EbsPrices> {
  const found: Record<string, Partial<EbsPrices>> = {};
  for (const product of Object.values(offer.products)) {
    const a = product.attributes ?? {};
    if (!a.regionCode || (only && !only.includes(a.regionCode))) continue;
    const usage = a.usagetype ?? '';
    const field: keyof EbsPrices | undefined =
      product.productFamily === 'Storage'
        ? ({ gp3: 'gp3Gb', io2: 'io2Gb', st1: 'st1Gb' } as const)[a.volumeApiName as 'gp3' | 'io2' | 'st1']
        : product.productFamily === 'System Operation' && /VolumeP-IOPS\.(gp3|io2)$/.test(usage)
          ? (`${a.volumeApiName}Iops` as 'gp3Iops' | 'io2Iops')
          : undefined;
    if (!field) continue;
    const usd = Object.values(offer.onDemand[product.sku] ?? {})
      .map((t) => rate(t, field.endsWith('Gb') ? 'GB-Mo' : 'IOPS-Mo'))
      .find((v) => v !== undefined);
    if (usd !== undefined) (found[a.regionCode] ??= {})[field] = usd;
  }
  const complete = (e: Partial<EbsPrices>): e is EbsPrices => EBS_FIELDS.every((f) => e[f] !== undefined);
  return Object.fromEntries(Object.entries(found).filter(([, e]) => complete(e))) as Record<string, EbsPrices>;
}

const EBS_FIELDS = ['gp3Gb', 'gp3Iops', 'io2Gb', 'io2Iops', 'st1Gb'] as const;

/** The table with the refreshed regions replaced whole (a price gone from the list is gone from the table), the others kept. */
export function mergePrices(table: PriceTable, fresh: Record<string, RegionPrices>): PriceTable {
  const sortKeys = <T>(o: Record<string, T>) =>
    Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })));
  const regions = sortKeys({ ...table.regions, ...fresh });
  return {
    regions: Object.fromEntries(
      Object.entries(regions).map(([r, p]) => [
        r,
        { ...p, onDemand: sortKeys(p.onDemand), ...(p.reserved1yr ? { reserved1yr: sortKeys(p.reserved1yr) } : {}) },
      ]),
    ),
  };
}
