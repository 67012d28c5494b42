import { expect } from "chai";
import path from "node:path";
import ts from "typescript";
import * as sdk from "../../sdk";

const ENTRY = path.join(__dirname, "../../sdk/index.ts");

/** The public API. Changing this list is an API decision: update it deliberately, with the changelog. */
const VALUES = [
  "AdminError",
  "AmountError",
  "BalanceProofError",
  "ChannelClaimError",
  "ChannelOpenError",
  "ChannelPeer",
  "ChannelStateError",
  "ChannelStatus",
  "ContractRevertError",
  "DealCreationError",
  "DealLookupError",
  "DealNotFoundError",
  "DealStateError",
  "DealStatus",
  "ESCROW_EIP712_TYPES",
  "ESCROW_LIMITS",
  "EscrowClient",
  "Hub",
  "InvalidParameterError",
  "MAX_SIGNATURE_BYTES",
  "MemoryPeerStore",
  "MemoryTransport",
  "MemoryVoucherStore",
  "Outcome",
  "PAYMENT_CHANNELS_EIP712_TYPES",
  "PAYMENT_CHANNEL_LIMITS",
  "PayeeClient",
  "PayerClient",
  "PaymentChannelLockError",
  "PaymentChannelOpenError",
  "PaymentChannelSignatureError",
  "PaymentChannelStateError",
  "PaymentChannelStatus",
  "PaymentChannelsClient",
  "PeerMessageError",
  "PeerPayError",
  "PeerPayErrorCode",
  "PeerRequestError",
  "PermitError",
  "RecordUnavailableError",
  "ReentrancyError",
  "RunnerError",
  "SWAP_EIP712_TYPES",
  "SWAP_LIMITS",
  "SignatureError",
  "StoreError",
  "Submitter",
  "SubmitterError",
  "SwapAdminError",
  "SwapClient",
  "SwapFillError",
  "SwapNotFillableError",
  "SwapOrderError",
  "SwapOrderStateError",
  "TransactionError",
  "TransferError",
  "TransportError",
  "UnauthorizedError",
  "UnknownDeploymentError",
  "VOUCHER_EIP712_TYPES",
  "VoucherError",
  "VoucherVerifier",
  "WATCHTOWER_HTTP_STATUS",
  "WATCHTOWER_REGISTRATION_TYPES",
  "WatchtowerClient",
  "WatchtowerError",
  "WebSocketTransport",
  "addLock",
  "addressBookFromRecord",
  "balanceProofHash",
  "buildPaymentChannelTypedData",
  "buildPermitTypedData",
  "buildRefundTypedData",
  "buildReleaseTypedData",
  "buildSettleTypedData",
  "buildSwapOrderTypedData",
  "buildVoucherTypedData",
  "buildWatchtowerRegistrationTypedData",
  "computeChannelId",
  "computeDealId",
  "computePaymentChannelId",
  "decodeChannelEvents",
  "decodeChannelsError",
  "decodeEscrowError",
  "decodeEscrowEvents",
  "decodePaymentChannelEvents",
  "decodePaymentChannelsError",
  "decodeSwapCheckReasons",
  "decodeSwapError",
  "decodeSwapEvents",
  "escrowDomain",
  "findChannelsOf",
  "findDealsOf",
  "findPaymentChannelsOf",
  "findSwapActivity",
  "getDeployment",
  "hashLocks",
  "hashPendingLocks",
  "hashRecord",
  "hashSwapOrder",
  "hashTypedData",
  "lockedAmount",
  "locksRootOf",
  "micropaymentsDomain",
  "milestonesHash",
  "normalizeBalanceProof",
  "normalizeChannel",
  "normalizeLock",
  "normalizePaymentChannel",
  "normalizePendingLocks",
  "normalizeRecord",
  "packTerms",
  "parseOrder",
  "paymentChannelsDomain",
  "quoteSwapFill",
  "recoverPaymentChannelSigner",
  "recoverSwapOrderSigner",
  "recoverTypedDataSigner",
  "removeLock",
  "secretHash",
  "serializeOrder",
  "serializeOrderCompact",
  "settlementOf",
  "signPaymentChannelMessage",
  "signPermit",
  "signRefund",
  "signRelease",
  "signSettle",
  "signSwapOrder",
  "signTypedData",
  "signVoucher",
  "swapDomain",
  "toChannelId",
  "toDealId",
  "toPaymentChannelId",
  "toSwapOrderHash",
  "unpackTerms",
  "validateBalanceProof",
  "verifyPaymentChannelSignature",
  "verifySwapOrder",
  "verifyTypedData",
];

