// HashedTimelocksClient on the Hardhat network (docs/atomic-swaps.md, HT-1..HT-12, HT-21..HT-25): ids as the contract
// computes them, every action as { to, data, value }, the SDK's own refusals before anything is sent, the contract's
// reverts decoded to typed errors, deposits and permits, an account's locks and a revealed secret from events.
import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, ZeroHash, parseEther, sha256 } from "ethers";
import {
  AtomicSwapError,
  HashedTimelockLockError,
  HashedTimelockStatus,
  HashedTimelocksClient,
  InvalidParameterError,
  KNOWN_HASHED_TIMELOCK_ERRORS,
  PeerPayError,
  atomicSwapMargins,
  checkAtomicSwapTimelocks,
  computeHashedTimelockId,
  createSecret,
  decodeHashedTimelockEvents,
  decodeHashedTimelocksError,
  hashlockOf,
  planAtomicSwapTimelocks,
  type HashedTimelock,
} from "../../../sdk";
import { HashedTimelocks__factory, MockERC20__factory } from "../../../typechain-types";
import { IHashedTimelocks__factory } from "../../../typechain-types/factories/contracts/interfaces/IHashedTimelocks__factory";

const USD = 10n ** 6n;

async function expectCode(action: Promise<unknown>, code: string): Promise<PeerPayError> {
  try {
    await action;
  } catch (error) {
    expect(error, String(error)).to.be.instanceOf(PeerPayError);
    expect((error as PeerPayError).code, (error as Error).message).to.equal(code);
    return error as PeerPayError;
  }
  expect.fail(`expected ${code}, nothing was thrown`);
}

async function fixture() {
  const [deployer, alice, bob, carol] = await ethers.getSigners();
  const htlc = await new HashedTimelocks__factory(deployer).deploy();
  const token = await new MockERC20__factory(deployer).deploy("Demo Dollar", "dUSD", 6);
  await token.mint(alice.address, 1_000_000n * USD);
  const address = await htlc.getAddress();
  const client = (runner: typeof alice) => new HashedTimelocksClient({ address, runner });
  const now = (await ethers.provider.getBlock("latest"))!.timestamp;
  return { deployer, alice, bob, carol, htlc, token, tokenAddress: await token.getAddress(), address, client, now };
}

const setNext = (t: number) => network.provider.send("evm_setNextBlockTimestamp", [t]);

