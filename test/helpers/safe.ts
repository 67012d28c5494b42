// Real Safe 1.4.1, deployed from its npm artifacts at test time (never committed): the singleton, the proxy factory,
// the CompatibilityFallbackHandler (ERC-1271) and SignMessageLib (on-chain approved messages). `createSafe` makes a
// Safe proxy with the given owners and threshold; `execAsSafe` runs a call from it with its owners' signatures
// through the SDK's `buildSafeExecTransaction`.
import { readFileSync } from "node:fs";
import { ethers } from "hardhat";
import { Contract, ContractFactory, Interface, ZeroAddress, type Signer } from "ethers";
import { buildSafeExecTransaction, type PreparedTransaction, type SafeTransaction } from "../../sdk";

const ARTIFACTS = "node_modules/@safe-global/safe-contracts/build/artifacts/contracts";

function artifact(path: string): { abi: unknown[]; bytecode: string } {
  return JSON.parse(readFileSync(`${ARTIFACTS}/${path}`, "utf8")) as { abi: unknown[]; bytecode: string };
}

async function deploy(path: string, deployer: Signer): Promise<Contract> {
  const { abi, bytecode } = artifact(path);
  const contract = await new ContractFactory(abi as never, bytecode, deployer).deploy();
  await contract.waitForDeployment();
  return contract as Contract;
}

/** The Safe 1.4.1 singletons, deployed once per fixture. */
export async function safeContracts() {
  const [deployer] = await ethers.getSigners();
  const singleton = await deploy("Safe.sol/Safe.json", deployer);
  const factory = await deploy("proxies/SafeProxyFactory.sol/SafeProxyFactory.json", deployer);
  const fallbackHandler = await deploy(
    "handler/CompatibilityFallbackHandler.sol/CompatibilityFallbackHandler.json",
    deployer,
  );
  const signMessageLib = await deploy("libraries/SignMessageLib.sol/SignMessageLib.json", deployer);
  return {
    singleton: await singleton.getAddress(),
    factory,
    fallbackHandler: await fallbackHandler.getAddress(),
    signMessageLib: await signMessageLib.getAddress(),
    safeAbi: new Interface(artifact("Safe.sol/Safe.json").abi as never),
  };
}

export type SafeContracts = Awaited<ReturnType<typeof safeContracts>>;

let saltNonce = 0n;

/** A new Safe proxy with `owners` and `threshold`, the CompatibilityFallbackHandler as its fallback handler. */
export async function createSafe(
  contracts: SafeContracts,
  { owners, threshold }: { owners: readonly string[]; threshold: number },
): Promise<{ safe: string; contract: Contract }> {
  const initializer = contracts.safeAbi.encodeFunctionData("setup", [
    owners,
    threshold,
    ZeroAddress,
    "0x",
    contracts.fallbackHandler,
    ZeroAddress,
    0n,
    ZeroAddress,
  ]);
  saltNonce += 1n;
  const create = contracts.factory.getFunction("createProxyWithNonce");
  const safe = (await create.staticCall(contracts.singleton, initializer, saltNonce)) as string;
  await (await create.send(contracts.singleton, initializer, saltNonce)).wait();
  return { safe, contract: new Contract(safe, contracts.safeAbi, ethers.provider) };
}

/** Runs `request` from the Safe (a call), signed by `owners`, sent by `relayer`; reverts if the inner call fails. */
export async function execAsSafe(
  safe: Contract,
  request: PreparedTransaction,
  { owners, relayer }: { owners: readonly Signer[]; relayer: Signer },
): Promise<void> {
  const transaction: SafeTransaction = {
    to: request.to,
    value: request.value ?? 0n,
    data: request.data,
    operation: 0,
    safeTxGas: 0n,
    baseGas: 0n,
    gasPrice: 0n,
    gasToken: ZeroAddress,
    refundReceiver: ZeroAddress,
    nonce: (await safe.getFunction("nonce")()) as bigint,
  };
  const exec = await buildSafeExecTransaction({ safe: await safe.getAddress(), transaction, owners });
  await (await relayer.sendTransaction(exec)).wait();
}

/** Sends `request` as the Safe itself and returns once mined: the approved-message form (SignMessageLib). */
export async function execSafeTransaction(
  safe: string,
  transaction: SafeTransaction,
  { owners, relayer }: { owners: readonly Signer[]; relayer: Signer },
): Promise<void> {
  const exec = await buildSafeExecTransaction({ safe, transaction, owners });
  await (await relayer.sendTransaction(exec)).wait();
}