const TYPES = [
  "AcceptVoucherParameters",
  "AcceptVoucherReturnType",
  "AccountChannel",
  "AccountDeal",
  "AccountPaymentChannel",
  "Address",
  "AddressBook",
  "AddressBookEntry",
  "AmountActionParameters",
  "BalanceProof",
  "BuildCreateDealParameters",
  "BuildCreateDealReturnType",
  "BuildFillParameters",
  "BuildFillReturnType",
  "BuildOpenChannelReturnType",
  "BuildOpenPaymentChannelParameters",
  "BuildOpenPaymentChannelReturnType",
  "Channel",
  "ChannelContext",
  "ChannelEvent",
  "ChannelId",
  "ChannelPeerEvents",
  "ChannelPeerParameters",
  "ChannelRef",
  "ChannelRole",
  "ChannelState",
  "ChannelWriteParameters",
  "ChannelWriteReturnType",
  "ChannelsClientParameters",
  "ChannelsOfParameters",
  "ChannelsOfReturnType",
  "ClaimManyParameters",
  "ClaimManyPlan",
  "ClaimManySkipReason",
  "ClosePaymentChannelParameters",
  "ConnectParameters",
  "ContractRevertErrorParameters",
  "CooperativeCloseParameters",
  "CooperativeWithdrawParameters",
  "CreateDealParameters",
  "CreateDealReturnType",
  "Deal",
  "DealActionParameters",
  "DealId",
  "DealParameters",
  "DealRef",
  "DealRole",
  "DealState",
  "DealTerms",
  "DealsOfParameters",
  "DealsOfReturnType",
  "DecodeChannelEventsParameters",
  "DecodeEscrowEventsParameters",
  "DecodePaymentChannelEventsParameters",
  "DecodeSwapEventsParameters",
  "DeployableContract",
  "Deployment",
  "DeploymentRecord",
  "DepositParameters",
  "DepositPermit",
  "Direction",
  "ErrorDetails",
  "EscrowClientParameters",
  "EscrowConfig",
  "EscrowEvent",
  "EscrowEventType",
  "EscrowSigningContext",
  "EventLocation",
  "FillOrderParameters",
  "FillOrderReturnType",
  "Funding",
  "GetDealReturnType",
  "GetDeploymentOptions",
  "HubParameters",
  "HubRoute",
  "ListDealsParameters",
  "ListedDeal",
  "Lock",
  "MakeOrderParameters",
  "MemoryTransportFaults",
  "OpenChannelParameters",
  "OpenChannelReturnType",
  "OpenPaymentChannelParameters",
  "OpenPaymentChannelReturnType",
  "ParseOrderParameters",
  "PayParameters",
  "PayeeClientParameters",
  "PaymentChannel",
  "PaymentChannelEvent",
  "PaymentChannelId",
  "PaymentChannelMessages",
  "PaymentChannelPayload",
  "PaymentChannelPermit",
  "PaymentChannelRecord",
  "PaymentChannelRef",
  "PaymentChannelRole",
  "PaymentChannelSignatureCheck",
  "PaymentChannelState",
  "PaymentChannelWriteReturnType",
  "PaymentChannelsClientParameters",
  "PaymentChannelsDeployment",
  "PaymentChannelsOfParameters",
  "PaymentChannelsOfReturnType",
  "PeerBalances",
  "PeerLogRecord",
  "PeerMessage",
  "PeerPayErrorParameters",
  "PeerSession",
  "PeerSessionKeys",
  "PeerSigner",
  "PeerStore",
  "PeerTransport",
  "PendingLocks",
  "PermitMessage",
  "PreparedClaimMany",
  "PreparedTransaction",
  "ProofChange",
  "ProofEntry",
  "RefundMessage",
  "ReleaseMessage",
  "ReleaseMilestoneParameters",
  "ResolveParameters",
  "RpcEndpoint",
  "ScanPage",
  "ScanRangeParameters",
  "SettleMessage",
  "SettleParameters",
  "SettlePaymentChannelParameters",
  "Settlement",
  "SignAmountParameters",
  "SignEscrowActionParameters",
  "SignPaymentChannelMessageParameters",
  "SignPermitParameters",
  "SignPermitReturnType",
  "SignSettleParameters",
  "SignSwapOrderParameters",
  "SignVoucherParameters",
  "SignedAmountParameters",
  "SignedProof",
  "SignedSwapOrder",
  "SignedTypedData",
  "SignedVoucher",
  "SkippedClaim",
  "SubmitProofParameters",
  "SubmitRequest",
  "SubmitResult",
  "SubmitterErrorCode",
  "SubmitterEvent",
  "SubmitterParameters",
  "SwapActivityParameters",
  "SwapActivityReturnType",
  "SwapCheckReason",
  "SwapCheckReturnType",
  "SwapClientParameters",
  "SwapDeployment",
  "SwapEvent",
  "SwapFillRecord",
  "SwapMakerState",
  "SwapOrder",
  "SwapOrderActivity",
  "SwapOrderHash",
  "SwapOrderJson",
  "SwapOrderStatus",
  "SwapQuote",
  "SwapQuoteParameters",
  "SwapQuoteReturnType",
  "SwapRole",
  "SwapSignatureCheck",
  "SwapWriteReturnType",
  "TokenParameters",
  "TransactionOverrides",
  "TransactionSubmitter",
  "TypedData",
  "UnlockParameters",
  "UpdateForParameters",
  "UpdateParameters",
  "ValidateBalanceProofParameters",
  "ValidatedBalanceProof",
  "VerifySwapOrderParameters",
  "Voucher",
  "VoucherMessage",
  "VoucherStore",
  "VoucherVerifierParameters",
  "WatchParameters",
  "Watcher",
  "WatchtowerClientParameters",
  "WatchtowerErrorCode",
  "WatchtowerRegistration",
  "WebSocketConstructor",
  "WebSocketLike",
  "WebSocketTransportParameters",
  "WireChange",
  "WireProof",
  "WithdrawParameters",
  "WriteParameters",
  "WriteReturnType",
];

