// Gas benchmark of the Escrow and of MicropaymentChannels (`measureMicropaymentGas`, same scenario and determinism),
// shared by `npm run gas` (scripts/gas.ts) and test/gas/gas.test.ts.
//
// Scenario (the issue's): every operation is measured on the second deal of its kind in a warm contract whose
// recipients already hold a balance. Each scenario runs twice and the second run is recorded, so the escrow
// already holds the token, every recipient already holds ETH and tokens, and the fee and nonce slots that a
// first use would create already exist. Values are realistic: 1 ETH or 1,000 tokens of 18 decimals, a deadline
// 7 days out, a random-looking fixed salt.
//
// Determinism: the accounts are wallets with fixed keys (fresh nonces, so every contract address is fixed),
// every block gets an explicit timestamp from a fixed start, and ECDSA signatures are deterministic (RFC 6979),
// so the calldata, and with it the gas, is the same on every run. The measurement runs inside an
// evm_snapshot / evm_revert pair and leaves the network as it found it.

import { writeFileSync } from "node:fs";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import {
  AbiCoder,
  concat,
  Signature,
  Wallet,
  ZeroAddress,
  getBytes,
  id,
  keccak256,
  parseEther,
  parseUnits,
  type ContractTransactionResponse,
  type Provider,
  type TransactionReceipt,
} from "ethers";
import {
  Escrow__factory,
  FalseReturnToken__factory,
  MockAccount__factory,
  MicropaymentChannels__factory,
  MockERC20__factory,
} from "../../typechain-types";
import type { IEscrow } from "../../typechain-types/contracts/Escrow";
import type { IMicropaymentChannels } from "../../typechain-types/contracts/MicropaymentChannels";
import { ESCROW_EIP712_TYPES, escrowDomain, signPermit } from "../../sdk";
import { CREATE2_PROXY, CREATE2_PROXY_RUNTIME, DEFAULT_SALT, loadSuiteArtifacts, planSuite } from "./deploy";

/** One measured operation. `gas` is the full receipt gas, including the 21,000 base. */
export interface GasRow {
  /** Stable key in gas/snapshot.json, e.g. `eth.createDeal`. */
  key: string;
  /** What was measured, for the table. */
  label: string;
  asset: "ETH" | "ERC20" | "-";
  gas: number;
  calldataBytes: number;
  calldataZeroBytes: number;
  calldataNonZeroBytes: number;
  /** The ceiling for this operation, where there is one; a miss fails `npm run gas` and the gas test. */
  target?: number;
}

/** The snapshot's entry for one operation. */
export interface GasSnapshotEntry {
  gas: number;
  calldataBytes: number;
  calldataZeroBytes: number;
  calldataNonZeroBytes: number;
}

export type GasSnapshot = Record<string, GasSnapshotEntry>;

/**
 * The issues' targets; a miss fails `npm run gas` and the gas test. Escrow: create+fund and full release, per asset.
 * Channels: open per asset, the payee's close with a voucher in ETH, and each extra channel of a batch claim per
 * asset, with signatures in the compact EIP-2098 form the SDK submits. The 65-byte form, measured beside it, costs
 * about 100 gas more per channel (padding and the `v` byte) and lands 36–60 gas over 15,000; it has no target.
 */
export const GAS_TARGETS: Readonly<Record<string, number>> = {
  "eth.createDeal": 55_000,
  "erc20.createDeal": 80_000,
  "eth.release.full": 45_000,
  "erc20.release.full": 50_000,
  "channels.eth.open": 55_000,
  "channels.erc20.open": 75_000,
  "channels.eth.close.voucher": 60_000,
  "channels.eth.claimMany.perExtra": 15_000,
  "channels.erc20.claimMany.perExtra": 15_000,
};

/** The target of a row, if it has one. */
function targetOf(key: string): { target?: number } {
  return GAS_TARGETS[key] === undefined ? {} : { target: GAS_TARGETS[key] };
}

export const SNAPSHOT_PATH = "gas/snapshot.json";

/** Fixed start of the benchmark's clock (2065-01-24), far beyond anything a test warps to. */
const START_TIME = 3_000_000_000;
const SALT = 0x9e3779b9n;
const WEEK = 7n * 24n * 3600n;
const DISPUTE_WINDOW = 3n * 24n * 3600n;
const ETH_AMOUNT = parseEther("1");
const TOKEN_AMOUNT = parseUnits("1000", 18);
const PROTOCOL_FEE_BPS = 50n; // 0.5%
const Outcome = { Release: 0n, Refund: 1n } as const;

