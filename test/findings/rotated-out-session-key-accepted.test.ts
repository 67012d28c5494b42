// Finding (adversarial review of the engine, issue 10): the receiver's set of the sender's keys only ever grew. After
// the sender rotated its session key and the previous key's grace ended (§7), proofs signed by the previous key were
// still stored and acknowledged although the contract refuses them, so a payer could pay with worthless proofs.
// Fix (docs/payment-channels.md §7, PC-E3): `refresh` rebuilds the key set from the chain instead of adding to it.
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { Wallet, ZeroHash } from "ethers";
import type { PeerMessage } from "../../sdk";
import { HOUR, aliceFacingTest, engineChannelFixture, proofMessage } from "../helpers/engine";

describe("finding: a session key rotated out still signed payments the receiver accepted (§7)", function () {
  this.timeout(60_000);

  it("PC-E3: once the previous key's grace ended, a refreshed receiver refuses its proofs and takes the new key's", async function () {
    const f = await loadFixture(engineChannelFixture);
    const { alice } = await aliceFacingTest(f);
    const payMessage = (key: { privateKey: string }): Promise<PeerMessage> =>
      proofMessage({
        f,
        change: { kind: "pay", amount: "5" },
        proof: { nonce: 1n, transferred: 5n, locked: 0n, locksRoot: ZeroHash },
        key,
      });
    // Bob rotates from bobKey to a new key (after the fixture's own change is out of its grace), and waits the grace.
    await time.increase(HOUR + 1);
    const newKey = Wallet.createRandom();
    await f.client(f.bob).setSessionKey({ channel: f.channel, key: newKey.address });
    await time.increase(HOUR + 1);
    await alice.peer.refresh();
    const refused = await alice.peer.receive([await payMessage(f.bobKey)]);
    expect(refused.map((e) => e.code)).to.deep.equal(["PEER_INVALID_SIGNATURE"]);
    expect(alice.peer.balances().receivedNonce).to.equal(0n);
    expect(await alice.peer.receive([await payMessage(newKey)])).to.deep.equal([]);
    expect(alice.peer.balances()).to.deep.include({ receivedNonce: 1n, received: 5n });
    await alice.peer.stop();
  });
});
