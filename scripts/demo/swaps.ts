// Story 7 of the demo (scripts/demo.ts): a P2P desk with signed-order swaps (docs/swaps.md). Sam posts a signed
// order "1,000 dUSD for 0.4 ETH, at least 100 dUSD a fill" as a compact string pasted in the desk's chat; Bea parses
// it, checks it, quotes and fills a quarter; Carl fills the rest; Sam cancels a second order before anyone takes it.
// Each peer runs its own SwapClient with its own wallet; the story checks every balance to the wei.
import { ethers } from "hardhat";
import type { Signer, TransactionReceipt } from "ethers";
import { SwapClient, serializeOrderCompact } from "../../sdk";
import type { MockERC20 } from "../../typechain-types";
import { ethBalances, gas, printDeltas, step, type Named } from "./common";

const USD = 6;
const usd = (value: string) => ethers.parseUnits(value, USD);
const fmtUsd = (value: bigint) => `${ethers.formatUnits(value, USD)} dUSD`;
/** ETH to the wei: the story's checks are exact. */
const fmtWei = (value: bigint) => `${ethers.formatEther(value)} ETH`;

type Party = Named & { client: SwapClient; fees: bigint };

/** The ETH a party paid in gas for `receipt` (kept to check its balance exactly). */
function paid(party: Party, receipt: TransactionReceipt | undefined, what: string): void {
  if (receipt === undefined) return;
  party.fees += receipt.fee;
  gas(receipt, what);
}

function expectEqual(actual: bigint, expected: bigint, what: string): void {
  if (actual !== expected) throw new Error(`${what}: expected ${expected}, got ${actual}`);
}

/**
 * Runs the story. `swap` is the suite's Swap deployment when the suite has one; otherwise the story deploys the
 * contract itself (owned by `operator`, protocol fee off, as the suite deploys it).
 */
