// The Escrow's gas scenarios (docs/escrow.md §10): creation, releases and refunds, the P2P flow and disputes, credits
// and withdrawals, and the protocol fee, per asset. The scenario and determinism: scripts/lib/gas/harness.ts.
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { AbiCoder, ZeroAddress, keccak256, parseUnits, type TransactionReceipt } from "ethers";
import {
  Escrow__factory,
  FalseReturnToken__factory,
  MockAccount__factory,
  MockERC20__factory,
} from "../../../typechain-types";
import type { IEscrow } from "../../../typechain-types/contracts/Escrow";
import { ESCROW_EIP712_TYPES, escrowDomain, signPermit } from "../../../sdk";
import {
  BENCH_SALT,
  BENCH_START_TIME,
  ETH_AMOUNT,
  TOKEN_AMOUNT,
  createGasBench,
  type GasRow,
} from "../../lib/gas/harness";

const WEEK = 7n * 24n * 3600n;
const DISPUTE_WINDOW = 3n * 24n * 3600n;
const PROTOCOL_FEE_BPS = 50n; // 0.5%
const Outcome = { Release: 0n, Refund: 1n } as const;

type Deal = IEscrow.DealStruct;
type DealParams = IEscrow.DealParamsStruct;

/**
 * Measures every Escrow operation (docs/escrow.md §10) and returns one row per operation and asset, in a fixed
 * order. Rows: `<eth|erc20>.<operation>`.
 */
export async function measureEscrowGas(hre: HardhatRuntimeEnvironment): Promise<GasRow[]> {
  const bench = await createGasBench(hre, BENCH_START_TIME, "peerpay.gas.");
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
    salt: BENCH_SALT,
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