type Deal = IEscrow.DealStruct;
type DealParams = IEscrow.DealParamsStruct;

/** Calldata size and its split into zero and non-zero bytes (what calldata gas is priced on). */
export function calldataStats(data: string): { bytes: number; zero: number; nonZero: number } {
  const bytes = getBytes(data);
  let zero = 0;
  for (const b of bytes) if (b === 0) zero++;
  return { bytes: bytes.length, zero, nonZero: bytes.length - zero };
}

/**
 * Measures every Escrow operation (docs/escrow.md §10) and returns one row per operation and asset, in a fixed
 * order. Leaves the network's state unchanged.
 */
/**
 * What every gas run shares: a clock that gives each transaction its own block one second after the previous one
 * (from a fixed start, so that numbers never depend on the chain's past), deterministic funded wallets, sending that
 * fails loudly, and the recording of measured rows.
 */
async function harness(hre: HardhatRuntimeEnvironment, start: number, namespace: string) {
  const provider = hre.ethers.provider;
  const latest = await provider.getBlock("latest");
  if (latest === null) throw new Error("no latest block");
  if (latest.timestamp >= start) {
    throw new Error(`the chain's clock (${latest.timestamp}) is past the benchmark's fixed start ${start}`);
  }
  let now = BigInt(start);
  const rows: GasRow[] = [];
  const tick = async (): Promise<void> => {
    now += 1n;
    await provider.send("evm_setNextBlockTimestamp", [Number(now)]);
  };
  const send = async (tx: Promise<ContractTransactionResponse>) => {
    const response = await tx;
    const receipt = await response.wait();
    if (receipt === null || receipt.status !== 1) throw new Error(`transaction ${response.hash} failed`);
    return { response, receipt };
  };
  return {
    provider,
    rows,
    /** The timestamp of the latest transaction's block (plus any `advance` since). */
    now: (): bigint => now,
    /** Jumps the clock: the next transaction lands `seconds` + 1 after the latest. */
    advance: (seconds: bigint): void => {
      now += seconds;
    },
    tick,
    send,
    wallet: (name: string): Wallet => new Wallet(id(`${namespace}${name}`), provider as unknown as Provider),
    fund: async (wallets: readonly Wallet[]): Promise<void> => {
      for (const w of wallets) {
        await provider.send("hardhat_setBalance", [w.address, "0x" + parseEther("1000000").toString(16)]);
      }
    },
    /**
     * Advances the clock one second, sends the transaction built by `tx` (built after the tick, so deadlines are
     * relative to its block) and, if `measured` is given, records it as a row.
     */
    step: async (
      measured: { key: string; label: string; asset: "ETH" | "ERC20" | "-" } | null,
      tx: () => Promise<ContractTransactionResponse>,
    ): Promise<TransactionReceipt> => {
      await tick();
      const { response, receipt } = await send(tx());
      if (measured !== null) {
        const stats = calldataStats(response.data);
        rows.push({
          ...measured,
          gas: Number(receipt.gasUsed),
          calldataBytes: stats.bytes,
          calldataZeroBytes: stats.zero,
          calldataNonZeroBytes: stats.nonZero,
          ...targetOf(measured.key),
        });
      }
      return receipt;
    },
    /** Runs a scenario twice and records only the second run: the second of its kind, in a warm contract. */
    second: async (scenario: (measure: boolean) => Promise<void>): Promise<void> => {
      await scenario(false);
      await scenario(true);
    },
  };
}

export async function measureEscrowGas(hre: HardhatRuntimeEnvironment): Promise<GasRow[]> {
  const provider = hre.ethers.provider;
  const snapshotId: string = await provider.send("evm_snapshot", []);
  try {
    return await runBenchmark(hre);
  } finally {
    await provider.send("evm_revert", [snapshotId]);
  }
}

