// ABIs come from the generated TypeChain factories, imported by deep path: the barrel `typechain-types/index.ts`
// would pull every factory, mocks and bytecode included, into the SDK bundle.
import { Interface, type InterfaceAbi, type JsonFragment } from "ethers";
import { IEscrow__factory } from "../../typechain-types/factories/contracts/interfaces/IEscrow__factory";
import { IPaymentChannels__factory } from "../../typechain-types/factories/contracts/interfaces/IPaymentChannels__factory";
import { ISwap__factory } from "../../typechain-types/factories/contracts/interfaces/ISwap__factory";
import { IMicropaymentChannels__factory } from "../../typechain-types/factories/contracts/interfaces/IMicropaymentChannels__factory";
import { Ownable__factory } from "../../typechain-types/factories/@openzeppelin/contracts/access/Ownable__factory";
import { ReentrancyGuardTransient__factory } from "../../typechain-types/factories/@openzeppelin/contracts/utils/ReentrancyGuardTransient__factory";
import { SafeERC20__factory } from "../../typechain-types/factories/@openzeppelin/contracts/token/ERC20/utils/SafeERC20__factory";
import { Errors__factory } from "../../typechain-types/factories/@openzeppelin/contracts/utils/Errors__factory";
import { IERC20Errors__factory } from "../../typechain-types/factories/@openzeppelin/contracts/interfaces/draft-IERC6093.sol/IERC20Errors__factory";

/** Functions and events of the escrow (IEscrow includes IPullPayments). */
export const escrowInterface = IEscrow__factory.createInterface();

/**
 * Every custom error a call to the escrow can revert with: its own, the OpenZeppelin bases' (Ownable, the
 * reentrancy guard, SafeERC20, Address.sendValue) and an OpenZeppelin ERC20's bubbling through a deposit.
 */
export const revertInterface = new Interface(
  [
    IEscrow__factory.abi,
    Ownable__factory.abi,
    ReentrancyGuardTransient__factory.abi,
    SafeERC20__factory.abi,
    Errors__factory.abi,
    IERC20Errors__factory.abi,
  ].flatMap((abi) => errorsOf(abi)),
);

/** Functions and events of the micropayment channels (IMicropaymentChannels includes IPullPayments). */
export const channelsInterface = IMicropaymentChannels__factory.createInterface();

/**
 * Every custom error a call to the channels can revert with: its own, the reentrancy guard's, SafeERC20's,
 * Address.sendValue's, and an OpenZeppelin ERC20's bubbling through a deposit.
 */
export const channelsRevertInterface = new Interface(
  [
    IMicropaymentChannels__factory.abi,
    ReentrancyGuardTransient__factory.abi,
    SafeERC20__factory.abi,
    Errors__factory.abi,
    IERC20Errors__factory.abi,
  ].flatMap((abi) => errorsOf(abi)),
);

/** Functions and events of the two-way payment channels (IPaymentChannels includes IPullPayments). */
export const paymentChannelsInterface = IPaymentChannels__factory.createInterface();

/** Every custom error a call to the two-way payment channels can revert with, as for the micropayment channels. */
export const paymentChannelsRevertInterface = new Interface(
  [
    IPaymentChannels__factory.abi,
    ReentrancyGuardTransient__factory.abi,
    SafeERC20__factory.abi,
    Errors__factory.abi,
    IERC20Errors__factory.abi,
  ].flatMap((abi) => errorsOf(abi)),
);

/** Functions and events of the signed-order swaps (ISwap includes IPullPayments). */
export const swapInterface = ISwap__factory.createInterface();

/**
 * Every custom error a call to the swaps can revert with: its own, Ownable's (the fee setter), the reentrancy
 * guard's, SafeERC20's, Address.sendValue's, and an OpenZeppelin ERC20's bubbling through a fill.
 */
export const swapRevertInterface = new Interface(
  [
    ISwap__factory.abi,
    Ownable__factory.abi,
    ReentrancyGuardTransient__factory.abi,
    SafeERC20__factory.abi,
    Errors__factory.abi,
    IERC20Errors__factory.abi,
  ].flatMap((abi) => errorsOf(abi)),
);

function errorsOf(abi: InterfaceAbi): JsonFragment[] {
  return (abi as readonly JsonFragment[]).filter((fragment) => fragment.type === "error");
}
