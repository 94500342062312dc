import { ApplicationFailure } from '@temporalio/activity';
import type { Connection } from 'mongoose';
import { consoleUrl } from '../config';
import { observationModel, personaModel } from '../models/persona';
import { fitBuiltinBudget } from '../negotiation/budget';
import { analyse, defaultPersonaOf, type Analysis } from '../negotiation/analyzer';
import { BUILTIN_PERSONAS } from '../negotiation/builtin-personas';
import corpus from '../negotiation/data/workload-corpus.json';
import { CATALOG } from '../negotiation/catalog';
import { compareUsage, placeholderReason, rightSize, type CostReport, type Evolution, type ObservedUsage } from '../negotiation/evolution';
import { protectionOf } from '../negotiation/firewall';
import { withPredicted, type MetricObservation } from '../negotiation/metric-usage';
import { storageUserData } from '../negotiation/storage-layout';
import type { PersonaBody } from '../negotiation/persona';
import { NO_PERSONA, parseNegotiationRequest, personaNote, regionNote, type NegotiationRequest } from '../negotiation/request';
import {
  ProposalInvalid,
  reviseProposal,
  solve,
  type Proposal,
  type ProposalChanges,
  type Requirements,
  type SolveResult,
} from '../negotiation/solver';
import type { LabelledDescription, TextModel } from '../negotiation/text-model';
import { analyzeWithLikeness, Likeness } from '../encoder/likeness';
import type { Logger } from '../logger';
import { answersSchema, type Answers } from '../negotiation/workload/questions';
import { metrics } from '../observability/metrics';
import { ProviderRejected } from '../providers/errors';
import { ProviderUnsupported, type Provider, type ResourceRef } from '../providers/provider';
import { nonRetryable, withStorage } from './errors';
import { whileHeartbeating } from './heartbeat';
import { countUsage, createPersonaVersion, findPersona, UnknownPersona } from './persona-store';
import { trainedTextModel } from './text-model-store';

export interface NegotiationSettings {
  /** Where reminders go when a round waits too long (unset: reminders are only recorded). */
  webhookUrl?: string;
  /** Base of the console's links (`MOSAIC_CONSOLE_URL`): a reminder carries the negotiation's page. */
  consoleUrl?: string;
}

export interface Analysed {
  request: NegotiationRequest;
  analysis: Analysis;
  requirements: Requirements;
  /** The persona the negotiation counts usage against. */
  persona: { account: string; name: string; version: number } | undefined;
  /** The persona's allowed ingress: the instance's security group. */
  ingress: PersonaBody['security']['ingress'];
}

export interface ProvisionedInstance {
  instance: ResourceRef;
  /** A multi-AZ agreement's second instance, in another zone than `instance`. */
  replica?: ResourceRef;
  key?: ResourceRef;
  provisionedAt: string;
}

export interface ReviewInput {
  negotiationId: string;
  request: NegotiationRequest;
  analysis: Analysis;
  agreed: Proposal;
  provisioned: ProvisionedInstance;
  /** Usage the application reported; without it, the provider's own observation. */
  reported?: ObservedUsage;
  /** The constraints in force at agreement: a right-sizing recommendation meets them too. */
  requirements?: Requirements;
}

export interface Review {
  observed?: ObservedUsage;
  evolution?: Evolution & { newVersion?: string };
  cost: CostReport;
  /** Why the observation taught nothing (no persona version, no training data), when it did not. */
  notLearned?: string;
}

const EXAMPLES = corpus.examples as unknown as LabelledDescription[];

/** Public-facing workloads get HTTPS from anywhere and nothing else from the internet. */
const PUBLIC_HTTPS = [{ protocol: 'tcp' as const, port: 443, cidr: '0.0.0.0/0' }];

/**
 * The instance's ingress: what the analysis read of its exposure wins over the
 * persona's defaults. Public: 443 only. Internal: the persona's private rules,
 * never a rule open to the internet.
 */
