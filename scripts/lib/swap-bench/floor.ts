// The estimated floor of each swap operation (issue 11, "Numbers"): the sum of what no implementation can avoid on
// this EVM (the transaction's base and calldata, one signature recovery, the replay-protection slot, the token
// transfers' storage, account accesses and logs), then what this design adds on purpose (docs/swaps.md, design
// notes: one cold read of the fee slot, the maker's delegate slot only for a delegate's signature, the interface's
// events). Every term is a constant
// of the EVM's gas schedule except the token's own code, which is measured in the same run (a `transferFrom` sent by
// an EOA, minus its storage, log, base and calldata). The floor ignores everything a contract could in principle
// avoid: ABI decoding, memory, jumps, checks of amounts and expiry.

/** The gas schedule used (Berlin's EIP-2929 access costs, EIP-2028 calldata, Prague's EIP-7623 calldata floor). */
export const GAS = {
  txBase: 21_000,
  calldataZeroByte: 4,
  calldataNonZeroByte: 16,
  /** EIP-7623 (Prague and later): a transaction pays at least 21,000 + 10 per token (zero byte 1, non-zero 4). */
  calldataFloorPerToken: 10,
  coldSload: 2_100,
  warmAccess: 100,
  coldAccount: 2_600,
  /** Writing a slot already read in this transaction, non-zero to another non-zero: 5,000 - 2,100. */
  sstoreReset: 2_900,
  /** Writing a slot already read in this transaction, zero to non-zero. */
  sstoreSet: 20_000,
  /** Writing a slot this transaction already wrote (current != original). */
  sstoreDirty: 100,
  callValue: 9_000,
  callStipend: 2_300,
  ecrecover: 3_000,
  log: 375,
  logTopic: 375,
  logDataByte: 8,
  keccak: 30,
  keccakWord: 6,
} as const;

/** One term of a floor. `design` terms come from this design's choices, the others from the EVM. */
export interface FloorTerm {
  /** Short name, explained in LEGEND. */
  name: keyof typeof LEGEND;
  gas: number;
  design: boolean;
}

export interface Floor {
  terms: FloorTerm[];
  /** Sum of the EVM terms. */
  evm: number;
  /** EVM terms plus design terms: the floor of this design. */
  total: number;
  /** What EIP-7623 would charge if calldata dominated (it does not here: shown to say so). */
  calldataFloor: number;
  calldataTokens: number;
}

export interface CalldataStats {
  zero: number;
  nonZero: number;
}

const logGas = (topics: number, dataWords: number): number =>
  GAS.log + topics * GAS.logTopic + dataWords * 32 * GAS.logDataByte;
const keccakGas = (bytes: number): number => GAS.keccak + GAS.keccakWord * Math.ceil(bytes / 32);
/** An ERC20 Transfer event: LOG3 (signature, from, to) with the amount as data. */
export const TRANSFER_LOG = logGas(3, 1);
/** A token slot read cold then rewritten, non-zero to non-zero (a balance or a finite allowance). */
const COLD_SLOT_REWRITE = GAS.coldSload + GAS.sstoreReset;

const g = (n: number): string => n.toLocaleString("en-US");

