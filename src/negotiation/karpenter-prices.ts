import { PriceListInvalid, type PriceListResult } from './price-list';
import type { RegionPrices } from './catalog';

/**
 * Reads the on-demand prices Karpenter ships in its Go module
 * (`github.com/aws/karpenter-provider-aws/pkg/providers/pricing/zz_generated.pricing_aws.go`),
 * the one price source this machine can reach: the Go module proxy serves it,
 * AWS does not answer here. Karpenter generates the file from the AWS Price
 * List API (Linux, shared tenancy, no pre-installed software: the same filter
 * as a Price List refresh), one map per region, and stamps it
 * "// generated at <time> for <region>". It holds no reserved, spot or EBS
 * prices, so a region read from it has on-demand prices only.
 */

const GENERATED = /^\/\/ generated at (\d{4}-\d{2}-\d{2})T[\d:]+Z?/m;
const REGION_OPEN = /^\s*"([a-z]{2}(?:-[a-z]+)+-\d+)":\s*\{\s*$/;
const ENTRY = /"([a-z][a-z0-9-]*\.[a-z0-9-]+)":\s*([0-9]+(?:\.[0-9]+)?)/g;

/** A Karpenter pricing file is Go source of `package pricing` with the generated map. */
export const isKarpenterPrices = (text: string) =>
  /^package pricing$/m.test(text) && /var InitialOnDemandPrices\w*\s*=\s*map\[string\]map\[/.test(text);

export function pricesFromKarpenter(text: string, source: string, only?: string[]): PriceListResult {
  if (!isKarpenterPrices(text))
    throw new PriceListInvalid(
      "expected Karpenter's generated pricing file (package pricing, var InitialOnDemandPrices… = map[string]map[…]float64{…})",
    );
  const generated = GENERATED.exec(text)?.[1];
  if (!generated) throw new PriceListInvalid('no "// generated at <time> for <region>" line: cannot date these prices');
  const described = `Karpenter's generated on-demand prices (${source}, generated ${generated} from the AWS Price List API): Linux, shared tenancy; no reserved prices`;
  const regions: Record<string, RegionPrices> = {};
  let region: RegionPrices | undefined;
  let products = 0;
  let priced = 0;
  text.split('\n').forEach((line, i) => {
    const open = REGION_OPEN.exec(line);
    if (open) {
      const code = open[1]!;
      region = only && !only.includes(code) ? undefined : (regions[code] ??= { source: described, asOf: generated, onDemand: {} });
      return;
    }
    if (/^\s*\},?\s*$/.test(line)) region = undefined;
    for (const [, type, usd] of line.matchAll(ENTRY)) {
      products++;
      const price = Number(usd);
      if (!(price > 0) || !Number.isFinite(price))
        throw new PriceListInvalid(`line ${i + 1}: ${type} has price ${usd}; expected a positive USD/hour`);
      if (!region) continue;
      region.onDemand[type!] = price;
      priced++;
    }
  });
  for (const [code, r] of Object.entries(regions)) if (!Object.keys(r.onDemand).length) delete regions[code];
  return { regions, products, priced };
}
