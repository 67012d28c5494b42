import { expect } from "chai";
import path from "node:path";
import ts from "typescript";
import * as sdk from "../../sdk";

const ENTRY = path.join(__dirname, "../../sdk/index.ts");

/** The public API. Changing this list is an API decision: update it deliberately, with the changelog. */
const VALUES = [
  "AdminError",
  "AmountError",
  "ContractRevertError",
  "DealCreationError",
  "DealLookupError",
  "DealNotFoundError",
  "DealStateError",
  "DealStatus",
  "ESCROW_EIP712_TYPES",
  "ESCROW_LIMITS",
  "EscrowClient",
  "InvalidParameterError",
  "Outcome",
  "PeerPayError",
  "PeerPayErrorCode",
  "PermitError",
  "ReentrancyError",
  "RunnerError",
  "SignatureError",
  "TransactionError",
  "TransferError",
  "UnauthorizedError",
  "buildPermitTypedData",
  "buildRefundTypedData",
  "buildReleaseTypedData",
  "buildSettleTypedData",
  "computeDealId",
  "decodeEscrowError",
  "decodeEscrowEvents",
  "escrowDomain",
  "hashTypedData",
  "milestonesHash",
  "packTerms",
  "recoverTypedDataSigner",
  "signPermit",
  "signRefund",
  "signRelease",
  "signSettle",
  "signTypedData",
  "toDealId",
  "unpackTerms",
  "verifyTypedData",
];

const TYPES = [
  "Address",
  "AmountActionParameters",
  "BuildCreateDealParameters",
  "BuildCreateDealReturnType",
  "ContractRevertErrorParameters",
  "CreateDealParameters",
  "CreateDealReturnType",
  "Deal",
  "DealActionParameters",
  "DealId",
  "DealParameters",
  "DealRef",
  "DealState",
  "DealTerms",
  "DecodeEscrowEventsParameters",
  "DepositPermit",
  "ErrorDetails",
  "EscrowClientParameters",
  "EscrowConfig",
  "EscrowEvent",
  "EscrowEventType",
  "EscrowSigningContext",
  "EventLocation",
  "Funding",
  "GetDealReturnType",
  "ListDealsParameters",
  "ListedDeal",
  "PeerPayErrorParameters",
  "PermitMessage",
  "PreparedTransaction",
  "RefundMessage",
  "ReleaseMessage",
  "ReleaseMilestoneParameters",
  "ResolveParameters",
  "SettleMessage",
  "SettleParameters",
  "SignAmountParameters",
  "SignEscrowActionParameters",
  "SignPermitParameters",
  "SignPermitReturnType",
  "SignSettleParameters",
  "SignedAmountParameters",
  "SignedTypedData",
  "TokenParameters",
  "TransactionOverrides",
  "TypedData",
  "WithdrawParameters",
  "WriteParameters",
  "WriteReturnType",
];

/** Every name `sdk/index.ts` exports, as the compiler sees it, with the symbol it resolves to. */
function compiledExports(): { name: string; target: ts.Symbol; checker: ts.TypeChecker }[] {
  const program = ts.createProgram([ENTRY], { strict: true, target: ts.ScriptTarget.ES2022, noEmit: true });
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(ENTRY)!)!;
  return checker.getExportsOfModule(moduleSymbol).map((symbol) => ({
    name: symbol.name,
    target: symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol,
    checker,
  }));
}

describe("sdk/index.ts export surface", function () {
  let exported: ReturnType<typeof compiledExports>;

  before(function () {
    this.timeout(60_000);
    exported = compiledExports();
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
});
