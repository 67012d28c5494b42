// The native libsecp256k1 binding of the `secp256k1` package (v5), loaded only if present. The SDK never needs it:
// without it (browsers, or a Node install without the package) signing and recovery use ethers' pure-JS
// implementation, which gives the same results ~10x slower.

/** The part of the `secp256k1` v5 API the SDK uses (its own typings are not a dependency of the SDK). */
export type NativeSecp256k1 = {
  ecdsaSign(msg32: Uint8Array, privateKey: Uint8Array): { signature: Uint8Array; recid: number };
  ecdsaRecover(
    signature: Uint8Array,
    recid: number,
    msg32: Uint8Array,
    compressed: boolean,
    output: Uint8Array,
  ): Uint8Array;
};

let loaded: NativeSecp256k1 | null | undefined;

/**
 * The native binding, or `null` when it cannot be loaded. Loads `secp256k1/bindings` rather than `secp256k1`: the
 * package's main entry silently falls back to `elliptic`, which is slower than ethers' own implementation.
 */
export function loadNativeSecp256k1(): NativeSecp256k1 | null {
  if (loaded !== undefined) return loaded;
  try {
    // A computed name, so that bundlers leave the optional native module out instead of failing on it.
    const name = ["secp256k1", "bindings"].join("/");
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional native module, loaded when present
    const binding = typeof require === "function" ? (require(name) as Partial<NativeSecp256k1>) : undefined;
    loaded =
      typeof binding?.ecdsaRecover === "function" && typeof binding.ecdsaSign === "function"
        ? (binding as NativeSecp256k1)
        : null;
  } catch {
    loaded = null;
  }
  return loaded;
}