async function runBenchmark(hre: HardhatRuntimeEnvironment): Promise<GasRow[]> {
  const bench = await harness(hre, START_TIME, "peerpay.gas.");
  const { provider, rows, tick, send, step, second, wallet } = bench;

  const owner = wallet("owner");
  const depositor = wallet("depositor");
  const beneficiary = wallet("beneficiary");
  const arbiter = wallet("arbiter");
  const relayer = wallet("relayer");
  const feeRecipient = wallet("feeRecipient");
  const permitDepositor = wallet("permitDepositor");
  const accountOwner = wallet("accountOwner");
  const everyone = [owner, depositor, beneficiary, arbiter, relayer, feeRecipient, permitDepositor, accountOwner];
  await bench.fund(everyone);

  await tick();
  const escrow = await new Escrow__factory(owner).deploy(owner.address);
  await escrow.waitForDeployment();
  await tick();
  const token = await new MockERC20__factory(owner).deploy("PeerPay Test Token", "PPT", 18);
  await token.waitForDeployment();
  await tick();
  const failingToken = await new FalseReturnToken__factory(owner).deploy();
  await failingToken.waitForDeployment();
  await tick();
  const rejecting = await new MockAccount__factory(accountOwner).deploy(accountOwner.address);
  await rejecting.waitForDeployment();
  await tick();
  await send(rejecting.connect(accountOwner).setRejectEth(true));

  const escrowAddress = await escrow.getAddress();
  const tokenAddress = await token.getAddress();
  const failingTokenAddress = await failingToken.getAddress();
  const rejectingAddress = await rejecting.getAddress();
  const { chainId } = await provider.getNetwork();

  // Every recipient already holds the token; depositors approve the escrow once (the permit depositor does not:
  // its deposits go through permit).
  const holders = [depositor, beneficiary, arbiter, feeRecipient, permitDepositor, relayer];
  for (const h of holders) {
    await tick();
    await send(token.connect(owner).mint(h.address, parseUnits("1000000", 18)));
    await tick();
    await send(failingToken.connect(owner).mint(h.address, parseUnits("1000000", 18)));
  }
  await tick();
  await send(token.connect(depositor).approve(escrowAddress, 2n ** 256n - 1n));
  await tick();
  await send(failingToken.connect(depositor).approve(escrowAddress, 2n ** 256n - 1n));

  /** The terms of the deal a creation receipt announces. */
  const dealOf = (receipt: TransactionReceipt): Deal => {
    for (const log of receipt.logs) {
      const parsed = escrow.interface.parseLog(log);
      if (parsed?.name === "DealCreated") {
        const d = parsed.args.deal;
        return {
          depositor: d.depositor,
          beneficiary: d.beneficiary,
          arbiter: d.arbiter,
          token: d.token,
          terms: d.terms,
          milestonesHash: d.milestonesHash,
        };
      }
    }
    throw new Error("no DealCreated event");
  };

  interface Kind {
    asset: "ETH" | "ERC20";
    prefix: string;
    token: string;
    amount: bigint;
  }
  type Funds = Pick<Kind, "token" | "amount">;
  interface DealOptions {
    beneficiary?: string;
    arbiter?: boolean;
  }
  const kinds: Kind[] = [
    { asset: "ETH", prefix: "eth", token: ZeroAddress, amount: ETH_AMOUNT },
    { asset: "ERC20", prefix: "erc20", token: tokenAddress, amount: TOKEN_AMOUNT },
  ];

  /** Realistic terms: deadline 7 days out; with an arbiter, the P2P flow (default Refund, 3-day window). */
  const params = (funds: Funds, opts: DealOptions = {}): DealParams => ({
    beneficiary: opts.beneficiary ?? beneficiary.address,
    arbiter: opts.arbiter ? arbiter.address : ZeroAddress,
    token: funds.token,
    amount: funds.amount,
    deadline: bench.now() + WEEK,
    disputeWindow: opts.arbiter ? DISPUTE_WINDOW : 0n,
    defaultOutcome: opts.arbiter ? Outcome.Refund : Outcome.Release,
    fallbackBps: opts.arbiter ? 5_000n : 0n,
    arbiterFeeBps: opts.arbiter ? 100n : 0n,
    salt: SALT,
  });

  const createTx =
    (funds: Funds, opts: DealOptions = {}, milestones: bigint[] = []) =>
    () =>
      escrow
        .connect(depositor)
        .createDeal(params(funds, opts), milestones, { value: funds.token === ZeroAddress ? funds.amount : 0n });

  const newDeal = async (funds: Funds, opts: DealOptions = {}, milestones: bigint[] = []): Promise<Deal> =>
    dealOf(await step(null, createTx(funds, opts, milestones)));

  const domain = escrowDomain({ chainId, escrow: escrowAddress });

  const dealId = (deal: Deal): string =>
    keccak256(
      AbiCoder.defaultAbiCoder().encode(
        ["tuple(address,address,address,address,uint256,bytes32)"],
        [[deal.depositor, deal.beneficiary, deal.arbiter, deal.token, deal.terms, deal.milestonesHash]],
      ),
    );
  const nonceOf = async (deal: Deal): Promise<bigint> => (await escrow.getDealState(dealId(deal))).nonce;
  const fourMilestones = (amount: bigint): bigint[] => [
    amount / 4n,
    amount / 4n,
    amount / 4n,
    amount - 3n * (amount / 4n),
  ];

  for (const kind of kinds) {
    const { asset, prefix } = kind;
    const row = (measure: boolean, key: string, label: string) =>
      measure ? { key: `${prefix}.${key}`, label, asset } : null;

    // ---- creation
    await second(async (m) => {
      await step(row(m, "createDeal", "createDeal (no arbiter)"), createTx(kind));
    });
    await second(async (m) => {
      await step(row(m, "createDeal.arbiter", "createDeal (arbiter)"), createTx(kind, { arbiter: true }));
    });
    await second(async (m) => {
      await step(
        row(m, "createDeal.milestones4", "createDeal (4 milestones)"),
        createTx(kind, {}, fourMilestones(kind.amount)),
      );
    });
    if (asset === "ERC20") {
      await second(async (m) => {
        const permitDeadline = bench.now() + 3600n;
        const sig = await signPermit({
          signer: permitDepositor,
          token: await token.getAddress(),
          spender: escrowAddress,
          value: kind.amount,
          deadline: Number(permitDeadline),
        });
        await step(row(m, "createDealWithPermit", "createDealWithPermit"), () =>
          escrow.connect(permitDepositor).createDealWithPermit(params(kind), [], permitDeadline, sig.v, sig.r, sig.s),
        );
      });
    }

    // ---- releases and refunds
    await second(async (m) => {
      const deal = await newDeal(kind);
      await step(row(m, "release.full", "release (full)"), () => escrow.connect(depositor).release(deal, kind.amount));
    });
    await second(async (m) => {
      const deal = await newDeal(kind);
      await step(row(m, "release.partial", "release (partial, 1/4)"), () =>
        escrow.connect(depositor).release(deal, kind.amount / 4n),
      );
    });
    await second(async (m) => {
      const milestones = fourMilestones(kind.amount);
      const deal = await newDeal(kind, {}, milestones);
      await step(row(m, "releaseMilestone", "releaseMilestone (1st of 4)"), () =>
        escrow.connect(depositor).releaseMilestone(deal, milestones, 0n),
      );
    });
    await second(async (m) => {
      const deal = await newDeal(kind);
      await step(row(m, "refund.full", "refund (full)"), () => escrow.connect(beneficiary).refund(deal, kind.amount));
    });
    await second(async (m) => {
      const deal = await newDeal(kind);
      const expiry = bench.now() + 3600n;
      const message = { dealId: dealId(deal), amount: kind.amount, nonce: await nonceOf(deal), expiry };
      const signature = await depositor.signTypedData(domain, { Release: [...ESCROW_EIP712_TYPES.Release] }, message);
      await step(row(m, "releaseWithSig", "releaseWithSig (full, relayed)"), () =>
        escrow.connect(relayer).releaseWithSig(deal, kind.amount, expiry, signature),
      );
    });

    // ---- the P2P flow and disputes
    await second(async (m) => {
      const deal = await newDeal(kind, { arbiter: true });
      await step(row(m, "markPaid", "markPaid"), () => escrow.connect(beneficiary).markPaid(deal));
    });
    await second(async (m) => {
      const deal = await newDeal(kind, { arbiter: true });
      await step(null, () => escrow.connect(beneficiary).markPaid(deal));
      await step(row(m, "dispute", "dispute (after markPaid)"), () => escrow.connect(depositor).dispute(deal));
    });
    await second(async (m) => {
      const deal = await newDeal(kind, { arbiter: true });
      await step(null, () => escrow.connect(depositor).dispute(deal));
      // The 1% fee to the arbiter, the rest split evenly: three payouts.
      const toBeneficiary = (kind.amount - kind.amount / 100n) / 2n;
      await step(row(m, "resolve", "resolve (1% arbiter fee, even split)"), () =>
        escrow.connect(arbiter).resolve(deal, toBeneficiary),
      );
    });
    await second(async (m) => {
      const deal = await newDeal(kind);
      const expiry = bench.now() + 3600n;
      const toBeneficiary = (kind.amount * 6n) / 10n;
      const message = { dealId: dealId(deal), toBeneficiary, nonce: await nonceOf(deal), expiry };
      const depositorSig = await depositor.signTypedData(domain, { Settle: [...ESCROW_EIP712_TYPES.Settle] }, message);
      const beneficiarySig = await beneficiary.signTypedData(
        domain,
        { Settle: [...ESCROW_EIP712_TYPES.Settle] },
        message,
      );
      await step(row(m, "settle", "settle (60/40, both signatures, relayed)"), () =>
        escrow.connect(relayer).settle(deal, toBeneficiary, expiry, depositorSig, beneficiarySig),
      );
    });
    await second(async (m) => {
      const deal = await newDeal(kind);
      bench.advance(WEEK); // the next block is past the deadline
      await step(row(m, "triggerTimeout.default", "triggerTimeout (default outcome: release)"), () =>
        escrow.connect(relayer).triggerTimeout(deal),
      );
    });
    await second(async (m) => {
      const deal = await newDeal(kind, { arbiter: true });
      await step(null, () => escrow.connect(depositor).dispute(deal));
      bench.advance(DISPUTE_WINDOW); // the next block is past the arbiter's window
      await step(row(m, "triggerTimeout.fallback", "triggerTimeout (fallback split after dispute)"), () =>
        escrow.connect(relayer).triggerTimeout(deal),
      );
    });
    await second(async (m) => {
      const deal = await newDeal(kind);
      await step(row(m, "revokeSignatures", "revokeSignatures"), () =>
        escrow.connect(depositor).revokeSignatures(deal),
      );
    });

    // ---- a credit and its withdrawal
    if (asset === "ETH") {
      // The beneficiary is a contract account refusing ETH, so the release is credited; it withdraws through its
      // owner, so this row includes MockAccount.execute's forwarding overhead.
      await second(async (m) => {
        const deal = await newDeal(kind, { beneficiary: rejectingAddress });
        await step(null, () => escrow.connect(depositor).release(deal, kind.amount));
        const data = escrow.interface.encodeFunctionData("withdraw", [ZeroAddress, accountOwner.address]);
        await step(row(m, "withdraw", "withdraw (credit, via MockAccount.execute)"), () =>
          rejecting.connect(accountOwner).execute(escrowAddress, 0n, data),
        );
      });
    } else {
      // FalseReturnToken's transfer returns false while `failTransfers` is set, so the release is credited to the
      // beneficiary, who withdraws once the token works again. The token's own flag read is in the number.
      const failing: Funds = { token: failingTokenAddress, amount: TOKEN_AMOUNT };
      await second(async (m) => {
        const deal = await newDeal(failing);
        await step(null, () => failingToken.connect(owner).setFailTransfers(true));
        await step(null, () => escrow.connect(depositor).release(deal, failing.amount));
        await step(null, () => failingToken.connect(owner).setFailTransfers(false));
        await step(row(m, "withdraw", "withdraw (credit, FalseReturnToken)"), () =>
          escrow.connect(beneficiary).withdraw(failingTokenAddress, beneficiary.address),
        );
      });
    }
  }

  // ---- a 0.5% protocol fee: creation and full release, then the collection of the accrued fees
  await step(null, () => escrow.connect(owner).setProtocolFee(PROTOCOL_FEE_BPS, feeRecipient.address));
  for (const kind of kinds) {
    const { asset, prefix } = kind;
    await second(async (m) => {
      const created = await step(
        m ? { key: `${prefix}.createDeal.protocolFee`, label: "createDeal (0.5% protocol fee)", asset } : null,
        createTx(kind),
      );
      const deal = dealOf(created);
      await step(
        m ? { key: `${prefix}.release.full.protocolFee`, label: "release (full, 0.5% protocol fee)", asset } : null,
        () => escrow.connect(depositor).release(deal, kind.amount),
      );
    });
  }
  for (const kind of kinds) {
    const { asset, prefix } = kind;
    await second(async (m) => {
      // Accrue a fee to collect (the first run's collection emptied the slot).
      const deal = await newDeal(kind);
      await step(null, () => escrow.connect(depositor).release(deal, kind.amount));
      await step(m ? { key: `${prefix}.collectProtocolFees`, label: "collectProtocolFees", asset } : null, () =>
        escrow.connect(relayer).collectProtocolFees(kind.token),
      );
    });
  }

  return rows;
}

