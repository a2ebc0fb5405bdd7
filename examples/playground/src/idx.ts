/**
 * IDX (the MNIST / Fashion-MNIST file format) for the browser: gunzip with the platform's
 * `DecompressionStream` and read unsigned-byte arrays. The Node reader in @contrastive/vision/node uses
 * node:zlib, which a page cannot import; this one checks sizes against the bytes it has the same way.
 */

export interface IdxBytes {
  dims: number[];
  data: Uint8Array;
}

/** Gunzips `bytes` when they start with the gzip magic number, else returns them unchanged. */
export async function maybeGunzip(bytes: Uint8Array): Promise<Uint8Array> {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Parses an unsigned-byte IDX array; throws naming `name` when the header or the size is wrong. */
export function parseIdx(bytes: Uint8Array, name: string): IdxBytes {
  if (bytes.length < 4) throw new Error(`${name}: too short to be an IDX file (${bytes.length} bytes)`);
  const [z0, z1, dtype, ndims] = [bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!];
  if (z0 !== 0 || z1 !== 0 || dtype !== 0x08 || ndims < 1 || ndims > 4) {
    throw new Error(`${name}: not an unsigned-byte IDX file (magic ${Array.from(bytes.subarray(0, 4)).join(' ')}, expected 0 0 8 N)`);
  }
  const header = 4 + 4 * ndims;
  if (bytes.length < header) throw new Error(`${name}: truncated IDX header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: ndims }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  if (bytes.length - header !== count) {
    throw new Error(
      `${name}: IDX header declares [${dims.join(', ')}] = ${count} bytes of data but the file holds ${bytes.length - header}`,
    );
  }
  return { dims, data: bytes.subarray(header) };
}
