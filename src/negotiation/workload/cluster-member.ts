import type { Facts } from './facts';
import type { WorkloadKind } from './kinds';

/** What a cluster's machines are called, as counted in the facts. */
const MEMBERS = ['node', 'broker', 'shard', 'member', 'bookie', 'historical', 'server', 'worker', 'instance', 'vm'] as const;
const MEMBER = `(?:(?:data|storage|index(?:ing)?|kafka|cassandra|clickhouse|elastic(?:search)?|opensearch|minio)[ -])?(${MEMBERS.join('|')})s?`;

/** "sizing is ", "size below is ", "spec please ": what comes before "per node" when the request is sized per node. */
const SIZING = `\\b(?:size|sizing|spec|specs)(?: below| here| above)?(?: is| please| pls)? `;

/**
 * "Please spec one broker", "size one shard node", "this request = one node",
 * "this ticket is for ONE of the 3 members", "what should each broker look
 * like": the request is for one machine of a cluster the text counts.
 */
const ASKS_FOR_ONE = [
  new RegExp(
    `\\b(?:size|spec|specify|sizing|request(?:ing)?|ticket|ask|provision|quote)\\b(?:\\s+(?:is|=|for|just|only|please|me))*\\s+(?:(?:one|1|a single|each|une?|una?|uma?|eine[nm]?)(?:\\s+of\\s+(?:the|our)(?:\\s+\\d+)?)?|the)\\s+(?:[a-z-]+\\s+){0,2}?${MEMBER}\\b`,
  ),
  new RegExp(`\\b(?:what should|how (?:big|large) should)\\s+(?:each|one|a single)\\s+(?:[a-z-]+\\s+)?${MEMBER}\\b`),
  new RegExp(`\\b(?:each|one|1|a single|per)\\s+${MEMBER}\\s+(?:spec|sizing|size)\\b`),
  // "5 hot data nodes total; request is for one (we'll scale the template)", "this ticket is for one of them".
  /\b(?:request|ticket)(?: is)? for (?:one|1)(?: of them\b)?(?=\s*[(),.;]|\s*$| of them\b)/,
  // "3 brokers, this is per broker".
  new RegExp(`\\b(?:this|it|that) is (?:per|for one|for a single|for each)\\s+${MEMBER}\\b`),
  // "This ticket is for broker sizing (per broker, we'll clone it x3)".
  new RegExp(`\\bfor\\s+${MEMBER}\\s+sizing\\b|\\(per\\s+${MEMBER}\\b`),
  // "Sizing is per node", "size per node", "per-node sizing please", "3 hot nodes. Per node.".
  new RegExp(
    `${SIZING}per[- ]${MEMBER}\\b|\\bper[- ]${MEMBER} (?:sizing|spec|size)\\b|(?:^|[.;:!?\\n]\\s*)per ${MEMBER}\\s*(?:[.;!\\n]|$)`,
  ),
];

/**
 * "Elasticsearch 8.13 data node for semantic search … 3 data nodes": a request
 * whose subject is one member, in the singular. Its figures are the cluster's
 * unless the text gives some per member ("each should sustain 100k ops/s").
 */
const SINGULAR_SUBJECT = new RegExp(
  `^\\W*(?:(?:an?|one|new) )?(?:[\\w.-]+ ){0,3}?(?:(?:data|storage|index(?:ing)?)[ -])?(${MEMBERS.join('|')})\\b(?!s\\b|[ -](?:pool|group|type|count|spec)s?\\b)`,
);
// "each should sustain", "each member holds", "40 req/s per node": not "each with a 768-dim vector", "2 KB each" or
// "sizing is per node".
const PER_MEMBER_FIGURES = new RegExp(
  `\\beach (?!(?:with|of|about|around|at|in|for|time|day|night|month|week|year|one)\\b)[a-z]|(?<!${SIZING})\\bper[- ]${MEMBER}\\b(?! (?:sizing|spec|size)\\b)`,
);

/** "per_node:\n  hot_items: ~80GB": the figures under it are one member's already. */
const PER_MEMBER_BLOCK = new RegExp(`\\bper[_ ]${MEMBER}\\s*:`);