// ------------------------------------------------------------------ micropayment channels (docs/micropayments.md)

/** Fixed start of the channels benchmark's clock, as `START_TIME` for the escrow's. */
const CHANNELS_START_TIME = 3_000_000_000;
const CHALLENGE_PERIOD = 24n * 3600n;
const VOUCHER_TYPES = {
  Voucher: [
    { name: "channelId", type: "bytes32" },
    { name: "amount", type: "uint256" },
  ],
};

type Channel = IMicropaymentChannels.ChannelStruct;

/**
 * Measures every MicropaymentChannels operation (docs/micropayments.md §4) as the escrow's are measured: the
 * second channel of its kind in a warm contract (every scenario runs twice, the second run is recorded), every
 * recipient already holding ETH and the token, 1 ETH or 1,000 tokens of 18 decimals per channel, a one-day
 * challenge period. Salts count up from 0x9e3779b9 (a channel id must be new; every salt has four non-zero
 * bytes, so calldata costs the same). Leaves the network's state unchanged.
 *
 * Rows: `channels.<eth|erc20>.<operation>`. `claimMany.perExtra` is derived, not measured: (gas of a batch of 5
 * − gas of a batch of 1) / 4, rounded, and the same for the calldata.
 */
export async function measureMicropaymentGas(hre: HardhatRuntimeEnvironment): Promise<GasRow[]> {
  const provider = hre.ethers.provider;
  const snapshotId: string = await provider.send("evm_snapshot", []);
  try {
    return await runChannelsBenchmark(hre);
  } finally {
    await provider.send("evm_revert", [snapshotId]);
  }
}

