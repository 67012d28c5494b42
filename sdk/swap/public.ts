// The public names of the signed-order swaps (docs/swaps.md), re-exported whole by sdk/index.ts: listed here by name, pinned by
// test/sdk/exports.test.ts.
export {
  SwapAdminError,
  SwapFillError,
  SwapNotFillableError,
  SwapOrderError,
  SwapOrderStateError,
} from "../errors/swap";
export { decodeSwapError } from "../internal/revert";
export {
  SWAP_LIMITS,
  toSwapOrderHash,
  type SignedSwapOrder,
  type SwapDeployment,
  type SwapOrder,
  type SwapOrderHash,
  type SwapQuote,
} from "./types";
export {
  SWAP_EIP712_TYPES,
  buildSwapOrderTypedData,
  hashSwapOrder,
  recoverSwapOrderSigner,
  signSwapOrder,
  swapDomain,
  verifySwapOrder,
  type SignSwapOrderParameters,
  type SwapSignatureCheck,
  type VerifySwapOrderParameters,
} from "./typed-data";
export { quoteSwapFill } from "./validate";
export { parseOrder, serializeOrder, type ParseOrderParameters, type SwapOrderJson } from "./serialize";
export { serializeOrderCompact } from "./compact";
export { decodeSwapEvents, type DecodeSwapEventsParameters, type SwapEvent } from "./events";
export {
  findSwapActivity,
  type SwapActivityParameters,
  type SwapActivityReturnType,
  type SwapFillRecord,
  type SwapOrderActivity,
  type SwapRole,
} from "./discovery";
export { decodeSwapCheckReasons } from "./actions/read";
export { SwapClient } from "./client";
export type {
  BuildFillParameters,
  BuildFillReturnType,
  FillOrderParameters,
  FillOrderReturnType,
  MakeOrderParameters,
  SwapCheckReason,
  SwapCheckReturnType,
  SwapClientParameters,
  SwapMakerState,
  SwapOrderStatus,
  SwapQuoteParameters,
  SwapQuoteReturnType,
  SwapWriteReturnType,
} from "./parameters";
