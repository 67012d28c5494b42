import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { Log } from "ethers";
import { InvalidParameterError, decodeEscrowEvents, unpackTerms } from "../../../sdk";
import { dealTerms, sdkFixture } from "../../helpers/sdk";

describe("decodeEscrowEvents", function () {
  it("decodes a creation's DealCreated and DealMilestones, skipping the token's own logs", async function () {
    const f = await loadFixture(sdkFixture);
    const { receipt, dealId, deal } = await f.depositorClient.createDeal({
      ...(await dealTerms(f, { token: f.tokenAddress, milestones: [250_000n, 750_000n] })),
      funding: "approve",
    });
    // The receipt also holds the token's Transfer log.
    expect(receipt.logs.map((log) => log.address)).to.include(f.tokenAddress);
    const events = decodeEscrowEvents({ receipt, address: f.address });
    expect(events).to.deep.equal([
      {
        type: "DealCreated",
        dealId,
        depositor: f.depositor.address,
        beneficiary: f.beneficiary.address,
        deal,
        terms: unpackTerms(deal.terms),
        log: { address: f.address, blockNumber: receipt.blockNumber, transactionHash: receipt.hash, logIndex: 0 },
      },
      {
        type: "DealMilestones",
        dealId,
        milestones: [250_000n, 750_000n],
        log: { address: f.address, blockNumber: receipt.blockNumber, transactionHash: receipt.hash, logIndex: 1 },
      },
    ]);
    expect(decodeEscrowEvents({ logs: receipt.logs, address: f.address.toLowerCase() })).to.deep.equal(events);
  });

  it("ignores look-alike logs emitted by another address", async function () {
    const f = await loadFixture(sdkFixture);
    const { receipt } = await f.depositorClient.createDeal(await dealTerms(f));
    const impostor: Log[] = receipt.logs.map((log) => ({ ...log, address: f.tokenAddress }) as Log);
    expect(decodeEscrowEvents({ logs: impostor, address: f.address })).to.deep.equal([]);
    expect(decodeEscrowEvents({ logs: impostor, address: f.tokenAddress })).to.have.length(1);
  });

  it("decodes the admin events", async function () {
    const f = await loadFixture(sdkFixture);
    const fee = await (await f.escrow.connect(f.owner).setProtocolFee(25, f.feeRecipient.address)).wait();
    const paused = await (await f.escrow.connect(f.owner).setCreationPaused(true)).wait();
    const strip = (receipt: typeof fee) =>
      decodeEscrowEvents({ receipt: receipt!, address: f.address }).map(({ log: _log, ...event }) => event);
    expect(strip(fee)).to.deep.equal([{ type: "ProtocolFeeUpdated", bps: 25, recipient: f.feeRecipient.address }]);
    expect(strip(paused)).to.deep.equal([{ type: "CreationPausedSet", paused: true }]);
  });

  it("requires a valid escrow address", async function () {
    const f = await loadFixture(sdkFixture);
    const { receipt } = await f.depositorClient.createDeal(await dealTerms(f));
    expect(() => decodeEscrowEvents({ receipt, address: "escrow" })).to.throw(InvalidParameterError, /address/);
  });
});