/** What each term is, with its arithmetic (printed once under the table). */
export const LEGEND = {
  base: `transaction base ${g(GAS.txBase)}`,
  calldata: `calldata of the measured transaction: zero bytes × ${g(GAS.calldataZeroByte)} + non-zero bytes × ${g(GAS.calldataNonZeroByte)}`,
  hash: `EIP-712 hashing: keccak of the order's 12 words (${g(keccakGas(12 * 32))}) + of the 66-byte digest input (${g(keccakGas(66))})`,
  ecrecover: `ecrecover precompile ${g(GAS.ecrecover)} + its warm call ${g(GAS.warmAccess)}`,
  wallet: `ERC-1271: the call to the cold wallet ${g(GAS.coldAccount)} + its own ecrecover ${g(GAS.ecrecover + GAS.warmAccess)} (anything else the wallet does is not counted)`,
  bitmap: `nonce bitmap word, already used: cold read ${g(GAS.coldSload)} + rewrite ${g(GAS.sstoreReset)}`,
  bitmapFresh: `nonce bitmap word, fresh: cold read ${g(GAS.coldSload)} + zero to non-zero ${g(GAS.sstoreSet)}`,
  filledFresh: `filled amount of a new partial order: cold read ${g(GAS.coldSload)} + zero to non-zero ${g(GAS.sstoreSet)}`,
  filled: `filled amount of a partial order: cold read ${g(GAS.coldSload)} + rewrite ${g(GAS.sstoreReset)}`,
  makerLeg: `maker -> taker transferFrom, all cold: token account ${g(GAS.coldAccount)} + 3 slots (from, to, allowance) × ${g(COLD_SLOT_REWRITE)} + Transfer log ${g(TRANSFER_LOG)} + the token's own code`,
  takerLeg: `taker -> maker transferFrom of the other token, all cold: as the maker leg`,
  ethLeg: `ETH to the maker: value call ${g(GAS.callValue)} - unused stipend ${g(GAS.callStipend)} + cold maker account ${g(GAS.coldAccount)}`,
  feeLeg: `fee transferFrom maker -> fee recipient in the maker token: warm token ${g(GAS.warmAccess)} + maker balance and allowance already written 2 × (${g(GAS.warmAccess)} + ${g(GAS.sstoreDirty)}) + recipient balance cold ${g(COLD_SLOT_REWRITE)} + Transfer log ${g(TRANSFER_LOG)} + the token's own code`,
  feeSlot: `design: fee bps + recipient, one slot, cold read ${g(GAS.coldSload)}`,
  makerSlot: `design: the maker's delegate slot, read only when the signer is not the maker: cold read ${g(GAS.coldSload)}`,
  makerSlotWrite: `the maker's delegate slot, already set: cold read ${g(GAS.coldSload)} + rewrite ${g(GAS.sstoreReset)}`,
  retiredWrite: `design: the replaced delegate is retired (final revocation, SW-D1): cold read ${g(GAS.coldSload)} + zero to non-zero ${g(GAS.sstoreSet)}`,
  ecrecoverFirst: `design: an ERC-1271 maker's signature is first tried as ECDSA (design.md's order): ${g(GAS.ecrecover + GAS.warmAccess)}`,
  bitmapRead: `design: a partial order's nonce bit is checked too (cancel works for both kinds): cold read ${g(GAS.coldSload)}`,
  orderFilled: `design: OrderFilled, LOG4 with 2 data words (makerFill, takerFill): ${g(logGas(4, 2))}`,
  nonceCancelled: `design: NonceCancelled, LOG2 with 1 data word: ${g(logGas(2, 1))}`,
  noncesCancelled: `design: NoncesCancelled, LOG2 with 2 data words: ${g(logGas(2, 2))}`,
  delegateSet: `design: DelegateSet, LOG3 without data: ${g(logGas(3, 0))}`,
} as const;

export type FillSigner = "maker" | "delegate" | "erc1271";
export type FillReplay = "full" | "partialFirst" | "partialLater";

export interface FillFloorInput {
  calldata: CalldataStats;
  /** The token's own code per transferFrom (measured in the run; see tokenCodeGas). */
  tokenCode: number;
  takerAsset: "ERC20" | "ETH";
  fee: boolean;
  signer?: FillSigner;
  replay?: FillReplay;
}

const sum = (terms: readonly FloorTerm[], design: boolean): number =>
  terms.filter((t) => design || !t.design).reduce((a, t) => a + t.gas, 0);

/** Calldata gas at 4 / 16 per byte, and EIP-7623's token count (zero byte 1, non-zero 4). */
export function calldataGas(c: CalldataStats): { gas: number; tokens: number } {
  return { gas: c.zero * GAS.calldataZeroByte + c.nonZero * GAS.calldataNonZeroByte, tokens: c.zero + 4 * c.nonZero };
}

function finish(calldata: CalldataStats, terms: FloorTerm[]): Floor {
  const { gas, tokens } = calldataGas(calldata);
  const all: FloorTerm[] = [
    { name: "base", gas: GAS.txBase, design: false },
    { name: "calldata", gas, design: false },
    ...terms,
  ];
  const calldataFloor = GAS.txBase + GAS.calldataFloorPerToken * tokens;
  // EIP-7623 charges max(standard, floor); with any real execution the standard side wins, but keep the rule.
  const evm = Math.max(sum(all, false), calldataFloor);
  const total = Math.max(sum(all, true), calldataFloor);
  return { terms: all, evm, total, calldataFloor, calldataTokens: tokens };
}

/**
 * The token's own code in one transferFrom: the receipt gas of a `transferFrom` sent by an EOA (the token is the
 * transaction's target, so its account is warm; its three slots are cold), minus the base, the calldata, the
 * three cold slot rewrites and the Transfer log.
 */
export function tokenCodeGas(receiptGas: number, calldata: CalldataStats): number {
  return receiptGas - GAS.txBase - calldataGas(calldata).gas - 3 * COLD_SLOT_REWRITE - TRANSFER_LOG;
}

/** One ERC20 transferFrom inside the swap, every account and slot cold. */
const coldLeg = (tokenCode: number): number => GAS.coldAccount + 3 * COLD_SLOT_REWRITE + TRANSFER_LOG + tokenCode;