async function runChannelsBenchmark(hre: HardhatRuntimeEnvironment): Promise<GasRow[]> {
  const bench = await harness(hre, CHANNELS_START_TIME, "peerpay.gas.channels.");
  const { provider, rows, tick, send, step, second, wallet } = bench;

  const deployer = wallet("deployer");
  const payer = wallet("payer");
  const payee = wallet("payee");
  const permitPayer = wallet("permitPayer");
  const relayer = wallet("relayer");
  // Session keys sign only; they never send a transaction.
  const sessionKey = wallet("sessionKey");
  const nextSessionKey = wallet("nextSessionKey");
  await bench.fund([deployer, payer, payee, permitPayer, relayer]);

  await tick();
  const channels = await new MicropaymentChannels__factory(deployer).deploy();
  await channels.waitForDeployment();
  await tick();
  const token = await new MockERC20__factory(deployer).deploy("PeerPay Test Token", "PPT", 18);
  await token.waitForDeployment();
  const channelsAddress = await channels.getAddress();
  const tokenAddress = await token.getAddress();
  const { chainId } = await provider.getNetwork();
  const domain = { name: "PeerPay Micropayments", version: "1", chainId, verifyingContract: channelsAddress };

  for (const h of [payer, payee, permitPayer, relayer]) {
    await tick();
    await send(token.connect(deployer).mint(h.address, parseUnits("1000000", 18)));
  }
  await tick();
  await send(token.connect(payer).approve(channelsAddress, 2n ** 256n - 1n));

  let salt = SALT;
  interface Kind {
    asset: "ETH" | "ERC20";
    prefix: string;
    token: string;
    amount: bigint;
  }
  const kinds: Kind[] = [
    { asset: "ETH", prefix: "channels.eth", token: ZeroAddress, amount: ETH_AMOUNT },
    { asset: "ERC20", prefix: "channels.erc20", token: tokenAddress, amount: TOKEN_AMOUNT },
  ];
  const paramsOf = (kind: Kind, signer: string) => ({
    payee: payee.address,
    token: kind.token,
    signer,
    amount: kind.amount,
    challengePeriod: CHALLENGE_PERIOD,
    salt: salt++,
  });
  const channelOf = (from: string, p: ReturnType<typeof paramsOf>): Channel => ({
    payer: from,
    payee: p.payee,
    token: p.token,
    signer: p.signer,
    challengePeriod: p.challengePeriod,
    salt: p.salt,
  });
  const openTx = (kind: Kind, p: ReturnType<typeof paramsOf>) => () =>
    channels.connect(payer).open(p, { value: kind.token === ZeroAddress ? kind.amount : 0n });
  /** Opens a channel from `payer` (not measured) and returns its terms. */
  const newChannel = async (kind: Kind, signer: string = ZeroAddress): Promise<Channel> => {
    const p = paramsOf(kind, signer);
    await step(null, openTx(kind, p));
    return channelOf(payer.address, p);
  };
  const voucher = async (key: Wallet, channel: Channel, amount: bigint): Promise<string> =>
    key.signTypedData(domain, VOUCHER_TYPES, { channelId: await channels.computeChannelId(channel), amount });

  for (const kind of kinds) {
    const { asset, prefix } = kind;
    const row = (measure: boolean, key: string, label: string) =>
      measure ? { key: `${prefix}.${key}`, label: `channels: ${label}`, asset } : null;
    const value = kind.token === ZeroAddress ? kind.amount : 0n;

    // ---- opening and funding
    await second(async (m) => {
      await step(row(m, "open", "open (no session key)"), openTx(kind, paramsOf(kind, ZeroAddress)));
    });
    await second(async (m) => {
      await step(row(m, "open.sessionKey", "open (session key)"), openTx(kind, paramsOf(kind, sessionKey.address)));
    });
    if (asset === "ERC20") {
      await second(async (m) => {
        const p = paramsOf(kind, ZeroAddress);
        const permitDeadline = bench.now() + 3600n;
        const sig = await signPermit({
          signer: permitPayer,
          token: tokenAddress,
          spender: channelsAddress,
          value: kind.amount,
          deadline: Number(permitDeadline),
        });
        await step(row(m, "openWithPermit", "openWithPermit"), () =>
          channels.connect(permitPayer).openWithPermit(p, permitDeadline, sig.v, sig.r, sig.s),
        );
      });
    }
    await second(async (m) => {
      const channel = await newChannel(kind);
      await step(row(m, "topUp", "topUp"), () => channels.connect(payer).topUp(channel, kind.amount, { value }));
    });

    // ---- claims (by the payee; a quarter of the deposit)
    await second(async (m) => {
      const channel = await newChannel(kind);
      const sig = await voucher(payer, channel, kind.amount / 4n);
      await step(row(m, "claim", "claim (payer-signed voucher)"), () =>
        channels.connect(payee).claim(channel, kind.amount / 4n, sig),
      );
    });
    await second(async (m) => {
      const channel = await newChannel(kind, sessionKey.address);
      const sig = await voucher(sessionKey, channel, kind.amount / 4n);
      await step(row(m, "claim.sessionKey", "claim (session-key voucher)"), () =>
        channels.connect(payee).claim(channel, kind.amount / 4n, sig),
      );
    });

    // ---- closing
    await second(async (m) => {
      const channel = await newChannel(kind);
      const amount = (kind.amount * 6n) / 10n;
      const sig = await voucher(payer, channel, amount);
      await step(row(m, "close.voucher", "close by payee (voucher 60%)"), () =>
        channels.connect(payee).close(channel, amount, sig),
      );
    });
    await second(async (m) => {
      const channel = await newChannel(kind);
      const amount = kind.amount / 4n;
      await step(null, async () =>
        channels.connect(payee).claim(channel, amount, await voucher(payer, channel, amount)),
      );
      await step(row(m, "close.noVoucher", "close by payee (no new voucher)"), () =>
        channels.connect(payee).close(channel, amount, "0x"),
      );
    });
    await second(async (m) => {
      const channel = await newChannel(kind);
      await step(row(m, "requestClose", "requestClose"), () => channels.connect(payer).requestClose(channel));
    });
    await second(async (m) => {
      const channel = await newChannel(kind);
      const amount = kind.amount / 4n;
      await step(null, async () =>
        channels.connect(payee).claim(channel, amount, await voucher(payer, channel, amount)),
      );
      await step(null, () => channels.connect(payer).requestClose(channel));
      bench.advance(CHALLENGE_PERIOD); // the next block is past closesAt
      await step(row(m, "finalize", "finalize (after a claim)"), () => channels.connect(relayer).finalize(channel));
    });
    await second(async (m) => {
      const channel = await newChannel(kind, sessionKey.address);
      await step(row(m, "setSigner", "setSigner (rotate the session key)"), () =>
        channels.connect(payer).setSigner(channel, nextSessionKey.address),
      );
    });

    // ---- batch claims: 1, 2 and 5 channels, payer-signed, a quarter of each deposit; signatures in the compact
    // EIP-2098 form the SDK submits, and (1 and 5 channels) in the 65-byte form for comparison
    for (const form of ["compact", "65-byte"] as const) {
      const name = form === "compact" ? "claimMany" : "claimMany.sig65";
      const batchGas: Record<number, GasRow> = {};
      for (const count of form === "compact" ? [1, 2, 5] : [1, 5]) {
        await second(async (m) => {
          const claims: IMicropaymentChannels.BatchClaimStruct[] = [];
          for (let i = 0; i < count; i++) {
            const channel = await newChannel(kind);
            const amount = kind.amount / 4n;
            const signature = await voucher(payer, channel, amount);
            claims.push({
              payer: channel.payer,
              signer: channel.signer,
              challengePeriod: channel.challengePeriod,
              salt: channel.salt,
              amount,
              signature: form === "compact" ? Signature.from(signature).compactSerialized : signature,
            });
          }
          const label = `claimMany (${count} channel${count > 1 ? "s" : ""}${form === "compact" ? "" : ", 65-byte signatures"})`;
          await step(row(m, `${name}.${count}`, label), () =>
            channels.connect(payee).claimMany(payee.address, kind.token, claims),
          );
          if (m) batchGas[count] = rows[rows.length - 1];
        });
      }
      const per = (f: (r: GasRow) => number): number => Math.round((f(batchGas[5]) - f(batchGas[1])) / 4);
      const perExtraKey = `${prefix}.${name}.perExtra`;
      rows.push({
        key: perExtraKey,
        label: `channels: ${name} per extra channel ((5) - (1)) / 4`,
        asset,
        gas: per((r) => r.gas),
        calldataBytes: per((r) => r.calldataBytes),
        calldataZeroBytes: per((r) => r.calldataZeroBytes),
        calldataNonZeroBytes: per((r) => r.calldataNonZeroBytes),
        ...targetOf(perExtraKey),
      });
    }
  }
  return rows;
}