export function ingressOf(analysis: Analysis, persona: PersonaBody): PersonaBody['security']['ingress'] {
  if (analysis.publicIngress === true) return PUBLIC_HTTPS;
  if (analysis.publicIngress === false) return persona.security.ingress.filter((r) => r.cidr !== '0.0.0.0/0');
  return persona.security.ingress;
}

export function createNegotiationActivities(deps: {
  connection: Connection;
  providers: Record<string, Provider>;
  settings: NegotiationSettings;
  /** Where trained text models are kept (MOSAIC_CACHE_DIR): the same corpus is not trained twice. */
  cacheDir: string;
  logger?: Logger;
}) {
  const { connection, providers, settings, cacheDir, logger } = deps;
  const observations = observationModel(connection);
  // Loaded (about a second) the first time a description of no kind the rules know is analysed.
  const likeness = new Likeness(cacheDir, (reason) =>
    logger?.warn({ reason }, 'the workload analyzer runs without its sentence encoder: descriptions of no known kind go to the text model'),
  );

  /** The provider's own measurement of the agreed instance, or why there is none. */
  async function observeAgreed(ref: ResourceRef, agreed: Proposal, since: Date, until: Date): Promise<MetricObservation> {
    const provider = providers[ref.provider];
    if (!provider?.observeUsage)
      return { unobserved: `the ${ref.provider} provider measures nothing; report usage with mosaic negotiate usage` };
    const type = CATALOG.instances.find((i) => i.name === agreed.instanceType);
    if (!type) return { unobserved: `${agreed.instanceType} is not in the catalog: its vCPUs and memory are unknown` };
    return provider.observeUsage(ref, { since, until }, { vcpu: type.vcpu, memoryGb: type.memoryGb });
  }

  // The text model, retrained when agreed instances have taught it something new.
  let model: { count: number; model: Promise<TextModel> } | undefined;
  async function textModel(): Promise<TextModel> {
    const count = await observations.countDocuments();
    if (!model || model.count !== count) {
      const learned = (await observations.find().lean()).map(
        (o) => ({ text: o.text, role: o.role, profile: o.profile }) as LabelledDescription,
      );
      const previous = model?.model;
      model = { count, model: trainedTextModel([...EXAMPLES, ...learned], cacheDir) };
      previous?.then(
        (m) => m.dispose(),
        () => undefined,
      );
    }
    return model.model;
  }

  /** The analysis of a request and what every proposal must meet: the persona's boundary, the request's and the text's compliance. */
  async function analysed(request: NegotiationRequest, constraints: Requirements['constraints'], answers?: Answers) {
    const caller = { user: request.user, account: request.account };
    const withoutPersona = request.basePersona === NO_PERSONA;
    let base: (PersonaBody & { version: number; account: string }) | undefined;
    if (request.basePersona && !withoutPersona) {
      try {
        base = await withStorage('read persona', () => findPersona(connection, request.basePersona!, caller));
      } catch (err) {
        if (err instanceof UnknownPersona) throw nonRetryable(err);
        throw err;
      }
    }
    let analysis: Analysis;
    try {
      // A description of no kind the rules know is compared with described workloads (the sentence encoder);
      // the learned text model is trained (seconds) only when it is like none of them either.
      const read = request.workload.kind === 'text' ? await analyzeWithLikeness(request.workload.text, { answers }, likeness) : undefined;
      const placed = read?.role !== 'unknown';
      analysis = analyse(request.workload, base, placed ? undefined : await textModel(), undefined, answers, read?.likeness);
    } catch (err) {
      if ((err as { type?: string }).type === 'InvalidWorkloadDescription') throw nonRetryable(err);
      throw err;
    }
    const where = regionNote(request);
    if (where) analysis.notes.push(where);
    const persona = withoutPersona ? undefined : (base ?? defaultPersonaOf(analysis.role));
    // Without a persona nothing is opened but what the text says is public (443); the rest is what constraints and a modify add.
    const ingress = persona ? ingressOf(analysis, persona) : analysis.publicIngress === true ? PUBLIC_HTTPS : [];
    const requirements: Requirements = {
      profile: analysis.profile,
      headroom: analysis.headroom,
      compliance: [...new Set([...(persona?.security.compliance ?? []), ...request.compliance, ...analysis.compliance])],
      cost: persona?.cost,
      region: request.region,
      regionFrom: request.regionFrom,
      constraints,
      protection: protectionOf(analysis.role, { ingress, egress: persona?.security.egress ?? [] }),
      lifecycle: persona && { durationDays: persona.lifecycle.durationDays },
      availability: persona && { uptimePct: persona.lifecycle.expectedUptimePct },
      ...(analysis.schedule && {
        schedule: {
          hoursPerDay: analysis.schedule.hoursPerDay,
          daysPerWeek: analysis.schedule.daysPerWeek,
          startHour: analysis.schedule.startHour,
        },
      }),
    };
    if (base || !persona) return { analysis, requirements, persona, base };
    const budget = fitBuiltinBudget(requirements, persona.name);
    if (budget.note) analysis.notes.push(budget.note);
    return { analysis, requirements: budget.requirements, persona, base };
  }

  const providerOf = (name: string): Provider => {
    const provider = providers[name];
    if (!provider) {
      throw ApplicationFailure.nonRetryable(
        `provider ${name} is not configured on this worker${name === 'aws' ? '; set MOSAIC_AWS_REGION (and MOSAIC_AWS_ENDPOINT for a local endpoint)' : ''}`,
        'ProviderNotConfigured',
      );
    }
    return provider;
  };

  return {
    /** Request → predicted profile and the requirements every proposal must meet. */
    async analyseWorkload(input: unknown): Promise<Analysed> {
      let request: NegotiationRequest;
      try {
        request = parseNegotiationRequest(input);
      } catch (err) {
        throw nonRetryable(err);
      }
      const { analysis, requirements, persona, base } = await analysed(request, request.constraints);
      analysis.notes.push(personaNote(persona && { ...persona, builtin: !base }, requirements));
      const counted = persona && (base ?? { ...persona, version: 1, account: 'mosaic' });
      if (counted)
        await withStorage('count persona use', () =>
          countUsage(connection, counted, `${request.negotiationId}/used`, { used: 1, agreements: 0, rounds: 0 }),
        );
      return {
        request,
        analysis,
        requirements,
        persona: counted && { account: counted.account, name: counted.name, version: counted.version },
        ingress: requirements.protection!.firewall.ingress,
      };
    },

    /**
     * The analysis again with the person's answers to its questions: a new
     * profile, compliance and exposure, the constraints added so far kept. The
     * persona counted at the start stays the one counted.
     */
    async reanalyseWorkload(input: { analysed: Analysed; answers: unknown }): Promise<Analysed> {
      const parsed = answersSchema.safeParse({ ...input.analysed.analysis.answers, ...(input.answers as object) });
      if (!parsed.success)
        throw ApplicationFailure.nonRetryable(
          parsed.error.issues.map((i) => `answers.${i.path.join('.')}: ${i.message}`).join('; '),
          'AnswersRejected',
        );
      const { request } = input.analysed;
      if (request.workload.kind !== 'text')
        throw ApplicationFailure.nonRetryable('a structured workload states its numbers: there is nothing to answer', 'AnswersRejected');
      const { analysis, requirements } = await analysed(request, input.analysed.requirements.constraints, parsed.data);
      return { ...input.analysed, analysis, requirements, ingress: requirements.protection!.firewall.ingress };
    },

    /** The k Pareto-optimal, diverse proposals of a round, or the conflict and its nearest relaxations. */
    async proposeInstances(input: {
      requirements: Requirements;
      round: number;
      k: number;
      after?: 'reject' | 'addConstraints' | 'answerQuestions';
      /** Softer readings of the same answer, tried in order when the requirements have no solution. */
      fallbacks?: Requirements[];
    }): Promise<SolveResult & { fallback?: number }> {
      let result: SolveResult & { fallback?: number } = solve(input.requirements, { k: input.k, idPrefix: `r${input.round}-p` });
      for (const [i, softer] of (input.fallbacks ?? []).entries()) {
        if (result.ok) break;
        result = { ...solve(softer, { k: input.k, idPrefix: `r${input.round}-p` }), fallback: i };
      }
      // New proposals end the round the response asked for them; a conflict leaves the round open,
      // except on the first proposals, where it ends the negotiation.
      if (result.ok && input.after) metrics.negotiationRound(input.after);
      if (!result.ok && input.round === 1) metrics.outcome('negotiate', 'failed');
      return result;
    },

    /** A proposal changed by its reader, re-validated and re-priced; a change that breaks a constraint is refused. */
    async reviseProposal(input: { proposal: Proposal; changes: ProposalChanges; requirements: Requirements }): Promise<Proposal> {
      try {
        return reviseProposal(input.proposal, input.changes, input.requirements);
      } catch (err) {
        if (err instanceof ProposalInvalid) throw nonRetryable(err);
        throw err;
      }
    },

    /** A round has waited its time: tell the configured webhook, once per round and reminder. */
    async sendReminder(input: {
      negotiationId: string;
      round: number;
      reminder: number;
      proposals: string[];
    }): Promise<{ sent: boolean; status?: number }> {
      if (!settings.webhookUrl) return { sent: false };
      const response = await fetch(settings.webhookUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': `${input.negotiationId}/round-${input.round}/reminder-${input.reminder}`,
        },
        body: JSON.stringify({
          event: 'negotiation.waiting',
          ...input,
          ...(settings.consoleUrl && { consoleUrl: consoleUrl(settings.consoleUrl, input.negotiationId) }),
        }),
        signal: AbortSignal.timeout(10_000),
      });
      if (response.status >= 400 && response.status < 500) {
        throw ApplicationFailure.nonRetryable(`reminder: ${settings.webhookUrl} refused it with ${response.status}`, 'ReminderRejected');
      }
      if (!response.ok) throw new Error(`reminder: ${settings.webhookUrl} answered ${response.status}`);
      return { sent: true, status: response.status };
    },

    /**
     * The agreed configuration, made once: every side effect is keyed by the
     * negotiation, so a retry (or a second worker) finds what the first made.
     */
    async provisionInstance(input: {
      negotiationId: string;
      provider: string;
      proposal: Proposal;
      ingress: PersonaBody['security']['ingress'];
    }): Promise<ProvisionedInstance> {
      const provider = providerOf(input.provider);
      const { proposal: p } = input;
      try {
        return await whileHeartbeating(async () => {
          const key =
            p.security.encryption === 'kms'
              ? await provider.createKey({ key: `${input.negotiationId}/kms`, alias: input.negotiationId, region: p.region })
              : undefined;
          const start = (role: 'instance' | 'replica', zone?: number) =>
            provider.startService({
              key: `${input.negotiationId}/${role}`,
              name: `negotiated-${input.negotiationId}${role === 'replica' ? '-replica' : ''}`,
              instanceType: p.instanceType,
              region: p.region,
              zone,
              volumes: Array.from({ length: p.storage.volumes }, () => ({
                type: p.storage.volumeType,
                sizeGb: p.storage.sizeGbEach,
                iops: p.storage.iopsEach,
                throughputMBps: p.storage.throughputMBpsEach,
                kmsKeyId: key?.id,
              })),
              rootVolume: { kmsKeyId: key?.id },
              tenancy: p.security.tenancy,
              // What was proposed is what is built: the proposal's firewall both ways (older proposals carry only the persona's ingress).
              ingress: p.protection?.firewall.ingress ?? input.ingress,
              egress: p.protection?.firewall.egress,
              userData: storageUserData(p.storage),
            });
          // A multi-AZ layout: the primary in the region's first zone, its replica in the second, each its own key.
          const instance = await start('instance', p.availability ? 0 : undefined);
          const replica = p.availability ? await start('replica', 1) : undefined;
          return { instance, ...(replica && { replica }), key, provisionedAt: new Date().toISOString() };
        });
      } catch (err) {
        if (err instanceof ProviderRejected || err instanceof ProviderUnsupported) throw nonRetryable(err);
        throw err;
      }
    },

    /** Usage counters of the persona: once per negotiation however often retried. */
    async concludeNegotiation(input: {
      negotiationId: string;
      persona?: Analysed['persona'];
      agreed: boolean;
      rounds: number;
      status?: string;
    }): Promise<void> {
      if (input.agreed) metrics.negotiationRound('accept');
      metrics.outcome('negotiate', input.agreed ? 'agreed' : (input.status ?? 'not-agreed'));
      if (!input.persona) return;
      await withStorage('count persona agreement', () =>
        countUsage(connection, input.persona!, `${input.negotiationId}/concluded`, {
          used: 0,
          agreements: input.agreed ? 1 : 0,
          rounds: input.agreed ? input.rounds : 0,
        }),
      );
    },

    /**
     * After the observation window: observed usage against the prediction. A
     * persona version is proposed when they differ beyond the threshold, the
     * description and what it really needed become training data, and the
     * running cost comes with a right-sizing recommendation.
     */
    async reviewInstance(input: ReviewInput): Promise<Review> {
      const since = new Date(input.provisioned.provisionedAt);
      const until = new Date();
      const measured = input.reported
        ? { usage: input.reported }
        : await observeAgreed(input.provisioned.instance, input.agreed, since, until);
      // What was not measured keeps the prediction: it neither confirms nor contradicts it.
      const observed = 'usage' in measured ? withPredicted(measured.usage, input.analysis.profile) : undefined;
      const unobserved = 'unobserved' in measured ? measured.unobserved : undefined;
      const placeholder = observed && placeholderReason(observed);
      // A placeholder's usage does not right-size anything either: the recommendation needs the real workload's figures.
      const cost = rightSize(input.agreed, input.analysis.headroom, since, until, placeholder ? undefined : observed, input.requirements);
      if (!observed) return { cost, ...(unobserved && { notLearned: unobserved }) };
      const evolution = compareUsage(input.analysis.profile, observed, input.request.observe.threshold);
      if (placeholder) return { observed, evolution, cost, notLearned: placeholder };
      if (!evolution.differs) return { observed, evolution, cost };
      const caller = { user: input.request.user, account: input.request.account };
      const basis =
        input.request.basePersona && input.request.basePersona !== NO_PERSONA
          ? await withStorage('read persona', () => findPersona(connection, input.request.basePersona!, caller)).catch(() => undefined)
          : undefined;
      const body = basis ?? BUILTIN_PERSONAS.find((p) => p.role === input.analysis.role)!;
      const owned = basis && basis.account === caller.account;
      const name = owned ? basis.name : `${input.negotiationId.slice(0, 52)}-observed`;
      const created = await withStorage('propose persona version', async () => {
        // A retried review finds the version its first attempt proposed.
        const existing = await personaModel(connection).findOne({ account: caller.account, name, derivedFrom: input.negotiationId }).lean();
        if (existing) return existing;
        return createPersonaVersion(
          connection,
          caller,
          {
            name,
            description: body.description,
            role: body.role,
            tags: body.tags,
            performance: { series: evolution.series, storageGb: body.performance.storageGb },
            security: body.security,
            lifecycle: body.lifecycle,
            cost: body.cost,
          },
          { visibility: 'private', status: 'proposed', parentVersion: owned ? basis.version : undefined, derivedFrom: input.negotiationId },
        );
      });
      if (input.request.workload.kind === 'text') {
        await withStorage('record observation', () =>
          observations.updateOne(
            { key: input.negotiationId },
            {
              $setOnInsert: {
                key: input.negotiationId,
                text: input.request.workload.kind === 'text' ? input.request.workload.text : '',
                role: input.analysis.role,
                profile: evolution.observedProfile,
                observedAt: new Date(),
              },
            },
            { upsert: true },
          ),
        );
      }
      return { observed, evolution: { ...evolution, newVersion: `${created.name}@${created.version}` }, cost };
    },
  };
}

export type NegotiationActivities = ReturnType<typeof createNegotiationActivities>;
