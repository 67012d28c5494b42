// Pins issue 10's gas ceilings as PaymentChannels declares them (scripts/products/payment-channels/): test/gas/gas.test.ts
// measures every product's rows and fails any row above its declared target, so a ceiling loosened or dropped here
// would go unnoticed there. The three ERC20 rows without a target print their floors instead (README, "Gas").
import { expect } from "chai";
import { paymentChannels } from "../../scripts/products/payment-channels";

describe("PaymentChannels gas targets (docs/payment-channels.md §10)", function () {
  it("declares issue 10's ceilings, none loosened or dropped", function () {
    expect(paymentChannels.gas.targets).to.deep.equal({
      "pc.eth.open": 52_000,
      "pc.erc20.open": 72_000,
      "pc.eth.deposit.second": 35_000,
      "pc.erc20.deposit.second": 55_000,
      "pc.eth.cooperativeClose": 60_000,
      "pc.erc20.cooperativeClose": 68_000,
      "pc.eth.close": 50_000,
      "pc.erc20.close": 50_000,
      "pc.eth.update": 50_000,
      "pc.erc20.update": 50_000,
      "pc.eth.settle": 55_000,
      "pc.erc20.settle": 62_000,
      "pc.eth.withdraw.first": 72_000,
      "pc.eth.withdraw.later": 55_000,
      "pc.registerSecret": 48_000,
      "pc.eth.unlock.one": 48_000,
    });
  });
});
