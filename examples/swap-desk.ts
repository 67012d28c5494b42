// A P2P desk swap: the maker signs an order and pastes it as a compact string; a taker parses it, checks and quotes
// it, and fills part of it with ETH. Runs against a node with PeerPay deployed (README, "Quickstart"):
// PEERPAY_RPC_URL, PEERPAY_RECORD, and PEERPAY_TOKEN, an ERC20 the maker (account 1) holds.
import { readFileSync } from "node:fs";
import { Contract, JsonRpcProvider, ZeroAddress, formatEther, parseUnits } from "ethers";
import { PeerPayError, SwapClient, addressBookFromRecord, serializeOrderCompact } from "peerpay";

const provider = new JsonRpcProvider(process.env.PEERPAY_RPC_URL ?? "http://127.0.0.1:8545");
const record = JSON.parse(readFileSync(process.env.PEERPAY_RECORD ?? "deployments/localhost.json", "utf8"));
const addressBook = addressBookFromRecord(record);
const dusd = process.env.PEERPAY_TOKEN ?? ""; // a 6-decimal dollar token

async function main(): Promise<void> {
  const [maker, taker] = await Promise.all([1, 2].map((i) => provider.getSigner(i)));
  const makerSwap = await SwapClient.connect({ runner: maker, addressBook });
  const erc20 = new Contract(dusd, ["function approve(address, uint256) returns (bool)"], maker);
  await (await erc20.approve(makerSwap.address, parseUnits("1000", 6))).wait(); // the Swap may take the maker's side

  const order = await makerSwap.makeOrder({
    makerToken: dusd,
    makerAmount: parseUnits("1000", 6), // 1,000 dUSD…
    takerToken: ZeroAddress, // …for ETH
    takerAmount: 400_000_000_000_000_000n, // 0.4 ETH
    minFill: parseUnits("100", 6), // fills of at least 100 dUSD (the last may be smaller)
    expiresIn: 24 * 60 * 60,
  });
  const pasted = serializeOrderCompact(await makerSwap.signOrder({ order })); // "ppswap1:…", for the chat

  const takerSwap = await SwapClient.connect({ runner: taker, addressBook });
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
