// The products of the suite, in deployment order: what the deploy run (`npm run deploy`, the demo's deployment), the
// gas snapshot (`npm run gas`) and the gas test iterate over.
//
// A new contract is a new product: a folder scripts/products/<product>/ with an index.ts that registers it (its
// contract name, constructor arguments and gas targets; see scripts/lib/product.ts) and a gas.ts with its gas
// scenarios, then one line in the list below. Its name goes into the SDK's `DeployableContract` too (sdk/
// deployments.ts), so that the SDK can look it up: the check at the end of this file fails to compile until both
// agree. docs/deployments.md §1 describes the layout.
import type { DeployableContract } from "../../sdk/deployments";
import type { Product } from "../lib/product";
import { auctions } from "./auctions";
import { crowdfunding } from "./crowdfunding";
import { escrow } from "./escrow";
import { hashedTimelocks } from "./hashed-timelocks";
import { lending } from "./lending";
import { micropaymentChannels } from "./micropayment-channels";
import { paymentChannels } from "./payment-channels";
import { swap } from "./swap";

export const PRODUCTS = [
  escrow,
  micropaymentChannels,
  paymentChannels,
  hashedTimelocks,
  swap,
  crowdfunding,
  auctions,
  lending,
] as const satisfies readonly Product[];

// Every contract the SDK can look up has a product, and (through Product's type) every product is one the SDK knows:
// a missing product makes this a type error that names the contract.
type Unregistered = Exclude<DeployableContract, (typeof PRODUCTS)[number]["contract"]>;
const everyContractRegistered: [Unregistered] extends [never] ? true : Unregistered = true;
void everyContractRegistered;