export async function swapDesk(
  signers: { operator: Signer; maker: Signer; taker1: Signer; taker2: Signer },
  token: MockERC20,
  swap: { address: string; fromBlock: number } | undefined,
): Promise<void> {
  console.log("\n7. Swap desk: Sam posts a signed order as a pasted string, Bea and Carl fill it, Sam cancels another");
  let deployment = swap;
  if (deployment === undefined) {
    const contract = await ethers.deployContract("Swap", [await signers.operator.getAddress()], signers.operator);
    const receipt = (await contract.deploymentTransaction()!.wait())!;
    deployment = { address: await contract.getAddress(), fromBlock: receipt.blockNumber };
    step(`Swap deployed at ${deployment.address}`);
    gas(receipt, "deploy Swap");
  }
  const { address, fromBlock } = deployment;
  const party = async (name: string, signer: Signer): Promise<Party> => ({
    name,
    address: await signer.getAddress(),
    client: new SwapClient({ address, runner: signer, fromBlock }),
    fees: 0n,
  });
  const Sam = await party("Sam (maker)", signers.maker);
  const Bea = await party("Bea (taker)", signers.taker1);
  const Carl = await party("Carl (taker)", signers.taker2);
  const tokenAddress = await token.getAddress();
  await (await token.connect(signers.operator).mint(Sam.address, usd("1500"))).wait();

  const peers = [Sam, Bea, Carl];
  const usdBefore = await Promise.all(peers.map((p) => token.balanceOf(p.address)));
  const ethBefore = await ethBalances(peers);

  // Sam: approve exactly what his two orders may take, make and sign the order, paste it.
  const approval = await (await token.connect(signers.maker).approve(address, usd("1500"))).wait();
  paid(Sam, approval ?? undefined, "approve (Sam, 1,500 dUSD, once for both orders)");
  const order = await Sam.client.makeOrder({
    makerToken: tokenAddress,
    makerAmount: usd("1000"),
    takerToken: ethers.ZeroAddress,
    takerAmount: ethers.parseEther("0.4"),
    minFill: usd("100"),
    expiresIn: 24 * 60 * 60,
  });
  const pasted = serializeOrderCompact(await Sam.client.signOrder({ order }));
  step(
    `Sam signs "1,000 dUSD for 0.4 ETH, at least 100 dUSD a fill, for 24 h" (partial nonce 2^255 + ${order.nonce - (1n << 255n)}): no gas`,
  );
  step(`he pastes it in the desk's chat (${pasted.length} characters): ${pasted.slice(0, 48)}…`);

  // Bea: parse (refusing another chain or contract), verify, check, quote, fill a quarter.
  const forBea = await Bea.client.parseOrder({ text: pasted });
  const verified = await Bea.client.verifyOrder({ order: forBea });
  const check = await Bea.client.check({ order: forBea, makerFill: usd("250") });
  const quote = await Bea.client.quote({ order: forBea, makerFill: usd("250") });
  step(
    `Bea parses it: signature valid (${verified.by}), check ${check.ok ? "passes" : check.reasons.map((r) => r.code)}, ` +
      `250 dUSD cost ${fmtWei(quote.takerFill)}, ${fmtUsd(quote.remaining)} would remain`,
  );
  const beaFill = await Bea.client.fill({ order: forBea, makerFill: usd("250") });
  paid(Bea, beaFill.receipt, "fill (Bea, 250 dUSD for ETH)");
  expectEqual(beaFill.takerFill, ethers.parseEther("0.1"), "Bea's ETH");

  // Carl: the same pasted string, the rest of the order.
  const forCarl = await Carl.client.parseOrder({ text: pasted });
  const carlFill = await Carl.client.fill({ order: forCarl });
  paid(Carl, carlFill.receipt, `fill (Carl, the remaining ${fmtUsd(carlFill.makerFill)})`);
  const status = await Carl.client.orderStatus({ order: forCarl });
  step(
    `Carl takes the remaining ${fmtUsd(carlFill.makerFill)} for ${fmtWei(carlFill.takerFill)}: order ${status.state}`,
  );
  expectEqual(carlFill.makerFill, usd("750"), "Carl's dUSD");

  // Sam's second order, cancelled before anyone fills it.
  const second = await Sam.client.makeOrder({
    makerToken: tokenAddress,
    makerAmount: usd("500"),
    takerToken: ethers.ZeroAddress,
    takerAmount: ethers.parseEther("0.25"),
    expiresIn: 24 * 60 * 60,
  });
  const secondText = serializeOrderCompact(await Sam.client.signOrder({ order: second }));
  step(`Sam posts a second order, 500 dUSD for 0.25 ETH (nonce ${second.nonce}), then changes his mind`);
  const cancelled = await Sam.client.cancel({ nonces: [second.nonce] });
  paid(Sam, cancelled.receipt, "cancel (one nonce)");
  const late = await Bea.client.check({ order: await Bea.client.parseOrder({ text: secondText }) });
  step(`Bea checks it too late: ${late.reasons.map((r) => r.code).join(", ")}; nothing moves`);
  if (late.ok || late.reasons[0].code !== "SWAP_NONCE_USED") throw new Error("the cancelled order is still fillable");

  const usdAfter = await Promise.all(peers.map((p) => token.balanceOf(p.address)));
  const ethAfter = await ethBalances(peers);
  printDeltas("dUSD balances", peers, usdBefore, usdAfter, fmtUsd);
  printDeltas("ETH balances, to the wei (each paid its own gas)", peers, ethBefore, ethAfter, fmtWei);
  expectEqual(usdAfter[0], usdBefore[0] - usd("1000"), "Sam's dUSD");
  expectEqual(usdAfter[1], usdBefore[1] + usd("250"), "Bea's dUSD");
  expectEqual(usdAfter[2], usdBefore[2] + usd("750"), "Carl's dUSD");
  expectEqual(ethAfter[0], ethBefore[0] + ethers.parseEther("0.4") - Sam.fees, "Sam's ETH");
  expectEqual(ethAfter[1], ethBefore[1] - ethers.parseEther("0.1") - Bea.fees, "Bea's ETH");
  expectEqual(ethAfter[2], ethBefore[2] - ethers.parseEther("0.3") - Carl.fees, "Carl's ETH");
  step("checked to the wei: Sam gave 1,000 dUSD and got 0.4 ETH; Bea and Carl paid 0.1 and 0.3 ETH, gas apart");
}
