// docs/swaps.md §6 SW-S1 (who may sign), SW-S2 (no address(0) recovery), SW-S3 (chain, contract, order, maker) and
// SW-D1 (delegates). The chain-id change itself (a fork) is tested on anvil in fork.anvil.test.ts.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { MockERC1271Wallet } from "../../typechain-types";
import { revertData } from "../helpers/property";
import {
  ALLOWANCE,
  MAKER_AMOUNT,
  SUPPLY,
  compact,
  fillAs,
  highS,
  signOrder,
  swapDomain,
  swapFixture,
} from "../helpers/swap";

async function walletFixture() {
  const fx = await swapFixture();
  const wallet = (await ethers.deployContract("MockERC1271Wallet", [fx.maker.address])) as unknown as MockERC1271Wallet;
  const walletAddress = await wallet.getAddress();
  await fx.tokenA.mint(walletAddress, SUPPLY);
  await wallet
    .connect(fx.maker)
    .execute(fx.tokenA.target, 0n, fx.tokenA.interface.encodeFunctionData("approve", [fx.swapAddress, ALLOWANCE]));
  return { ...fx, wallet, walletAddress };
}

describe("Swap: signatures and delegates", function () {
  it("SW-S1: the maker's 65-byte and 64-byte (EIP-2098) signatures are both accepted", async function () {
    const { swap, tokenA, taker, order, sign } = await loadFixture(swapFixture);
    const o1 = order({ nonce: 1n });
    await expect(fillAs(swap, taker, o1, await sign(o1), MAKER_AMOUNT)).to.changeTokenBalance(
      tokenA,
      taker,
      MAKER_AMOUNT,
    );
    const o2 = order({ nonce: 2n });
    await expect(fillAs(swap, taker, o2, compact(await sign(o2)), MAKER_AMOUNT)).to.changeTokenBalance(
      tokenA,
      taker,
      MAKER_AMOUNT,
    );
  });

  it("SW-S1: a signature by someone who is neither the maker nor its delegate is refused", async function () {
    const { swap, maker, taker, other, order, sign } = await loadFixture(swapFixture);
    const o = order();
    await expect(fillAs(swap, taker, o, await sign(o, other), MAKER_AMOUNT))
      .to.be.revertedWithCustomError(swap, "SwapInvalidSignature")
      .withArgs(maker.address);
  });

  it("SW-S3: a signature of another order, another maker, another chain or another contract is refused", async function () {
    const { swap, owner, maker, taker, other, domain, order, sign } = await loadFixture(swapFixture);
    const o = order();
    // Another order: the same signature over different terms.
    const otherOrderSig = await sign({ ...o, makerAmount: o.makerAmount - 1n, minFill: o.makerAmount - 1n });
    // Another maker: the maker's signature presented as `other`'s order.
    const asOther = { ...o, maker: other.address };
    const otherChainSig = await signOrder(maker, { ...domain, chainId: 1n }, o);
    const twin = await ethers.deployContract("Swap", [owner.address]);
    const otherContractSig = await signOrder(maker, await swapDomain(twin), o);
    for (const [order_, sig] of [
      [o, otherOrderSig],
      [asOther, await sign(o)],
      [o, otherChainSig],
      [o, otherContractSig],
    ] as const) {
      await expect(fillAs(swap, taker, order_, sig, MAKER_AMOUNT)).to.be.revertedWithCustomError(
        swap,
        "SwapInvalidSignature",
      );
    }
    // The other contract accepts what was signed for it (so the refusal above is about the domain, not the key).
    await fillAs(twin, taker, o, otherContractSig, MAKER_AMOUNT).then(
      () => expect.fail("twin has no allowance: expected a token revert"),
      (e: unknown) => {
        const data = revertData(e);
        expect(data, "a revert with data").not.to.equal(undefined);
        expect(twin.interface.parseError(data!)?.name).not.to.equal("SwapInvalidSignature");
      },
    );
  });

  it("SW-S3: hashOrder is the EIP-712 digest of the order under the contract's domain", async function () {
    const { swap, domain, order } = await loadFixture(swapFixture);
    const o = order({ nonce: 12345n, feeBps: 7n });
    expect(await swap.hashOrder(o)).to.equal(
      ethers.TypedDataEncoder.hash(domain, (await import("../helpers/swap")).ORDER_TYPES, o),
    );
    const d = await swap.eip712Domain();
    expect([d.name, d.version, d.chainId, d.verifyingContract]).to.deep.equal([
      "PeerPay Swap",
      "1",
      domain.chainId,
      domain.verifyingContract,
    ]);
  });

  it("SW-S2: a high-s (malleable) signature, a short one, a long one and an empty one are refused", async function () {
    const { swap, maker, taker, order, sign } = await loadFixture(swapFixture);
    const o = order();
    const sig = await sign(o);
    for (const bad of [highS(sig), ethers.dataSlice(sig, 0, 63), ethers.concat([sig, "0x00"]), "0x"]) {
      await expect(fillAs(swap, taker, o, bad, MAKER_AMOUNT))
        .to.be.revertedWithCustomError(swap, "SwapInvalidSignature")
        .withArgs(maker.address);
    }
  });

  it("SW-S2: garbage that recovers address(0) never matches an unset delegate", async function () {
    const { swap, maker, taker, order } = await loadFixture(swapFixture);
    expect(await swap.delegateOf(maker.address)).to.equal(ethers.ZeroAddress);
    const o = order();
    // r = 0 recovers nothing (the precompile returns no output); v = 29 likewise.
    const zeroR = ethers.concat([ethers.ZeroHash, ethers.toBeHex(1n, 32), "0x1b"]);
    const badV = ethers.concat([ethers.toBeHex(1n, 32), ethers.toBeHex(1n, 32), "0x1d"]);
    for (const bad of [zeroR, badV]) {
      await expect(fillAs(swap, taker, o, bad, MAKER_AMOUNT))
        .to.be.revertedWithCustomError(swap, "SwapInvalidSignature")
        .withArgs(maker.address);
    }
  });

  it("SW-D1: a delegate's signature fills the maker's order, from the maker's funds, while it is the delegate", async function () {
    const { swap, tokenA, maker, taker, delegate, order, sign } = await loadFixture(swapFixture);
    await expect(swap.connect(maker).setDelegate(delegate.address))
      .to.emit(swap, "DelegateSet")
      .withArgs(maker.address, delegate.address);
    const o = order();
    await expect(fillAs(swap, taker, o, await sign(o, delegate), MAKER_AMOUNT)).to.changeTokenBalances(
      tokenA,
      [maker, delegate],
      [-MAKER_AMOUNT, 0n],
    );
  });

  it("SW-D1: a replaced delegate's orders stop filling; the new delegate's fill; revocation stops both", async function () {
    const { swap, maker, taker, other, delegate, order, sign } = await loadFixture(swapFixture);
    await swap.connect(maker).setDelegate(delegate.address);
    const oOld = order({ nonce: 1n });
    const oNew = order({ nonce: 2n });
    const oLater = order({ nonce: 3n });
    const sigOld = await sign(oOld, delegate);
    await swap.connect(maker).setDelegate(other.address);
    await expect(fillAs(swap, taker, oOld, sigOld, MAKER_AMOUNT)).to.be.revertedWithCustomError(
      swap,
      "SwapInvalidSignature",
    );
    await fillAs(swap, taker, oNew, await sign(oNew, other), MAKER_AMOUNT);
    const sigLater = await sign(oLater, other);
    await swap.connect(maker).setDelegate(ethers.ZeroAddress);
    await expect(fillAs(swap, taker, oLater, sigLater, MAKER_AMOUNT)).to.be.revertedWithCustomError(
      swap,
      "SwapInvalidSignature",
    );
    // The maker's own key keeps working throughout.
    await fillAs(swap, taker, oLater, await sign(oLater), MAKER_AMOUNT);
  });

  it("SW-D1: a delegate's signature never serves another maker", async function () {
    const { swap, maker, taker, other, delegate, order, sign } = await loadFixture(swapFixture);
    await swap.connect(maker).setDelegate(delegate.address);
    const forOther = order({ maker: other.address });
    await expect(fillAs(swap, taker, forOther, await sign(forOther, delegate), MAKER_AMOUNT))
      .to.be.revertedWithCustomError(swap, "SwapInvalidSignature")
      .withArgs(other.address);
  });

  it("SW-S1: an ERC-1271 maker's order fills when its wallet accepts the signature", async function () {
    const { swap, tokenA, tokenB, taker, walletAddress, wallet, order, sign } = await loadFixture(walletFixture);
    const o = order({ maker: walletAddress });
    const tx = fillAs(swap, taker, o, await sign(o), MAKER_AMOUNT);
    await expect(tx).to.changeTokenBalance(tokenA, wallet, -MAKER_AMOUNT);
    await expect(tx).to.changeTokenBalance(tokenB, wallet, o.takerAmount);
  });

  it("SW-S1: an ERC-1271 maker whose wallet refuses, reverts, returns garbage or burns gas is refused", async function () {
    const { swap, taker, walletAddress, wallet, maker, order, sign } = await loadFixture(walletFixture);
    const o = order({ maker: walletAddress });
    const sig = await sign(o);
    for (const mode of [1, 2, 3, 4]) {
      await wallet.connect(maker).setMode(mode);
      // A bounded gas limit keeps the gas-burning wallet (mode 4) quick; 1/64 of it is left to revert cleanly.
      await expect(swap.connect(taker).fill(o, sig, MAKER_AMOUNT, { gasLimit: 1_000_000 }))
        .to.be.revertedWithCustomError(swap, "SwapInvalidSignature")
        .withArgs(walletAddress);
    }
  });

  it("SW-S1: ERC-1271 is asked of the maker only: a delegate that is a wallet, or the caller, cannot vouch", async function () {
    const { swap, maker, taker, other, walletAddress, order, sign } = await loadFixture(walletFixture);
    // The wallet (which accepts maker's key) is other's delegate; an order of other signed by maker's key is refused.
    await swap.connect(other).setDelegate(walletAddress);
    const o = order({ maker: other.address });
    await expect(fillAs(swap, taker, o, await sign(o, maker), MAKER_AMOUNT))
      .to.be.revertedWithCustomError(swap, "SwapInvalidSignature")
      .withArgs(other.address);
  });

  it("SW-S1: an ERC-1271 maker's delegate (an EOA) signs for it", async function () {
    const { swap, tokenA, taker, delegate, walletAddress, wallet, maker, order, sign } =
      await loadFixture(walletFixture);
    await wallet
      .connect(maker)
      .execute(swap.target, 0n, swap.interface.encodeFunctionData("setDelegate", [delegate.address]));
    await wallet.connect(maker).setMode(1); // the wallet itself now refuses everything
    const o = order({ maker: walletAddress });
    await expect(fillAs(swap, taker, o, await sign(o, delegate), MAKER_AMOUNT)).to.changeTokenBalance(
      tokenA,
      taker,
      MAKER_AMOUNT,
    );
  });

  it("Swap._move (arbitrary-send-erc20): only the maker's signature moves its tokens; the taker's leg is the caller's", async function () {
    const { swap, tokenA, tokenB, maker, taker, other, order, sign } = await loadFixture(swapFixture);
    // `other` has approved the contract too (as every account of the fixture has), and signs an order for maker.
    const forged = order();
    await expect(fillAs(swap, taker, forged, await sign(forged, other), MAKER_AMOUNT)).to.be.revertedWithCustomError(
      swap,
      "SwapInvalidSignature",
    );
    // A real fill by taker takes taker's tokens, never other's, whatever allowances exist.
    const o = order({ nonce: 2n });
    const tx = fillAs(swap, taker, o, await sign(o), MAKER_AMOUNT);
    await expect(tx).to.changeTokenBalances(tokenB, [taker, other, maker], [-o.takerAmount, 0n, o.takerAmount]);
    await expect(tx).to.changeTokenBalances(tokenA, [maker, other, taker], [-MAKER_AMOUNT, 0n, MAKER_AMOUNT]);
  });

  it("SW-S2: the low-s bound is exact: s = n/2 is accepted (for the key it recovers), s = n/2 + 1 is refused", async function () {
    const { swap, maker, taker, order, sign } = await loadFixture(swapFixture);
    const HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;
    /** What the ecrecover precompile recovers from (digest, v, r, s): asked of the precompile itself. */
    const recover = async (digest: string, v: number, r: string, sValue: bigint) => {
      const data = ethers.concat([digest, ethers.toBeHex(v, 32), r, ethers.toBeHex(sValue, 32)]);
      const out = await ethers.provider.call({ to: "0x0000000000000000000000000000000000000001", data });
      return ethers.getAddress(ethers.dataSlice(out, 12));
    };
    for (const [sValue, accepted, nonce] of [
      [HALF_N, true, 1n],
      [HALF_N + 1n, false, 2n],
    ] as const) {
      const o = order({ nonce });
      const digest = await swap.hashOrder(o);
      const r = ethers.Signature.from(await sign(o)).r;
      const signer = await recover(digest, 27, r, sValue);
      // Whoever that key is, make it the maker's delegate: only the low-s rule can refuse the signature now.
      await swap.connect(maker).setDelegate(signer);
      const sig = ethers.concat([r, ethers.toBeHex(sValue, 32), "0x1b"]);
      if (accepted) await fillAs(swap, taker, o, sig, MAKER_AMOUNT);
      else
        await expect(fillAs(swap, taker, o, sig, MAKER_AMOUNT)).to.be.revertedWithCustomError(
          swap,
          "SwapInvalidSignature",
        );
    }
  });

  it("SW-S1: 64-byte (EIP-2098) signatures of both y parities are accepted", async function () {
    const { swap, tokenA, taker, order, sign } = await loadFixture(swapFixture);
    const parities = new Set<number>();
    for (let nonce = 1n; nonce <= 8n || parities.size < 2; nonce++) {
      const o = order({ nonce });
      const sig = await sign(o);
      parities.add(ethers.Signature.from(sig).yParity);
      await expect(fillAs(swap, taker, o, compact(sig), MAKER_AMOUNT)).to.changeTokenBalance(
        tokenA,
        taker,
        MAKER_AMOUNT,
      );
    }
    expect([...parities].sort()).to.deep.equal([0, 1]);
  });

  it("SW-S2: a signature that recovers nothing never matches a delegate at address(1) (nonces in word 1)", async function () {
    const { swap, maker, taker, order, sign } = await loadFixture(swapFixture);
    // address(1) is a legal delegate (nobody holds its key); malformed or unrecoverable signatures must not name it.
    await swap.connect(maker).setDelegate("0x0000000000000000000000000000000000000001");
    for (const nonce of [1n, 256n, 300n]) {
      const o = order({ nonce });
      const sig = await sign(o);
      const zeroR = ethers.concat([ethers.ZeroHash, ethers.toBeHex(1n, 32), "0x1b"]);
      for (const bad of [zeroR, highS(sig), ethers.dataSlice(sig, 0, 63), "0x"]) {
        await expect(fillAs(swap, taker, o, bad, MAKER_AMOUNT))
          .to.be.revertedWithCustomError(swap, "SwapInvalidSignature")
          .withArgs(maker.address);
      }
    }
  });
});
