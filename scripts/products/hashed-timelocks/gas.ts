// HashedTimelocks' gas scenarios (docs/atomic-swaps.md §8): lock, claim and refund, per asset, without and with a
// safety deposit. The scenario and its determinism: scripts/lib/gas/harness.ts.
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { ZeroAddress, parseEther, parseUnits, sha256 } from "ethers";
import { HashedTimelocks__factory, MockERC20__factory } from "../../../typechain-types";
import type { IHashedTimelocks } from "../../../typechain-types/contracts/HashedTimelocks";
import {
  BENCH_SALT,
  BENCH_START_TIME,
  ETH_AMOUNT,
  TOKEN_AMOUNT,
  calldataStats,
  createGasBench,
} from "../../lib/gas/harness";

type Lock = IHashedTimelocks.LockStruct;

/** A fixed, random-looking 32-byte secret (every byte non-zero, as a random secret almost always is). */
const SECRET = "0x7f3a9c51e2b84d06a1c3e5f7092b4d6e8f01a3c5e7092b4d6e8fa1c3e5f70921";
const HASHLOCK = sha256(SECRET);
const TIMELOCK_AFTER = 24n * 3600n;
const DEPOSIT = parseEther("0.01");

/**
 * Measures every HashedTimelocks operation as the other products' are measured: the second lock of its kind in a
 * warm contract (every scenario runs twice, the second run is recorded), sender and receiver already holding ETH and
 * the token, a finite allowance already set (so the token writes it back), 1 ETH or 1,000 tokens of 18 decimals, a
 * one-day timelock. The sender locks and refunds; the receiver claims. Rows with `.deposit` carry a 0.01 ETH safety
 * deposit and are completed by a third party (the watcher) after the public time, which earns it; `.byWatcher` rows
 * are a claim without deposit sent by a third party (the receiver is then a cold account). Salts count up from
 * 0x9e3779b9.
 *
 * Rows: `htlc.<eth|erc20>.<lock|claim|refund>[.deposit|.byWatcher]`, and `.floor` rows where a target is
 * impossible.
 */
