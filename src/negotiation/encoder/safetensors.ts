/**
 * The safetensors format: an 8-byte little-endian header length, a JSON
 * header naming each tensor's dtype, shape and byte range, then the raw
 * little-endian data. Only float32 tensors are read; the header is checked
 * against the file so a truncated or altered file fails here, by name.
 */
export interface Tensor32 {
  shape: number[];
  values: Float32Array;
}

export class SafetensorsError extends Error {
  override readonly name = 'SafetensorsError';
}

/** Headers past this are not a model's: a bound before JSON.parse of what a file claims. */
const MAX_HEADER_BYTES = 16 * 1024 * 1024;

export function readSafetensors(bytes: Uint8Array): Map<string, Tensor32> {
  if (bytes.byteLength < 8) throw new SafetensorsError('the file is shorter than a safetensors header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerBytes = Number(view.getBigUint64(0, true));
  if (headerBytes > MAX_HEADER_BYTES || 8 + headerBytes > bytes.byteLength) {
    throw new SafetensorsError(`the header claims ${headerBytes} bytes, more than the file holds`);
  }
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerBytes))) as Record<
    string,
    { dtype?: string; shape?: number[]; data_offsets?: [number, number] }
  >;
  const data = bytes.subarray(8 + headerBytes);
  const tensors = new Map<string, Tensor32>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__' || entry.dtype !== 'F32') continue;
    const [begin, end] = entry.data_offsets ?? [0, -1];
    const shape = entry.shape ?? [];
    const count = shape.reduce((a, b) => a * b, 1);
    if (!(begin >= 0 && end <= data.byteLength && end - begin === count * 4)) {
      throw new SafetensorsError(
        `tensor ${name}: its byte range ${begin}..${end} does not hold a ${shape.join('×')} float32 tensor in the file`,
      );
    }
    // Copied, so the tensor is aligned whatever the header's length, and the file's buffer can go.
    const values = new Float32Array(count);
    new Uint8Array(values.buffer).set(data.subarray(begin, end));
    tensors.set(name, { shape, values });
  }
  return tensors;
}
