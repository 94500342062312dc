import type { Connection } from 'mongoose';
import { actorModel } from './actor';
import { auditModel } from './audit';
import { handlerMetricsModel, handlerModel } from './handler';
import { healthProbeModel } from './health-probe';
import { inventoryModel } from './inventory';
import { nonceModel } from './nonce';
import { outcomeModel } from './outcome';
import { observationModel, personaModel } from './persona';
import { policyHeadModel, policyModel } from './policy';
import { policyModelChunkModel, policyModelPointerModel, policyModelVersionModel, retrainLeaseModel } from './policy-model';
import { captureModel, compositionModel, hostModel, templateModel } from './snapshot';

/**
 * Unique indexes are Mosaic's once-guards (an outcome per workflow, a nonce per
 * signed request, a built-in persona per name): the worker builds them before
 * it takes work, so the first writes on a fresh database are guarded too. Every
 * model is here: one left to mongoose's background autoIndex let two workers
 * starting at once insert the same built-in personas twice, before its index.
 */
export async function ensureIndexes(connection: Connection): Promise<void> {
  const models = [
    actorModel, auditModel, handlerModel, handlerMetricsModel, healthProbeModel, inventoryModel, nonceModel, outcomeModel,
    observationModel, personaModel, policyModel, policyHeadModel, policyModelChunkModel, policyModelPointerModel, policyModelVersionModel,
    retrainLeaseModel, captureModel, compositionModel, hostModel, templateModel,
  ];
  await Promise.all(models.map((model) => model(connection).init()));
}