/** "Kafka broker request (1 of 5 in cluster)", "one historical node out of 4", "MinIO node, 1 of 4": the count is in the phrase. */
const ONE_OF_N = [
  new RegExp(`${MEMBER}\\b[^.]{0,30}?\\b(?:1|one) (?:out )?of (?:the |our )?(\\d+)\\b`),
  new RegExp(`\\b(?:1|one) (?:[a-z-]+ )?${MEMBER} (?:out )?of (?:the |our |a |an )?(\\d+)(?:-node)?\\b`),
  // "Kafka, one of 4 brokers": the member named after the count (read ahead, so the member is still the first group).
  new RegExp(`\\b(?=(?:1|one) (?:out )?of (?:the |our )?\\d+ ${MEMBER}\\b)(?:1|one) (?:out )?of (?:the |our )?(\\d+)`),
];

/**
 * Kinds whose capacity model sizes the whole cluster from the data it holds
 * (a broker's log × replication, a search index × replicas, a wide-column
 * store × RF, a warehouse's shards, an object store's erasure set): one
 * member of N carries 1/N of it. A replica set is not among them: each of
 * its members holds everything.
 */
const SPREAD_OVER_MEMBERS: ReadonlySet<WorkloadKind> = new Set([
  'message-broker',
  'search-engine',
  'wide-column-store',
  'data-warehouse',
  'object-storage',
  // A cache's model sizes one copy of its data, spread over the primaries (see the end of membersSharing).
  'cache',
  // "~2k rps peak across the service … 4 identical instances; this request is for ONE": the traffic shared among them
  // (only when the text says its figures are the fleet's, see FLEET_TOTAL: a Puma worker's RSS is one instance's).
  'web-application',
]);

const FLEET_TOTAL =
  /\b(across|over|for) (the|all|our) (service|fleet|instances|cluster|pool)\b|\b(in total|total|cluster[- ]wide|service[- ]wide|fleet[- ]wide)\b/;

/** Relational engines that spread their rows over the nodes, RF copies of each range, unlike a primary and its replicas. */
const DISTRIBUTED_SQL = /\b(cockroach(db)?|yugabyte(db)?|tidb|citus|vitess)\b/;

/**
 * How many machines the sized load is spread over when the text asks for one
 * of them; 1 when it asks for the whole, names no count, or the kind's model
 * sizes one machine already.
 */
export function membersSharing(kind: WorkloadKind | 'unknown', facts: Facts, text: string): { members: number; noun: string } {
  const none = { members: 1, noun: '' };
  if (kind === 'unknown' || !(SPREAD_OVER_MEMBERS.has(kind) || (kind === 'relational-database' && DISTRIBUTED_SQL.test(text)))) return none;
  // A web service's rates are the fleet's when said so, or when nothing in the text is one instance's ("40 req/s per
  // node", "each worker ~600 MB RSS").
  if (kind === 'web-application' && !FLEET_TOTAL.test(text) && (PER_MEMBER_FIGURES.test(text) || !Object.keys(facts.rates).length))
    return none;
  // RabbitMQ's quorum and mirrored queues put every message on every member: nothing is shared out.
  if (kind === 'message-broker' && /\b(quorum|mirrored) queues?\b/.test(text)) return none;
  // "part of a cluster of 3", "one member of a 5-node cluster".
  const partOf = /\b(?:part|one member|a member) of an? (?:(\d+)-node )?cluster(?: of (\d+))?\b/.exec(text);
  const inCluster = Number(partOf?.[1] ?? partOf?.[2]);
  if (inCluster > 1) return { members: inCluster, noun: 'member' };
  for (const pattern of ONE_OF_N) {
    const asked = pattern.exec(text);
    if (asked && Number(asked[2]) > 1) return { members: Number(asked[2]), noun: asked[1]! };
  }
  const asked =
    ASKS_FOR_ONE.map((pattern) => pattern.exec(text)).find(Boolean) ?? (PER_MEMBER_FIGURES.test(text) ? null : SINGULAR_SUBJECT.exec(text));
  if (!asked) return none;
  // "request is for one": of the machines the text counts, whatever it calls them.
  const noun = asked[1] ?? 'node';
  // The cluster's size: the count of what is asked for, or of its nodes ("2 shards … one shard node").
  const counted = [facts.counts[noun], ...MEMBERS.map((m) => facts.counts[m])].filter((c): c is number => !!c && c > 1);
  if (!counted.length || PER_MEMBER_BLOCK.test(text)) return none;
  const members = Math.max(...counted);
  if (kind !== 'cache') return { members, noun };
  // "6 shards x 1 replica = 12 nodes": each replica holds its primary's share, so the data is spread over 6.
  const primaries = facts.counts.shard ?? members / (1 + (facts.replicas ?? 0));
  return primaries > 1 ? { members: primaries, noun } : none;
}
