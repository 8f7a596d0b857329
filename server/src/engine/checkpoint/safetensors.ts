// The safetensors format (readable by PyTorch, JAX, numpy and others): an 8-byte little-endian
// header length, a JSON header {name: {dtype, shape, data_offsets}, "__metadata__": {str: str}},
// then the raw little-endian tensor bytes. Small enough to own; no maintained npm package exists.

export type SafeDType = 'F32' | 'F64' | 'I32' | 'I64' | 'U8';

export interface SafeTensor {
  dtype: SafeDType;
  shape: number[];
  data: Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;
}

const bytesPer: Record<SafeDType, number> = { F32: 4, F64: 8, I32: 4, I64: 8, U8: 1 };

function viewOf(dtype: SafeDType, buf: ArrayBuffer, offset: number, count: number): SafeTensor['data'] {
  switch (dtype) {
    case 'F32':
      return new Float32Array(buf, offset, count);
    case 'F64':
      return new Float64Array(buf, offset, count);
    case 'I32':
      return new Int32Array(buf, offset, count);
    case 'I64':
      return new BigInt64Array(buf, offset, count);
    case 'U8':
      return new Uint8Array(buf, offset, count);
  }
}

/** Serialise tensors (in name order, as the format recommends) and string metadata. */
export function encodeSafetensors(tensors: Record<string, SafeTensor>, metadata: Record<string, string> = {}): Uint8Array {
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  for (const name of names) {
    const t = tensors[name];
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new Error(`tensor ${name}: shape [${t.shape}] holds ${count} elements, data has ${t.data.length}`);
    const size = count * bytesPer[t.dtype];
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  let json = JSON.stringify(header);
  // Pad the header with spaces so the data starts 8-byte aligned (allowed by the format).
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const name of names) {
    const d = tensors[name].data;
    out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), at);
    at += d.byteLength;
  }
  return out;
}

export interface DecodedSafetensors {
  tensors: Record<string, SafeTensor>;
  metadata: Record<string, string>;
}

/** Parse a safetensors file; throws a clear error on a truncated or malformed file. */
export function decodeSafetensors(bytes: Uint8Array): DecodedSafetensors {
  if (bytes.length < 8) throw new Error('not a safetensors file: shorter than its 8-byte header length');
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true));
  if (8 + headerLength > bytes.length) throw new Error(`truncated safetensors file: header of ${headerLength} bytes, file of ${bytes.length}`);
  const header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 8, headerLength).toString('utf8')) as Record<string, unknown>;
  const dataStart = 8 + headerLength;
  // Copy the data region so typed-array views are aligned regardless of the header's length.
  const data = bytes.slice(dataStart).buffer;
  const tensors: Record<string, SafeTensor> = {};
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = entry as Record<string, string>;
      continue;
    }
    const { dtype, shape, data_offsets } = entry as { dtype: SafeDType; shape: number[]; data_offsets: [number, number] };
    if (!(dtype in bytesPer)) throw new Error(`tensor ${name}: unsupported dtype ${dtype}`);
    const [begin, end] = data_offsets;
    if (end > data.byteLength || begin > end) throw new Error(`truncated safetensors file: tensor ${name} ends at ${end}, data has ${data.byteLength} bytes`);
    const count = (end - begin) / bytesPer[dtype];
    tensors[name] = { dtype, shape, data: viewOf(dtype, data.slice(begin, end), 0, count) };
  }
  return { tensors, metadata };
}