/**
 * Deploying the suite as `npm run deploy` does (docs/deployments.md §2): each contract created through the CREATE2
 * proxy with the default salt and a fixed owner, on a chain where the proxy is installed. Rows `deploy.<Contract>`.
 * Leaves the network's state unchanged.
 */
export async function measureDeploymentGas(hre: HardhatRuntimeEnvironment): Promise<GasRow[]> {
  const provider = hre.ethers.provider;
  const snapshotId: string = await provider.send("evm_snapshot", []);
  try {
    const bench = await harness(hre, START_TIME, "peerpay.gas.deploy.");
    const deployer = bench.wallet("deployer");
    await bench.fund([deployer]);
    if ((await provider.getCode(CREATE2_PROXY)) === "0x") {
      await provider.send("hardhat_setCode", [CREATE2_PROXY, CREATE2_PROXY_RUNTIME]);
    }
    const plans = planSuite(await loadSuiteArtifacts(hre.artifacts), { owner: deployer.address, salt: DEFAULT_SALT });
    for (const plan of plans) {
      const key = `deploy.${plan.name}`;
      await bench.step(
        { key, label: `deploy ${plan.name} (CREATE2 proxy)`, asset: "-" },
        () =>
          deployer.sendTransaction({
            to: CREATE2_PROXY,
            data: concat([plan.salt, plan.initcode]),
          }) as Promise<ContractTransactionResponse>,
      );
      if ((await provider.getCode(plan.address)) === "0x")
        throw new Error(`${plan.name} not created at ${plan.address}`);
    }
    return bench.rows;
  } finally {
    await provider.send("evm_revert", [snapshotId]);
  }
}