export async function measureHashedTimelockGas(hre: HardhatRuntimeEnvironment) {
  const bench = await createGasBench(hre, BENCH_START_TIME, "peerpay.gas.hashedTimelocks.");
  const { tick, send, step, second, wallet, now, advance } = bench;

  const deployer = wallet("deployer");
  const alice = wallet("alice");
  const bob = wallet("bob");
  const watcher = wallet("watcher");
  await bench.fund([deployer, alice, bob, watcher]);

  await tick();
  const htlc = await new HashedTimelocks__factory(deployer).deploy();
  await htlc.waitForDeployment();
  await tick();
  const token = await new MockERC20__factory(deployer).deploy("PeerPay Test Token", "PPT", 18);
  await token.waitForDeployment();
  const htlcAddress = await htlc.getAddress();
  const tokenAddress = await token.getAddress();
  for (const h of [alice, bob, watcher]) {
    await tick();
    await send(token.connect(deployer).mint(h.address, parseUnits("1000000", 18)));
  }
  // Finite: the condition (an unlimited allowance would spare the token's allowance write).
  await tick();
  await send(token.connect(alice).approve(htlcAddress, parseUnits("100000", 18)));

  let salt = BENCH_SALT;
  interface Kind {
    prefix: string;
    asset: "ETH" | "ERC20";
    token: string;
    amount: bigint;
  }
  const kinds: Kind[] = [
    { prefix: "htlc.eth", asset: "ETH", token: ZeroAddress, amount: ETH_AMOUNT },
    { prefix: "htlc.erc20", asset: "ERC20", token: tokenAddress, amount: TOKEN_AMOUNT },
  ];
  /** Terms of a lock made at the next tick; with a deposit, public claims from half-way, public refunds 1 h late. */
  const termsOf = (kind: Kind, deposit: bigint): Lock => {
    const timelock = now() + 1n + TIMELOCK_AFTER;
    return {
      sender: alice.address,
      receiver: bob.address,
      token: kind.token,
      amount: kind.amount,
      hashlock: HASHLOCK,
      timelock,
      safetyDeposit: deposit,
      publicClaimAt: deposit === 0n ? 0n : timelock - TIMELOCK_AFTER / 2n,
      publicRefundAt: deposit === 0n ? 0n : timelock + 3600n,
      salt: salt++,
    };
  };
  const valueOf = (kind: Kind, terms: Lock) =>
    (kind.token === ZeroAddress ? kind.amount : 0n) + BigInt(terms.safetyDeposit);
  const lockBy = (kind: Kind, terms: Lock, measured: string | null, label: string) =>
    step(measured === null ? null : { key: measured, label, asset: kind.asset }, () =>
      htlc.connect(alice).lock(terms, { value: valueOf(kind, terms) }),
    );
  const row = (kind: Kind, op: string, measure: boolean) => (measure ? `${kind.prefix}.${op}` : null);

  // One lock of each kind stays open throughout: the contract holds other users' funds, as in use (so its token
  // balance is never written from zero).
  for (const kind of kinds) await lockBy(kind, termsOf(kind, 0n), null, "");

  for (const kind of kinds) {
    const name = `hashed timelocks (${kind.asset})`;
    // Without a deposit: the sender locks, the receiver claims with the secret; another lock is refunded by its
    // sender at the timelock.
    await second(async (measure) => {
      const claimed = termsOf(kind, 0n);
      await lockBy(kind, claimed, row(kind, "lock", measure), `${name}: lock`);
      const refunded = termsOf(kind, 0n);
      await lockBy(kind, refunded, null, "");
      const k = row(kind, "claim", measure);
      await step(k === null ? null : { key: k, label: `${name}: claim by the receiver`, asset: kind.asset }, () =>
        htlc.connect(bob).claim(claimed, SECRET),
      );
      advance(TIMELOCK_AFTER);
      const r = row(kind, "refund", measure);
      await step(r === null ? null : { key: r, label: `${name}: refund by the sender`, asset: kind.asset }, () =>
        htlc.connect(alice).refund(refunded),
      );
    });
    // A third party claims for the receiver (no deposit): what a watcher pays.
    await second(async (measure) => {
      const terms = termsOf(kind, 0n);
      await lockBy(kind, terms, null, "");
      const k = row(kind, "claim.byWatcher", measure);
      await step(k === null ? null : { key: k, label: `${name}: claim by a watcher`, asset: kind.asset }, () =>
        htlc.connect(watcher).claim(terms, SECRET),
      );
    });
    // With a deposit: lock, a watcher's public claim, a watcher's public refund.
    await second(async (measure) => {
      const claimed = termsOf(kind, DEPOSIT);
      await lockBy(kind, claimed, row(kind, "lock.deposit", measure), `${name}: lock with a safety deposit`);
      const refunded = termsOf(kind, DEPOSIT);
      await lockBy(kind, refunded, null, "");
      advance(TIMELOCK_AFTER / 2n);
      const k = row(kind, "claim.deposit", measure);
      await step(
        k === null
          ? null
          : { key: k, label: `${name}: public claim by a watcher (earns the deposit)`, asset: kind.asset },
        () => htlc.connect(watcher).claim(claimed, SECRET),
      );
      advance(TIMELOCK_AFTER / 2n + 3600n);
      const r = row(kind, "refund.deposit", measure);
      await step(
        r === null
          ? null
          : { key: r, label: `${name}: public refund by a watcher (earns the deposit)`, asset: kind.asset },
        () => htlc.connect(watcher).refund(refunded),
      );
    });
  }

  // ---- the floor of the ERC20 lock (docs/atomic-swaps.md §8.1): what any lock that stores one fresh status slot,
  // emits its terms and pulls the token must pay, before the fee-on-transfer check. A plain transferFrom between two
  // holders with a finite allowance, sent by an EOA, measures the token's own work in this run; a contract sending it
  // pays the token account's cold access (2,600) on top. The rest is fixed by the EVM: the base 21,000, the lock's
  // own calldata, the fresh status slot (22,100) and the Locked event (4 topics and 320 bytes: 375 + 4 × 375 +
  // 320 × 8 = 4,435).
  await tick();
  await send(token.connect(bob).approve(watcher.address, parseUnits("100000", 18)));
  await tick();
  const plain = await send(token.connect(watcher).transferFrom(bob.address, alice.address, 1n));
  const plainStats = calldataStats(plain.response.data);
  const calldataGas = (r: { calldataZeroBytes: number; calldataNonZeroBytes: number }) =>
    r.calldataZeroBytes * 4 + r.calldataNonZeroBytes * 16;
  const tokenWork =
    Number(plain.receipt.gasUsed) -
    21_000 -
    calldataGas({ calldataZeroBytes: plainStats.zero, calldataNonZeroBytes: plainStats.nonZero }) +
    2_600;
  const measured = bench.rows.find((r) => r.key === "htlc.erc20.lock");
  if (measured === undefined) throw new Error("no htlc.erc20.lock row");
  bench.rows.push({
    key: "htlc.erc20.lock.floor",
    label: "hashed timelocks: floor of the lock (ERC20), before the fee-on-transfer check",
    asset: "ERC20",
    gas: 21_000 + calldataGas(measured) + 22_100 + 4_435 + tokenWork,
    calldataBytes: measured.calldataBytes,
    calldataZeroBytes: measured.calldataZeroBytes,
    calldataNonZeroBytes: measured.calldataNonZeroBytes,
  });
  return bench.rows;
}
