// docs/swaps.md §6 SW-S3 across a chain-id change, on a real node: anvil changes its chain id in place
// (`anvil_setChainId`), as each side of a contentious fork does to the other. The contract caches its EIP-712 domain
// separator with the chain id it was built for and rebuilds it when block.chainid differs, so an order signed before
// the change does not fill after it, and an order signed for the new chain does. Skipped under coverage (the
// instrumented contract is too large for a real node).
import { expect } from "chai";
import { Signature, ZeroAddress, parseUnits, type HDNodeWallet, type JsonRpcProvider } from "ethers";
import { MockERC20__factory, Swap__factory, type Swap } from "../../typechain-types";
import { startAnvil, type Anvil } from "../helpers/anvil";
import { underCoverage } from "../helpers/coverage";
import { account, anvilProvider } from "../helpers/submitter";
import { ORDER_TYPES, orderDigest, type Order } from "../helpers/swap";

const BEFORE = 31_337n;
const AFTER = 31_338n;
const AMOUNT = parseUnits("10", 18);

describe("Swap on anvil: a chain-id change (fork) voids orders signed for the old chain id (SW-S3)", function () {
  this.timeout(120_000);
  let node: Anvil;
  let providers: JsonRpcProvider[] = [];
  let swapAddress: string;
  let order: (nonce: bigint) => Order;
  const [owner, maker, taker] = [account(0), account(1), account(2)];

  /** The wallets on a fresh provider: one built before the change would sign for the old chain id. */
  const connect = (w: HDNodeWallet) => {
    const provider = anvilProvider(node);
    providers.push(provider);
    return w.connect(provider);
  };
  const swapAs = (w: HDNodeWallet): Swap => Swap__factory.connect(swapAddress, connect(w));
  const sign = async (chainId: bigint, o: Order) =>
    Signature.from(
      await maker.signTypedData(
        { name: "PeerPay Swap", version: "1", chainId, verifyingContract: swapAddress },
        ORDER_TYPES,
        o,
      ),
    ).compactSerialized;

  before(async function () {
    if (underCoverage()) this.skip();
    node = await startAnvil({ chainId: Number(BEFORE) });
    const deployer = connect(owner);
    const swap = await new Swap__factory(deployer).deploy(owner.address);
    await swap.waitForDeployment();
    swapAddress = await swap.getAddress();
    const tokenA = await new MockERC20__factory(deployer).deploy("A", "A", 18);
    const tokenB = await new MockERC20__factory(deployer).deploy("B", "B", 18);
    for (const [t, w] of [
      [tokenA, maker],
      [tokenB, taker],
    ] as const) {
      await (await t.mint(w.address, AMOUNT * 10n)).wait();
      await (await t.connect(connect(w)).approve(swapAddress, AMOUNT * 10n)).wait();
    }
    const [a, b] = [await tokenA.getAddress(), await tokenB.getAddress()];
    order = (nonce) => ({
      maker: maker.address,
      makerToken: a,
      makerAmount: AMOUNT,
      takerToken: b,
      takerAmount: AMOUNT,
      taker: ZeroAddress,
      recipient: ZeroAddress,
      minFill: AMOUNT,
      expiry: 4_000_000_000n,
      nonce,
      feeBps: 0n,
    });
  });

  after(async function () {
    for (const p of providers) p.destroy();
    providers = [];
    await node?.stop();
  });

  it("before the change, an order signed for the chain fills and hashOrder is its digest", async function () {
    const swap = swapAs(taker);
    const o = order(1n);
    const domain = { name: "PeerPay Swap", version: "1", chainId: BEFORE, verifyingContract: swapAddress };
    expect(await swap.hashOrder(o)).to.equal(orderDigest(domain, o));
    await (await swap.fill(o, await sign(BEFORE, o), AMOUNT)).wait();
  });

  it("after the change, the old chain's signature is refused and the new chain's fills", async function () {
    const preSigned = order(2n);
    const oldSignature = await sign(BEFORE, preSigned);
    await node.rpc("anvil_setChainId", [Number(AFTER)]);
    const swap = swapAs(taker);
    expect((await swap.eip712Domain()).chainId).to.equal(AFTER);
    const domain = { name: "PeerPay Swap", version: "1", chainId: AFTER, verifyingContract: swapAddress };
    expect(await swap.hashOrder(preSigned)).to.equal(orderDigest(domain, preSigned));
    const errors = await swap.check(preSigned, oldSignature, AMOUNT, taker.address);
    expect(errors).to.deep.equal([swap.interface.getError("SwapInvalidSignature")!.selector]);
    await expect(swap.fill.staticCall(preSigned, oldSignature, AMOUNT)).to.be.revertedWithCustomError(
      swap,
      "SwapInvalidSignature",
    );
    await (await swap.fill(preSigned, await sign(AFTER, preSigned), AMOUNT)).wait();
  });

  it("back on the original chain id, the cached separator serves again: a new chain's signature is refused", async function () {
    await node.rpc("anvil_setChainId", [Number(BEFORE)]);
    const swap = swapAs(taker);
    const o = order(3n);
    await expect(swap.fill.staticCall(o, await sign(AFTER, o), AMOUNT)).to.be.revertedWithCustomError(
      swap,
      "SwapInvalidSignature",
    );
    await (await swap.fill(o, await sign(BEFORE, o), AMOUNT)).wait();
  });
});
