// A P2P desk swap: the maker signs an order and pastes it as a compact string; a taker parses it, checks and quotes
// it, and fills part of it with ETH. Runs against a node with the Swap contract deployed: PEERPAY_RPC_URL,
// PEERPAY_RECORD (its `contracts.Swap`), and PEERPAY_TOKEN, an ERC20 the maker (account 1) holds.
import { readFileSync } from "node:fs";
import { Contract, JsonRpcProvider, ZeroAddress, formatEther, parseUnits } from "ethers";
import { PeerPayError, SwapClient, serializeOrderCompact } from "peerpay";

const provider = new JsonRpcProvider(process.env.PEERPAY_RPC_URL ?? "http://127.0.0.1:8545");
const record = JSON.parse(readFileSync(process.env.PEERPAY_RECORD ?? "deployments/localhost.json", "utf8"));
const swapAddress: string = record.contracts.Swap.address;
const dusd = process.env.PEERPAY_TOKEN ?? ""; // a 6-decimal dollar token

async function main(): Promise<void> {
  const [maker, taker] = await Promise.all([1, 2].map((i) => provider.getSigner(i)));
  const erc20 = new Contract(dusd, ["function approve(address, uint256) returns (bool)"], maker);
  await (await erc20.approve(swapAddress, parseUnits("1000", 6))).wait(); // the maker lets the Swap take its side

  const makerSwap = new SwapClient({ address: swapAddress, runner: maker });
  const order = await makerSwap.makeOrder({
    makerToken: dusd,
    makerAmount: parseUnits("1000", 6), // 1,000 dUSD…
    takerToken: ZeroAddress, // …for ETH
    takerAmount: 400_000_000_000_000_000n, // 0.4 ETH
    minFill: parseUnits("100", 6), // fills of at least 100 dUSD (the last may be smaller)
    expiresIn: 24 * 60 * 60,
  });
  const pasted = serializeOrderCompact(await makerSwap.signOrder({ order })); // "ppswap1:…", for the chat

  const takerSwap = new SwapClient({ address: swapAddress, runner: taker });
  const signed = await takerSwap.parseOrder({ text: pasted }); // refuses a typo, another chain or contract
  const { ok, reasons } = await takerSwap.check({ order: signed, makerFill: parseUnits("250", 6) });
  if (!ok) throw new Error(`not fillable: ${reasons.map((r) => r.code).join(", ")}`);
  const { takerFill } = await takerSwap.quote({ order: signed, makerFill: parseUnits("250", 6) });
  await takerSwap.fill({ order: signed, makerFill: parseUnits("250", 6) }); // sends exactly takerFill wei
  try {
    await takerSwap.fill({ order: signed, makerFill: parseUnits("50", 6) }); // below minFill
  } catch (error) {
    if (error instanceof PeerPayError) console.log(`a 50 dUSD fill is refused: ${error.code}`);
  }
  const { state, remaining } = await takerSwap.orderStatus({ order: signed });
  console.log(`filled 250 dUSD for ${formatEther(takerFill)} ETH; order ${state}, ${remaining} units left`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
