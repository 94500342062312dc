import { readSafetensors, SafetensorsError } from '../../../src/negotiation/encoder/safetensors';

function file(header: object, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}
const floats = (...v: number[]) => new Uint8Array(new Float32Array(v).buffer);

describe('reading safetensors', () => {
  it('reads float32 tensors by name and shape, whatever the alignment of the header', () => {
    const bytes = file(
      {
        __metadata__: { format: 'pt' },
        w: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] },
        b: { dtype: 'F32', shape: [1], data_offsets: [16, 20] },
      },
      floats(1, 2, 3, 4, 5),
    );
    const tensors = readSafetensors(bytes);
    expect(tensors.get('w')).toEqual({ shape: [2, 2], values: new Float32Array([1, 2, 3, 4]) });
    expect(Array.from(tensors.get('b')!.values)).toEqual([5]);
  });

  it('refuses a truncated file, a header longer than the file and a range that does not hold its shape', () => {
    expect(() => readSafetensors(new Uint8Array(4))).toThrow(SafetensorsError);
    const lying = file({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, floats(1, 2));
    new DataView(lying.buffer).setBigUint64(0, 1n << 40n, true);
    expect(() => readSafetensors(lying)).toThrow('more than the file holds');
    expect(() => readSafetensors(file({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, floats(1, 2)))).toThrow(
      'tensor w: its byte range 0..16 does not hold a 4 float32 tensor',
    );
    expect(() => readSafetensors(file({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, floats(1, 2)))).toThrow(SafetensorsError);
  });
});
