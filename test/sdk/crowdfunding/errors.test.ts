// Typed reverts (CF-SDK-4): every custom error of ICrowdfunding decodes to a typed error whose code is the error's
// name in SCREAMING_SNAKE_CASE, with its arguments in `details`. Pure decoding: nothing deployed.
import { expect } from "chai";
import {
  ContractRevertError,
  CrowdfundingStateError,
  KNOWN_CROWDFUNDING_ERRORS,
  PeerPayErrorCode,
  decodeCrowdfundingError,
} from "../../../sdk";
import { ICrowdfunding__factory } from "../../../typechain-types";
import { underCoverage } from "../../helpers/coverage";

const screaming = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();

describe("decodeCrowdfundingError (CF-SDK-4)", function () {
  before(function () {
    if (underCoverage()) this.skip();
  });

  const iface = ICrowdfunding__factory.createInterface();
  const names: string[] = [];
  iface.forEachError((fragment) => names.push(fragment.name));

  it("knows every custom error of ICrowdfunding, each with the code named after it", function () {
    expect(names.length).to.be.greaterThan(30);
    for (const name of names) {
      expect(KNOWN_CROWDFUNDING_ERRORS, name).to.include(name);
      const code = screaming(name);
      expect(Object.values(PeerPayErrorCode), name).to.include(code);
      const fragment = iface.getError(name)!;
      const args = fragment.inputs.map((input) => (input.type === "address" ? `0x${"11".repeat(20)}` : 1n));
      const error = decodeCrowdfundingError(iface.encodeErrorResult(fragment, args));
      expect(error, name).to.be.instanceOf(ContractRevertError);
      expect(error.code, name).to.equal(code);
      expect(error.message, name).to.not.equal("");
    }
  });

  it("decodes arguments by name, the state as a number that compares with CampaignState", function () {
    const data = iface.encodeErrorResult("CrowdfundingWrongState", [42n, 4]);
    const error = decodeCrowdfundingError(data);
    expect(error).to.be.instanceOf(CrowdfundingStateError);
    expect(error.details).to.deep.equal({ campaignId: 42n, state: 4 });
    expect(error.message).to.equal("Campaign 42 is Failed");
  });

  it("an unknown revert is CONTRACT_REVERT with its raw data", function () {
    const error = decodeCrowdfundingError("0xdeadbeef");
    expect(error.code).to.equal("CONTRACT_REVERT");
    expect((error as ContractRevertError).data).to.equal("0xdeadbeef");
  });
});
