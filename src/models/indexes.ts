import type { Connection } from 'mongoose';
import { actorModel } from './actor';
import { auditModel } from './audit';
import { handlerMetricsModel, handlerModel } from './handler';
import { inventoryModel } from './inventory';
import { nonceModel } from './nonce';
import { outcomeModel } from './outcome';
import { policyHeadModel, policyModel } from './policy';

/**
 * Unique indexes are Mosaic's once-guards (an outcome per workflow, a nonce per
 * signed request): the worker builds them before it takes work, so the first
 * writes on a fresh database are guarded too.
 */
export async function ensureIndexes(connection: Connection): Promise<void> {
  const models = [actorModel, auditModel, handlerModel, handlerMetricsModel, inventoryModel, nonceModel, outcomeModel, policyModel, policyHeadModel];
  await Promise.all(models.map((model) => model(connection).init()));
}
