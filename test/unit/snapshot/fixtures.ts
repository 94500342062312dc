import { createHash } from 'node:crypto';
import { resourceSchema, type ResourceInput, type Snapshot, type SourceRef } from '../../../src/snapshot/resources';

export const hash = (text: string) => createHash('sha256').update(text).digest('hex');

export const file = (path: string, content: string, extra: Partial<ResourceInput> = {}): ResourceInput =>
  ({ kind: 'file', path, hash: hash(content), size: Buffer.byteLength(content), content, ...extra }) as ResourceInput;

export function source(index: number, label: string, priority = 0, type: SourceRef['type'] = 'template'): SourceRef {
  return { index, label, priority, type, tags: [] };
}

export function snapshot(src: SourceRef, resources: ResourceInput[]): Snapshot {
  return { source: src, resources: resources.map((r) => resourceSchema.parse(r)) };
}
