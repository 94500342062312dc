import type { ResourceRef } from '../providers/provider';
import type { HandlerContext } from './builtin-handlers';

/**
 * Compensation for anything a provider made: by kind, each delete succeeds
 * when it is already gone. Besides the refs a step reported, what the
 * provider finds under the step's key: an attempt that failed after its side
 * effect reported nothing (the undo of a failed step gets no refs).
 */
export async function removeResources(
  ctx: Pick<HandlerContext, 'provider' | 'key'> & { request: { region: string } },
  refs: ResourceRef[],
): Promise<void> {
  const reported = new Set(refs.map((r) => `${r.kind}:${r.id}`));
  const unreported = ((await ctx.provider.findByKey?.(ctx.key, ctx.request.region)) ?? []).filter(
    (r) => !reported.has(`${r.kind}:${r.id}`),
  );
  for (const ref of [...unreported, ...refs].reverse()) {
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
