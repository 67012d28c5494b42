// Hex and byte helpers for the hot paths: no intermediate arrays or strings beyond what is returned.

const HEX_VALUES = (() => {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < 10; i++) table[48 + i] = i;
  for (let i = 0; i < 6; i++) {
    table[65 + i] = 10 + i;
    table[97 + i] = 10 + i;
  }
  return table;
})();

/** Decodes `length` bytes of unprefixed hex into `out` at `offset`; false if the text is not exactly that. */
export function hexInto(hex: string, out: Uint8Array, offset: number, length: number): boolean {
  if (hex.length !== length * 2) return false;
  for (let i = 0; i < length; i++) {
    const hi = hex.charCodeAt(2 * i);
    const lo = hex.charCodeAt(2 * i + 1);
    const a = hi < 128 ? HEX_VALUES[hi] : -1;
    const b = lo < 128 ? HEX_VALUES[lo] : -1;
    if (a < 0 || b < 0) return false;
    out[offset + i] = (a << 4) | b;
  }
  return true;
}

/** `0x`-prefixed lowercase hex of `bytes`. */
export function bytesToHex(bytes: Uint8Array): string {
  let hex = "0x";
  for (const byte of bytes) hex += byte < 16 ? "0" + byte.toString(16) : byte.toString(16);
  return hex;
}

/** Compares `a[offset..offset+32)` with the 32 bytes of `b` as big-endian numbers. */
export function compare32(a: Uint8Array, offset: number, b: Uint8Array): number {
  for (let i = 0; i < 32; i++) {
    const d = a[offset + i] - b[i];
    if (d !== 0) return d;
  }
  return 0;
}
