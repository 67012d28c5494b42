// D-A1 (docs/deployments.md §2): creation through the deterministic deployment proxy, so that a build, its
// constructor arguments and a salt give the same address on every chain.
import {
  AbiCoder,
  ParamType,
  concat,
  dataLength,
  getAddress,
  getCreate2Address,
  isHexString,
  keccak256,
  toUtf8Bytes,
} from "ethers";
import type { DeployableContract } from "../../../sdk/deployments";
import type { DeployableArtifact } from "./artifacts";
import { DeployError, DeployErrorCode } from "./errors";

/** The keyless deterministic deployment proxy ("CREATE2 deployer"), the same address on every chain that has it. */
export const CREATE2_PROXY = "0x4e59b44847b379578588920ca78fbf26c0b4956c";

/**
 * The proxy's runtime code: it takes `salt ‖ initcode` as calldata, CREATE2s the contract with the call's value and
 * returns its 20-byte address (reverting if the creation fails). The same code every chain that has the proxy holds.
 */
export const CREATE2_PROXY_RUNTIME =
  "0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe03601600081602082378035828234f58015156039578182fd5b8082525050506014600cf3";

/** `keccak256("PeerPay v1")`, the salt when PEERPAY_SALT is not set. */
export const DEFAULT_SALT = keccak256(toUtf8Bytes("PeerPay v1"));

/** What a contract's creation looks like for given arguments and salt, and where it lands. */
export interface CreationPlan {
  name: DeployableContract;
  artifact: DeployableArtifact;
  constructorArgs: unknown[];
  salt: string;
  initcode: string;
  bytecodeHash: string;
  address: string;
}

/** JSON form of ABI values (§3): addresses checksummed, integers as decimal strings, arrays and tuples as arrays. */
function jsonArg(type: ParamType, value: unknown): unknown {
  if (type.isArray()) return (value as unknown[]).map((v) => jsonArg(type.arrayChildren, v));
  if (type.isTuple()) return (value as unknown[]).map((v, i) => jsonArg(type.components[i], v));
  if (type.baseType === "address") return getAddress(value as string);
  if (type.baseType.startsWith("uint") || type.baseType.startsWith("int")) return BigInt(value as bigint).toString();
  return value;
}

/** D-A1: the CREATE2 address of `initcode` with `salt` through the proxy; it does not depend on the chain. */
export function predictAddress(salt: string, initcode: string): string {
  return getCreate2Address(CREATE2_PROXY, salt, keccak256(initcode));
}

/** The creation of `artifact` with `args` (ABI values) and `salt`. */
export function planCreation(
  name: DeployableContract,
  artifact: DeployableArtifact,
  args: unknown[],
  salt: string,
): CreationPlan {
  const coder = AbiCoder.defaultAbiCoder();
  const ctor = (artifact.abi as readonly { type?: string; inputs?: readonly unknown[] }[]).find(
    (f) => f.type === "constructor",
  );
  const types = (ctor?.inputs ?? []).map((input) => ParamType.from(input as ParamType));
  if (types.length !== args.length) {
    throw new DeployError(
      DeployErrorCode.INVALID_OPTION,
      `${name} takes ${types.length} constructor arguments, got ${args.length}`,
    );
  }
  const encodedArgs = coder.encode(types, args);
  const initcode = concat([artifact.bytecode, encodedArgs]);
  return {
    name,
    artifact,
    constructorArgs: types.map((t, i) => jsonArg(t, args[i])),
    salt,
    initcode,
    bytecodeHash: keccak256(artifact.bytecode),
    address: predictAddress(salt, initcode),
  };
}

/** Checks and normalizes a salt: 32 bytes of hex, lower case. */
export function normalizeSalt(salt: string): string {
  if (!isHexString(salt) || dataLength(salt) !== 32) {
    throw new DeployError(DeployErrorCode.INVALID_OPTION, `salt ${JSON.stringify(salt)} is not 32 bytes of hex`, {
      salt,
    });
  }
  return salt.toLowerCase();
}
