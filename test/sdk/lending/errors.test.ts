// LN-SDK-6: every custom error of ILending decodes to a typed error whose code is its name in SCREAMING_SNAKE_CASE,
// with its arguments in `details`; every other error of the Lending artifact is known too. Pure decoding.
import { expect } from "chai";
import { artifacts } from "hardhat";
import { Interface, type InterfaceAbi } from "ethers";
import {
  ContractRevertError,
  KNOWN_LENDING_ERRORS,
  LendingAccessError,
  LendingPaymentError,
  LendingPositionError,
  LendingSignatureError,
  LendingStateError,
  LendingTermsError,
  LoanStatus,
  PeerPayErrorCode,
  TransferError,
  decodeLendingError,
} from "../../../sdk";
import { ILending__factory } from "../../../typechain-types";

const screaming = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
const FAMILIES = [
  LendingTermsError,
  LendingSignatureError,
  LendingStateError,
  LendingPaymentError,
  LendingAccessError,
  LendingPositionError,
  TransferError,
];

describe("decodeLendingError (LN-SDK-6)", function () {
  const iface = ILending__factory.createInterface();
  const names: string[] = [];
  iface.forEachError((fragment) => names.push(fragment.name));

  it("LN-SDK-6: every custom error of ILending is known and decodes to a typed error with the code named after it", function () {
    expect(names.filter((name) => name.startsWith("Lending")).length).to.equal(23);
    for (const name of names) {
      expect(KNOWN_LENDING_ERRORS, name).to.include(name);
      const code = name.startsWith("ERC721") ? `ERC721_${screaming(name.slice(6))}` : screaming(name);
      expect(Object.values(PeerPayErrorCode), name).to.include(code);
      const fragment = iface.getError(name)!;
      const args = fragment.inputs.map((input) =>
        input.type === "address" ? `0x${"11".repeat(20)}` : input.type === "bool" ? true : 1n,
      );
      const error = decodeLendingError(iface.encodeErrorResult(fragment, args));
      expect(error, name).to.be.instanceOf(ContractRevertError);
      expect(
        FAMILIES.some((Family) => error instanceof Family),
        name,
      ).to.equal(true);
      expect(error.code, name).to.equal(code);
      expect(error.message, name).to.not.equal("");
    }
  });

  it("LN-SDK-6: every error of the Lending artifact (the contract, its bases and libraries) is known but the constructor's ShortStrings ones", async function () {
    const abi = (await artifacts.readArtifact("Lending")).abi as InterfaceAbi;
    const all: string[] = [];
    new Interface(abi).forEachError((fragment) => all.push(fragment.name));
    expect(all.filter((name) => !KNOWN_LENDING_ERRORS.includes(name)).sort()).to.deep.equal([
      "InvalidShortString",
      "StringTooLong",
    ]);
  });

  it("LN-SDK-6: arguments decode by name, a status as a number that compares with LoanStatus, terms reasons as bigints", function () {
    const wrong = decodeLendingError(iface.encodeErrorResult("LendingWrongStatus", [42n, LoanStatus.Claimed]));
    expect(wrong).to.be.instanceOf(LendingStateError);
    expect(wrong.details).to.deep.equal({ loanId: 42n, status: LoanStatus.Claimed });
    expect(wrong.message).to.equal("Loan 42 is Claimed");
    const terms = decodeLendingError(iface.encodeErrorResult("LendingInvalidTerms", [7n]));
    expect([terms.code, terms.details.reason]).to.deep.equal(["LENDING_INVALID_TERMS", 7n]);
    const unknown = decodeLendingError("0xdeadbeef");
    expect([unknown.code, (unknown as ContractRevertError).data]).to.deep.equal(["CONTRACT_REVERT", "0xdeadbeef"]);
  });
});