const ROOT = path.join(__dirname, "../..");

/** The SDK alone, compiled with the project's options and no ambient `@types` packages. */
function sdkProgram(): ts.Program {
  const host = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined };
  const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, "tsconfig.json"), {}, host)!;
  return ts.createProgram([ENTRY], { ...config.options, types: [], noEmit: true });
}

/** The package (or top-level folder of this repository) a compiled file belongs to. */
function origin(fileName: string): string {
  const match = fileName.match(/node_modules\/((@[^/]+\/)?[^/]+)/);
  return match ? match[1] : path.relative(ROOT, fileName).split(path.sep)[0];
}

/** Every name `sdk/index.ts` exports, as the compiler sees it, with the symbol it resolves to. */
function compiledExports(program: ts.Program): { name: string; target: ts.Symbol; checker: ts.TypeChecker }[] {
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(ENTRY)!)!;
  return checker.getExportsOfModule(moduleSymbol).map((symbol) => ({
    name: symbol.name,
    target: symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol,
    checker,
  }));
}

describe("sdk/index.ts export surface", function () {
  let program: ts.Program;
  let exported: ReturnType<typeof compiledExports>;

  before(function () {
    this.timeout(60_000);
    program = sdkProgram();
    exported = compiledExports(program);
  });

  it("exports exactly the pinned runtime values", function () {
    expect(Object.keys(sdk).sort()).to.deep.equal(VALUES);
  });

  it("exports exactly the pinned types", function () {
    const types = exported.filter(({ target }) => !(target.flags & ts.SymbolFlags.Value)).map(({ name }) => name);
    expect(types.sort()).to.deep.equal(TYPES);
  });

  it("documents every export with JSDoc that has an @example", function () {
    const undocumented = exported
      .filter(({ target, checker }) => {
        const tags = target.getJsDocTags(checker).map((tag) => tag.name);
        const text = ts.displayPartsToString(target.getDocumentationComment(checker));
        return !tags.includes("example") || text.trim().length === 0;
      })
      .map(({ name }) => name);
    expect(undocumented).to.deep.equal([]);
  });

  it("type-checks on its own, strict, and reaches only ethers and the generated TypeChain types", function () {
    expect(
      ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")),
    ).to.deep.equal([]);
    const origins = new Set(program.getSourceFiles().map((file) => origin(file.fileName)));
    // typescript: the standard library; @types/node and undici-types: referenced by ethers' own declarations.
    expect([...origins].sort()).to.deep.equal(
      ["@types/node", "ethers", "sdk", "typechain-types", "typescript", "undici-types"].sort(),
    );
    const reachedTypechain = program
      .getSourceFiles()
      .map((file) => path.relative(ROOT, file.fileName))
      .filter((file) => file.startsWith("typechain-types/"));
    // Neither the Hardhat augmentation nor any mock's factory (with its bytecode) ends up in the bundle.
    expect(reachedTypechain.filter((file) => /hardhat\.d\.ts|mocks|\/Escrow__factory/.test(file))).to.deep.equal([]);
  });
});

describe("sdk/node.ts export surface (Node-only additions)", function () {
  it("exports exactly the pinned runtime values, and nothing that sdk/index.ts already exports", async function () {
    const node = await import("../../sdk/node");
    expect(Object.keys(node).sort()).to.deep.equal([
      "FilePeerStore",
      "FileVoucherStore",
      "Watchtower",
      "WatchtowerServer",
      "WebSocketPeerServer",
    ]);
    expect(Object.keys(node).filter((name) => name in sdk)).to.deep.equal([]);
  });
});
