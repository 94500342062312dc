import type { Connection } from 'mongoose';
import { actorModel } from './actor';
import { auditModel } from './audit';
import { generationModel } from './generation';
import { governedModel } from './governed';
import { handlerMetricsModel, handlerModel } from './handler';
import { healthProbeModel } from './health-probe';
import { accountUsageModel, inventoryModel } from './inventory';
import { nonceModel } from './nonce';
import { outcomeModel } from './outcome';
import { observationModel, personaModel, personaUsageModel } from './persona';
import { decisionModelChunkModel, decisionModelPointerModel, decisionModelVersionModel, retrainLeaseModel } from './decision-model';
import { policyHeadModel, policyModel } from './policy';
import { rootKeySetModel } from './root-key-set';
import { scriptResourceModel } from './script-resource';
import { captureModel, compositionModel, hostModel, impactModelModel, templateModel } from './snapshot';

/** Every model of the store (test/integration/indexes.test.ts checks none is left out). */
export const MODELS = [
  accountUsageModel,
  actorModel,
  auditModel,
  generationModel,
  governedModel,
  handlerModel,
  handlerMetricsModel,
  healthProbeModel,
  inventoryModel,
  nonceModel,
  outcomeModel,
  personaModel,
  personaUsageModel,
  observationModel,
  policyModel,
  policyHeadModel,
  decisionModelVersionModel,
  decisionModelChunkModel,
  decisionModelPointerModel,
  retrainLeaseModel,
  rootKeySetModel,
  scriptResourceModel,
  templateModel,
  hostModel,
  captureModel,
  impactModelModel,
  compositionModel,
];

/**
 * Unique indexes are Mosaic's once-guards (an outcome per workflow, a nonce per
 * signed request, a persona or model version per number, a snapshot
 * composition per workflow): the worker builds them, and every other index,
 * before it takes work, so the first writes on a fresh database are guarded too.
 * One left to mongoose's background autoIndex let two workers starting at once
 * insert the same built-in personas twice, before its index existed.
 */
export async function ensureIndexes(connection: Connection): Promise<void> {
  // createIndexes, not init: it builds them whatever the connection's autoIndex says.
  await Promise.all(MODELS.map((model) => model(connection).createIndexes()));
}
