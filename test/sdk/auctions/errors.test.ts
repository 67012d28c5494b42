// The auctions' revert table (docs/auctions.md AU-SDK-7): every custom error of the contract's ABI decodes to a typed
// error with its own stable code, and the ids and record helpers refuse malformed input.
import { expect } from "chai";
import { artifacts } from "hardhat";
import { Interface, type InterfaceAbi } from "ethers";
import {
  AuctionAdminError,
  AuctionBidError,
  AuctionLotError,
  AuctionStateError,
  ContractRevertError,
  InvalidParameterError,
  KNOWN_AUCTION_ERRORS,
  PeerPayErrorCode,
  decodeAuctionsError,
  toAuctionId,
} from "../../../sdk";
import { underCoverage } from "../../helpers/coverage";

describe("Auctions errors (docs/auctions.md AU-SDK-7)", function () {
  before(function () {
    if (underCoverage()) this.skip();
  });

  it("AU-SDK-7: every custom error of the Auctions ABI is known and decodes to a typed error with a distinct AUCTION_* code", async function () {
    const abi = (await artifacts.readArtifact("Auctions")).abi as InterfaceAbi;
    const iface = new Interface(abi);
    const names: string[] = [];
    iface.forEachError((fragment) => names.push(fragment.name));
    expect(names.filter((name) => !KNOWN_AUCTION_ERRORS.includes(name))).to.deep.equal([]);
    const own = names.filter((name) => name.startsWith("Auctions"));
    expect(own.length).to.equal(27);
    const codes = new Set<string>();
    for (const name of own) {
      const fragment = iface.getError(name)!;
      const data = iface.encodeErrorResult(
        fragment,
        fragment.inputs.map((input) => defaultOf(input.type)),
      );
      const error = decodeAuctionsError(data);
      expect(error, name).to.be.instanceOf(ContractRevertError);
      expect(
        [AuctionLotError, AuctionStateError, AuctionBidError, AuctionAdminError].some(
          (Family) => error instanceof Family,
        ),
        name,
      ).to.equal(true);
      expect(error.code.startsWith("AUCTION_"), name).to.equal(true);
      expect(Object.values(PeerPayErrorCode)).to.include(error.code);
      codes.add(error.code);
    }
    expect(codes.size).to.equal(own.length);
    const decoded = decodeAuctionsError(iface.encodeErrorResult("AuctionsBidTooLow", [5n, 7n]));
    expect(decoded.details).to.deep.equal({ amount: 5n, minimum: 7n });
  });

  it("AU-SDK-1: toAuctionId brands positive integers and refuses anything else", function () {
    expect(toAuctionId("12")).to.equal(12n);
    expect(toAuctionId(3)).to.equal(3n);
    for (const bad of [0n, -1n, "0x10", "", 1.5, 1n << 256n]) {
      expect(() => toAuctionId(bad as bigint), String(bad)).to.throw(InvalidParameterError);
    }
  });
});

function defaultOf(type: string): unknown {
  if (type === "address") return "0x0000000000000000000000000000000000000001";
  if (type.startsWith("uint") || type.startsWith("int")) return 1n;
  if (type === "bool") return true;
  return "0x";
}
