// An atomic swap between two chains with hashed timelocks: Alice's ETH on chain A for Bob's ETH on chain B, both
// legs completed or both refunded. Runs against nodes with PeerPay deployed (README, "Atomic swaps"): chain A at
// PEERPAY_RPC_URL with PEERPAY_RECORD, chain B at PEERPAY_RPC_URL_B with PEERPAY_RECORD_B (both default to chain A's:
// the protocol is the same on one chain).
import { readFileSync } from "node:fs";
import { JsonRpcProvider, formatEther, parseEther } from "ethers";
import { AtomicSwap, HashedTimelocksClient, addressBookFromRecord } from "peerpay";

const urlA = process.env.PEERPAY_RPC_URL ?? "http://127.0.0.1:8545";
const recordA = process.env.PEERPAY_RECORD ?? "deployments/localhost.json";
const chainA = new JsonRpcProvider(urlA);
const chainB = new JsonRpcProvider(process.env.PEERPAY_RPC_URL_B ?? urlA);
const bookA = addressBookFromRecord(JSON.parse(readFileSync(recordA, "utf8")));
const bookB = addressBookFromRecord(JSON.parse(readFileSync(process.env.PEERPAY_RECORD_B ?? recordA, "utf8")));
// A development node's estimates: on a mainnet, its real block time and the confirmations you trust.
const timing = { blockTime: 12, confirmations: 1 };

async function main(): Promise<void> {
  const [aliceA, bobA] = await Promise.all([1, 2].map((i) => chainA.getSigner(i)));
  const [aliceB, bobB] = await Promise.all([1, 2].map((i) => chainB.getSigner(i)));
  const [aliceOnA, bobOnA] = await Promise.all(
    [aliceA, bobA].map((runner) => HashedTimelocksClient.connect({ runner, addressBook: bookA })),
  );
  const [aliceOnB, bobOnB] = await Promise.all(
    [aliceB, bobB].map((runner) => HashedTimelocksClient.connect({ runner, addressBook: bookB })),
  );

  const alice = new AtomicSwap({
    chainA: { client: aliceOnA, timing },
    chainB: { client: aliceOnB, timing },
    claimWindow: 900,
    clockSkew: 120,
  });
  const bob = new AtomicSwap({
    chainA: { client: bobOnA, timing },
    chainB: { client: bobOnB, timing },
    claimWindow: 900,
    clockSkew: 120,
  });

  // Alice: a fresh secret, a safe pair of timelocks, 0.5 ETH locked for Bob on chain A
  const { secret, hashlock } = AtomicSwap.createSecret();
  const { timelockA, timelockB } = await alice.planTimelocks();
  const { lockId: lockIdA } = await alice.lockInitiator({
    receiver: bobA.address,
    amount: parseEther("0.5"),
    hashlock,
    timelockA,
    timelockB,
  });

  // Bob: reads Alice's lock from chain A itself, then locks 0.2 ETH for Alice on chain B; his watcher waits for the secret
  const expectedA = { sender: aliceA.address, receiver: bobA.address, amount: parseEther("0.5"), hashlock };
  const { lockId: lockIdB } = await bob.lockCounterparty({
    lockIdA,
    expectedA,
    receiver: aliceB.address,
    amount: parseEther("0.2"),
  });
  const watching = bob.watch({ lockA: lockIdA, lockB: lockIdB, pollIntervalMs: 200 }).start();

  // Alice: checks Bob's lock on chain B and claims it, revealing the secret; Bob's watcher claims chain A with it
  const expectedB = { sender: bobB.address, receiver: aliceB.address, amount: parseEther("0.2"), hashlock };
  await alice.claim({ lockIdB, secret, expected: expectedB });
  const outcome = await watching;
  console.log(
    `swap done: Alice got ${formatEther(parseEther("0.2"))} ETH on chain B, Bob's watcher ${outcome?.outcome} ${formatEther(parseEther("0.5"))} ETH on chain A`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