/** The floor of a fill. */
export function fillFloor(input: FillFloorInput): Floor {
  const signer = input.signer ?? "maker";
  const replay = input.replay ?? "full";
  const terms: FloorTerm[] = [{ name: "hash", gas: keccakGas(12 * 32) + keccakGas(66), design: false }];
  terms.push(
    signer === "erc1271"
      ? { name: "wallet", gas: GAS.coldAccount + GAS.ecrecover + GAS.warmAccess, design: false }
      : { name: "ecrecover", gas: GAS.ecrecover + GAS.warmAccess, design: false },
  );
  if (replay === "full") terms.push({ name: "bitmap", gas: COLD_SLOT_REWRITE, design: false });
  if (replay === "partialFirst") terms.push({ name: "filledFresh", gas: GAS.coldSload + GAS.sstoreSet, design: false });
  if (replay === "partialLater") terms.push({ name: "filled", gas: COLD_SLOT_REWRITE, design: false });
  terms.push({ name: "makerLeg", gas: coldLeg(input.tokenCode), design: false });
  terms.push(
    input.takerAsset === "ERC20"
      ? { name: "takerLeg", gas: coldLeg(input.tokenCode), design: false }
      : { name: "ethLeg", gas: GAS.callValue - GAS.callStipend + GAS.coldAccount, design: false },
  );
  if (input.fee) {
    const feeLeg = GAS.warmAccess + 2 * 2 * GAS.warmAccess + COLD_SLOT_REWRITE + TRANSFER_LOG + input.tokenCode;
    terms.push({ name: "feeLeg", gas: feeLeg, design: false });
  }
  terms.push({ name: "feeSlot", gas: GAS.coldSload, design: true });
  if (signer === "delegate") terms.push({ name: "makerSlot", gas: GAS.coldSload, design: true });
  if (signer === "erc1271") terms.push({ name: "ecrecoverFirst", gas: GAS.ecrecover + GAS.warmAccess, design: true });
  if (replay !== "full") terms.push({ name: "bitmapRead", gas: GAS.coldSload, design: true });
  terms.push({ name: "orderFilled", gas: logGas(4, 2), design: true });
  return finish(input.calldata, terms);
}

/** The floor of cancelling one nonce (in a used or a fresh bitmap word). */
export function cancelFloor(calldata: CalldataStats, word: "used" | "fresh"): Floor {
  return finish(calldata, [
    word === "used"
      ? { name: "bitmap", gas: COLD_SLOT_REWRITE, design: false }
      : { name: "bitmapFresh", gas: GAS.coldSload + GAS.sstoreSet, design: false },
    { name: "nonceCancelled", gas: logGas(2, 1), design: true },
  ]);
}

/** The floor of cancelling a range of nonces that fills one fresh bitmap word. */
export function cancelRangeFloor(calldata: CalldataStats): Floor {
  return finish(calldata, [
    { name: "bitmapFresh", gas: GAS.coldSload + GAS.sstoreSet, design: false },
    { name: "noncesCancelled", gas: logGas(2, 2), design: true },
  ]);
}

/** The floor of replacing the maker's delegate. */
export function setDelegateFloor(calldata: CalldataStats): Floor {
  return finish(calldata, [
    { name: "makerSlotWrite", gas: COLD_SLOT_REWRITE, design: false },
    { name: "retiredWrite", gas: GAS.coldSload + GAS.sstoreSet, design: true },
    { name: "delegateSet", gas: logGas(3, 0), design: true },
  ]);
}

const fmt = (n: number): string => n.toLocaleString("en-US");

/** `base 21,000 + calldata 4,968 + ... = 70,123 EVM; + feeSlot 2,100 + ... = 77,222` */
export function formatFloor(floor: Floor): string {
  const evmTerms = floor.terms.filter((t) => !t.design);
  const designTerms = floor.terms.filter((t) => t.design);
  const evmSum = evmTerms.reduce((a, t) => a + t.gas, 0);
  let line = `${evmTerms.map((t) => `${t.name} ${fmt(t.gas)}`).join(" + ")} = ${fmt(evmSum)} EVM`;
  if (designTerms.length > 0) {
    line += `; ${designTerms.map((t) => `+ ${t.name} ${fmt(t.gas)}`).join(" ")} = ${fmt(floor.total)}`;
  }
  if (floor.calldataFloor > evmSum) line += ` (EIP-7623 calldata floor ${fmt(floor.calldataFloor)} binds)`;
  return line;
}

/** The floor of row `key`, for a transaction with these calldata bytes. */
export function floorOf(key: string, calldata: CalldataStats, tokenCode: number): Floor {
  const fee = key.startsWith("fee.");
  const op = fee ? key.slice(4) : key;
  const fill = (input: Partial<FillFloorInput>): Floor =>
    fillFloor({ calldata, tokenCode, fee, takerAsset: "ERC20", ...input });
  switch (op) {
    case "fill.erc20":
    case "fill.erc20.anyTaker":
    case "fill.erc20.sig65":
    case "fill.erc20.light":
      return fill({});
    case "fill.erc20.delegate":
      return fill({ signer: "delegate" });
    case "fill.erc20.erc1271":
      return fill({ signer: "erc1271" });
    case "fill.eth":
      return fill({ takerAsset: "ETH" });
    case "fill.partial.first":
      return fill({ replay: "partialFirst" });
    case "fill.partial.later":
      return fill({ replay: "partialLater" });
    case "cancel":
      return cancelFloor(calldata, "used");
    case "cancel.freshWord":
      return cancelFloor(calldata, "fresh");
    case "cancelRange":
      return cancelRangeFloor(calldata);
    case "setDelegate":
      return setDelegateFloor(calldata);
    default:
      throw new Error(`no floor for ${key}`);
  }
}