/** Every row: the escrow's, the channels', then the deployments'. */
export async function measureGas(hre: HardhatRuntimeEnvironment): Promise<GasRow[]> {
  return [
    ...(await measureEscrowGas(hre)),
    ...(await measureMicropaymentGas(hre)),
    ...(await measureDeploymentGas(hre)),
  ];
}

/** The rows as a snapshot: keys sorted, so that the file's order never depends on the measurement's. */
export function toSnapshot(rows: readonly GasRow[]): GasSnapshot {
  const snapshot: GasSnapshot = {};
  for (const row of [...rows].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    snapshot[row.key] = {
      gas: row.gas,
      calldataBytes: row.calldataBytes,
      calldataZeroBytes: row.calldataZeroBytes,
      calldataNonZeroBytes: row.calldataNonZeroBytes,
    };
  }
  return snapshot;
}

export function writeSnapshot(rows: readonly GasRow[], path = SNAPSHOT_PATH): void {
  writeFileSync(path, JSON.stringify(toSnapshot(rows), null, 2) + "\n");
}

/** Rows whose gas exceeds its target. */
export function overTarget(rows: readonly GasRow[]): GasRow[] {
  return rows.filter((r) => r.target !== undefined && r.gas > r.target);
}

/** A plain-text table: operation, asset, gas, calldata bytes (zero / non-zero), target, OK/OVER. */
export function formatGasTable(rows: readonly GasRow[]): string {
  const fmt = (n: number): string => n.toLocaleString("en-US");
  const header = ["operation", "asset", "gas", "calldata (zero/non-zero)", "target", ""];
  const body = rows.map((r) => [
    r.label,
    r.asset,
    fmt(r.gas),
    `${r.calldataBytes} (${r.calldataZeroBytes}/${r.calldataNonZeroBytes})`,
    r.target === undefined ? "" : fmt(r.target),
    r.target === undefined ? "" : r.gas <= r.target ? "OK" : "OVER",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const numeric = [false, false, true, true, true, false];
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}
