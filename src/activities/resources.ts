import type { ResourceRef } from '../providers/provider';
import type { HandlerContext } from './builtin-handlers';

/** Compensation for anything a provider made: by kind, each delete succeeds when it is already gone. */
export async function removeResources(ctx: HandlerContext, refs: ResourceRef[]): Promise<void> {
  for (const ref of [...refs].reverse()) {
    switch (ref.kind) {
      case 'bucket':
        await ctx.provider.deleteBucket(ref);
        break;
      case 'database':
        await ctx.provider.deleteDatabase(ref);
        break;
      case 'service':
        await ctx.provider.stopService(ref);
        break;
      case 'key':
        await ctx.provider.deleteKey(ref);
        break;
      default:
        break;
    }
  }
}