describe("HashedTimelocksClient (docs/atomic-swaps.md)", function () {
  it("computes lock ids as the contract's lockId view does, and checks them against it (HT-1)", async function () {
    const { alice, bob, client, now } = await loadFixture(fixture);
    const { hashlock } = createSecret();
    const lock: HashedTimelock = {
      sender: alice.address,
      receiver: bob.address,
      token: ZeroAddress,
      amount: 1n,
      hashlock,
      timelock: now + 100,
      safetyDeposit: 0n,
      publicClaimAt: 0,
      publicRefundAt: 0,
      salt: 2n ** 255n + 7n,
    };
    const id = computeHashedTimelockId(lock);
    expect(await client(alice).lockId({ lock })).to.equal(id);
    expect(computeHashedTimelockId({ ...lock, salt: lock.salt + 1n })).to.not.equal(id);
  });

  it("refuses an id the deployment computes differently (HASHED_TIMELOCK_ID_MISMATCH): every id the SDK shows would be wrong", async function () {
    const { alice, bob, address, now } = await loadFixture(fixture);
    const other = "0x" + "11".repeat(32);
    // A runner whose node answers every call with another hash: a deployment of another build behind the address.
    const lying = { provider: null, call: async () => other };
    const client = new HashedTimelocksClient({ address, runner: lying as never });
    const lock = {
      sender: alice.address,
      receiver: bob.address,
      token: ZeroAddress,
      amount: 1n,
      hashlock: createSecret().hashlock,
      timelock: now + 100,
      safetyDeposit: 0n,
      publicClaimAt: 0,
      publicRefundAt: 0,
      salt: 0n,
    };
    const error = await expectCode(client.lockId({ lock }), "HASHED_TIMELOCK_ID_MISMATCH");
    expect(error.details).to.deep.include({ local: computeHashedTimelockId(lock), remote: other });
  });

  it("draws 32 random bytes with WebCrypto and hashes them with SHA-256 (the BIP-199 hash, HT-25)", function () {
    const a = createSecret();
    const b = createSecret();
    expect(a.secret).to.match(/^0x[0-9a-f]{64}$/);
    expect(a.secret).to.not.equal(b.secret);
    expect(a.hashlock).to.equal(sha256(a.secret));
    expect(hashlockOf(a.secret)).to.equal(a.hashlock);
    expect(() => hashlockOf("0x1234")).to.throw(InvalidParameterError);
  });

  it("builds lock, claim and refund as { to, data, value }: ETH value = amount + deposit, ERC20 value = deposit, a permit uses lockWithPermit", async function () {
    const { alice, bob, address, client, tokenAddress, now } = await loadFixture(fixture);
    const c = client(alice);
    const { secret, hashlock } = createSecret();
    const terms = { receiver: bob.address, amount: 5n, hashlock, timelock: now + 1_000, salt: 1n };
    const deposit = { safetyDeposit: 3n, publicClaimAt: now + 500, publicRefundAt: now + 2_000 };
    const iface = IHashedTimelocks__factory.createInterface();

    const eth = await c.buildLock({ ...terms, ...deposit });
    expect(eth.to).to.equal(address);
    expect(eth.value).to.equal(8n);
    expect(eth.lockId).to.equal(computeHashedTimelockId(eth.lock));
    expect(iface.parseTransaction(eth)!.name).to.equal("lock");

    const erc20 = await c.buildLock({ ...terms, ...deposit, token: tokenAddress });
    expect(erc20.value).to.equal(3n);
    const permit = await c.buildLock({
      ...terms,
      token: tokenAddress,
      permit: { deadline: now + 60, v: 27, r: ZeroHash, s: ZeroHash },
    });
    expect(iface.parseTransaction(permit)!.name).to.equal("lockWithPermit");
    expect(permit.value).to.equal(0n);

    const claim = await c.buildClaim({ lock: eth.lock, secret });
    expect(iface.parseTransaction(claim)!.args[1]).to.equal(secret);
    expect((await c.buildRefund({ lock: eth.lock })).value).to.equal(0n);
    // A read-only client builds too, given the sender.
    const readOnly = new HashedTimelocksClient({ address, runner: ethers.provider });
    expect((await readOnly.buildLock({ ...terms, sender: alice.address })).lockId).to.equal(
      (await c.buildLock(terms)).lockId,
    );
  });

  it("refuses malformed terms before sending: zero receiver, amount or hashlock, public times without or outside a deposit (HT-3, HT-5)", async function () {
    const { alice, bob, client, now } = await loadFixture(fixture);
    const c = client(alice);
    const ok = { receiver: bob.address, amount: 1n, hashlock: createSecret().hashlock, timelock: now + 100 };
    const refused = async (params: object, parameter: string) => {
      const error = await expectCode(c.buildLock({ ...ok, ...params }), "INVALID_PARAMETER");
      expect(error.details.parameter).to.equal(parameter);
    };
    await refused({ receiver: ZeroAddress }, "receiver");
    await refused({ amount: 0n }, "amount");
    await refused({ hashlock: ZeroHash }, "hashlock");
    await refused({ publicClaimAt: now + 10 }, "publicClaimAt");
    await refused({ safetyDeposit: 1n, publicClaimAt: now + 101, publicRefundAt: now + 200 }, "publicClaimAt");
    await refused({ safetyDeposit: 1n, publicClaimAt: now + 50, publicRefundAt: now + 99 }, "publicRefundAt");
    const eth = await expectCode(c.lock({ ...ok, funding: "permit" }), "INVALID_PARAMETER");
    expect(eth.details.parameter).to.equal("funding");
  });

  it("decodes the contract's refusals: a timelock in the past (HT-3, HT-5), a claim with a wrong secret, a refund before the timelock", async function () {
    const { alice, bob, client, now } = await loadFixture(fixture);
    const c = client(alice);
    const { secret, hashlock } = createSecret();
    const past = await expectCode(
      c.lock({ receiver: bob.address, amount: 1n, hashlock, timelock: now }),
      "HASHED_TIMELOCK_INVALID_TIMELOCK",
    );
    expect(past).to.be.instanceOf(HashedTimelockLockError);
    const { lock } = await c.lock({ receiver: bob.address, amount: 1n, hashlock, timelock: now + 100 });
    // The SDK refuses a wrong secret itself; sent raw, the contract refuses it with its own error.
    await expectCode(c.claim({ lock, secret: createSecret().secret }), "ATOMIC_SWAP_WRONG_SECRET");
    await expectCode(c.refund({ lock }), "HASHED_TIMELOCK_NOT_EXPIRED");
    await c.claim({ lock, secret });
    const again = await expectCode(c.claim({ lock, secret }), "HASHED_TIMELOCK_NOT_LOCKED");
    expect(again.details.status).to.equal(HashedTimelockStatus.Claimed);
  });

  it("decodes every IHashedTimelocks error to a typed error with a code of its own", function () {
    const iface = IHashedTimelocks__factory.createInterface();
    const names: string[] = [];
    iface.forEachError((e) => names.push(e.name));
    expect(names.filter((n) => !KNOWN_HASHED_TIMELOCK_ERRORS.includes(n))).to.deep.equal([]);
    const data = iface.encodeErrorResult("HashedTimelockExpired", [ZeroHash, 5n]);
    const error = decodeHashedTimelocksError({ data });
    expect(error.code).to.equal("HASHED_TIMELOCK_EXPIRED");
    expect(error.details).to.deep.include({ timelock: 5n });
  });

  it("locks dUSD with a permit and a safety deposit; a stranger's claim after publicClaimAt pays him the deposit, the receiver the amount (HT-10)", async function () {
    const { alice, bob, carol, client, token, tokenAddress, now } = await loadFixture(fixture);
    const { secret, hashlock } = createSecret();
    const deposit = parseEther("0.01");
    const { lock, lockId, events } = await client(alice).lock({
      receiver: bob.address,
      token: tokenAddress,
      amount: 250n * USD,
      hashlock,
      timelock: now + 1_000,
      safetyDeposit: deposit,
      publicClaimAt: now + 500,
      publicRefundAt: now + 2_000,
      funding: "permit",
    });
    expect(events[0]).to.deep.include({ type: "Locked", lockId, lock });
    await setNext(now + 500);
    const carolBefore = await ethers.provider.getBalance(carol.address);
    const { receipt, events: claimed } = await client(carol).claim({ lock: lockId, secret });
    expect(claimed.find((e) => e.type === "Claimed")).to.deep.include({ lockId, secret, caller: carol.address });
    expect(await token.balanceOf(bob.address)).to.equal(250n * USD);
    expect(await ethers.provider.getBalance(carol.address)).to.equal(
      carolBefore + deposit - receipt.gasUsed * receipt.gasPrice,
    );
  });

  it("lists an account's locks as sender and as receiver, with statuses, and finds a revealed secret by hashlock", async function () {
    const { alice, bob, carol, client, now } = await loadFixture(fixture);
    const a = createSecret();
    const b = createSecret();
    const toBob = await client(alice).lock({
      receiver: bob.address,
      amount: 1n,
      hashlock: a.hashlock,
      timelock: now + 100,
    });
    const toAlice = await client(bob).lock({
      receiver: alice.address,
      amount: 2n,
      hashlock: b.hashlock,
      timelock: now + 100,
    });
    await client(carol).lock({ receiver: carol.address, amount: 3n, hashlock: b.hashlock, timelock: now + 100 });
    expect((await client(alice).findSecret({ hashlock: a.hashlock })).revealed).to.equal(undefined);
    await client(carol).claim({ lock: toBob.lock, secret: a.secret });

    const all = await client(alice).locksOf({ account: alice.address, withStatus: true });
    expect(all.locks.map((l) => [l.lockId, l.roles, l.status])).to.deep.equal([
      [toBob.lockId, ["sender"], HashedTimelockStatus.Claimed],
      [toAlice.lockId, ["receiver"], HashedTimelockStatus.Locked],
    ]);
    const received = await client(alice).locksOf({ account: alice.address, roles: ["receiver"] });
    expect(received.locks.map((l) => l.lockId)).to.deep.equal([toAlice.lockId]);

    const { revealed } = await client(bob).findSecret({ hashlock: a.hashlock });
    expect(revealed).to.deep.include({ secret: a.secret, lockId: toBob.lockId, caller: carol.address });
    const state = await client(bob).getLock({ lock: toBob.lockId });
    expect(state.lock).to.deep.equal(toBob.lock);
    await expectCode(client(bob).getLock({ lock: ZeroHash as never }), "HASHED_TIMELOCK_NOT_FOUND");
    expect(decodeHashedTimelockEvents({ receipt: toAlice.receipt, address: carol.address })).to.deep.equal([]);
  });

  it("plans timelocks: margin = both confirmation times + claim window + skew; the pair at margin passes, at margin - 1 fails (HT-21, HT-22)", function () {
    const timing = {
      chainA: { blockTime: 12, confirmations: 3 },
      chainB: { blockTime: 2, confirmations: 10 },
      claimWindow: 900,
      clockSkew: 120,
    };
    const m = atomicSwapMargins(timing);
    expect(m).to.deep.equal({
      confirmTimeA: 36,
      confirmTimeB: 20,
      claimWindowA: 900,
      claimWindowB: 900,
      margin: 20 + 36 + 900 + 120,
      minTimeB: 20 + 900,
      minDurationB: 36 + 900 + 920,
    });
    const plan = planAtomicSwapTimelocks({ timing, now: 1_000_000 });
    expect(plan).to.deep.equal({
      timelockB: 1_000_000 + 2 * 1_856,
      timelockA: 1_000_000 + 2 * 1_856 + 1_076,
      margin: 1_076,
    });
    // A chain's own claim window: A's enters the margin, B's the time left on B.
    const slowA = atomicSwapMargins({ ...timing, chainA: { ...timing.chainA, claimWindow: 3_600 } });
    const slowB = atomicSwapMargins({ ...timing, chainB: { ...timing.chainB, claimWindow: 3_600 } });
    expect([slowA.margin, slowA.minTimeB]).to.deep.equal([20 + 36 + 3_600 + 120, 920]);
    expect([slowB.margin, slowB.minTimeB]).to.deep.equal([1_076, 20 + 3_600]);
    checkAtomicSwapTimelocks({ timing, timelockA: 2_076, timelockB: 1_000 });
    expect(() => checkAtomicSwapTimelocks({ timing, timelockA: 2_075, timelockB: 1_000 })).to.throw(AtomicSwapError);
    expect(() => planAtomicSwapTimelocks({ timing, now: 0, durationB: 30 * 86_400 })).to.throw(AtomicSwapError);
    expect(() => atomicSwapMargins({ ...timing, claimWindow: -1 })).to.throw(InvalidParameterError);
  });
});
