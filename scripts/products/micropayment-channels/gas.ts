// MicropaymentChannels' gas scenarios (docs/micropayments.md §4): opening and funding, claims, closing, and batch
// claims, per asset. The scenario and determinism: scripts/lib/gas/harness.ts.
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { Signature, ZeroAddress, parseUnits, type Wallet } from "ethers";
import { MicropaymentChannels__factory, MockERC20__factory } from "../../../typechain-types";
import type { IMicropaymentChannels } from "../../../typechain-types/contracts/MicropaymentChannels";
import { signPermit } from "../../../sdk";
import {
  BENCH_SALT,
  BENCH_START_TIME,
  ETH_AMOUNT,
  TOKEN_AMOUNT,
  createGasBench,
  type GasRow,
} from "../../lib/gas/harness";

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
 * bytes, so calldata costs the same).
 *
 * Rows: `channels.<eth|erc20>.<operation>`. `claimMany.perExtra` is derived, not measured: (gas of a batch of 5
 * − gas of a batch of 1) / 4, rounded, and the same for the calldata.
 */
export async function measureMicropaymentGas(hre: HardhatRuntimeEnvironment): Promise<GasRow[]> {
  const bench = await createGasBench(hre, BENCH_START_TIME, "peerpay.gas.channels.");
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

  let salt = BENCH_SALT;
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
      });
    }
  }
  return rows;
}
