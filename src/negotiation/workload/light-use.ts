import type { Facts } from './facts';

/**
 * Machines that do little themselves: "throwaway data, just for integration tests", "the heavy lifting happens in the
 * warehouse, the box just compiles and submits SQL". Light use here, and a tenth of a default in the models' scale.
 */
export const DOES_LITTLE =
  /\b(throw-?away|disposable|integration tests?|heavy lifting happens (in|on)|just (compiles|submits|triggers|orchestrates))\b/;

/**
 * Light use said in words: "a small Postgres", "tiny", "side project", "low traffic", "nothing fancy", "for me and five
 * friends". Not "small messages" or "small files" (nor "rows are small", below): those are sizes of what it holds, not of the workload.
 */
const SAID_LIGHT =
  /\b(tiny|smallish|modest|little|side[- ]project|hobby|personal|toy|hackathon|home ?lab|low[- ](traffic|volume|load|usage)|light(ly)?[- ](used|use|load|traffic|usage)|nothing fancy|barely used|rarely used|proof of concept|poc|prototype|me and (my |\w+ )?friends|family)\b|\b(?:is|are|it's|its|pretty|fairly|quite|very|rather|really) small\b|\bsmall\s*[:,(]|\bsmall\s+(?:[a-z0-9-]+\s+)?(?:company|team|office|shop|store|business|practice|site|website|project|app|instance|server|vm|box|machine|db|database|cluster|setup|deployment|install\w*|workload|service|redis|postgres(?:ql)?|mysql|mariadb|mongo(?:db)?|queue|broker|cache|rabbitmq|elasticsearch|meilisearch|typesense|bucket|share|nas)\b/;
/** Light use in words: said so, or a machine that does little itself. */
const LIGHT_WORDS = new RegExp(`${SAID_LIGHT.source}|${DOES_LITTLE.source}`, 'g');

/** Light words said not to hold: "not a small setup", "it's not small", "by no means tiny". */
const NEGATED = /\b(not|no|isn't|aren't|never|hardly|by no means)\s+(?:(?:a|an|so|that|very|really|exactly|at all)\s+)*$/;

/** Busier than this a second, or more people than this, is not light use whatever the words. */
const LIGHT_RATE_PER_SECOND = 10;
const LIGHT_USERS = 500;

/** A store this small, or a search over this few pages, fits the smallest machine whatever else is said. */
const LIGHT_DATA_GIB = 5;
const LIGHT_ITEMS = 20_000;
/** What no light-use machine holds or takes in a day, whoever uses it. */
const HEAVY_DATA_GIB = 100;
const HEAVY_INGEST_GIB_PER_DAY = 10;
const ITEMS = ['page', 'document', 'doc', 'article', 'post', 'recipe', 'product', 'record', 'row', 'item'];

/** "rows are small", "messages are mostly tiny": the size of what it holds, said as a sentence. */
const ITEMS_ARE_SMALL =
  /\b(rows?|messages?|msgs|files?|documents?|docs|records?|items?|objects?|payloads?|events?|values?|keys|entries|images?|writes|reads|transactions|updates|queries|pages?) (are|is) (all |mostly |usually |very |quite |pretty )?(small|tiny)\b/g;

/**
 * Whether a description reads as light use: said so ("small: under 1 GB, 2k reads/s" is the writer's own
 * judgement), or every rate and head count it states is small (a few hundred messages a minute, a few thousand
 * logins a day, an office of 120), or all it holds is a few GB or a few thousand pages. A description that states
 * none of these is not light: it is sized as the production server it most likely is.
 */
export function readsAsLight(description: string, facts: Facts): boolean {
  const text = description.replace(ITEMS_ARE_SMALL, ' ');
  if ([...text.matchAll(LIGHT_WORDS)].some((m) => !NEGATED.test(text.slice(Math.max(0, m.index - 24), m.index)))) return true;
  // A few people over a lot of data ("150 GB a day of logs, ~20 people querying") is not light use.
  if ((facts.dataGib ?? 0) >= HEAVY_DATA_GIB || (facts.ingestGibPerDay ?? 0) >= HEAVY_INGEST_GIB_PER_DAY) return false;
  const rates = Object.values(facts.rates);
  // Everyone at once is a load whatever the count: 50 concurrent video visits are not an office of 50.
  if (facts.users.concurrent !== undefined) return false;
  const users = Object.values(facts.users).filter((n): n is number => n !== undefined);
  if (rates.some((r) => r >= LIGHT_RATE_PER_SECOND) || users.some((n) => n >= LIGHT_USERS)) return false;
  if (rates.length + users.length > 0) return true;
  const items = ITEMS.map((i) => facts.counts[i]).filter((n): n is number => n !== undefined);
  return (facts.dataGib !== undefined && facts.dataGib < LIGHT_DATA_GIB) || (items.length > 0 && items.every((n) => n < LIGHT_ITEMS));
}
