// PeerPay's deployment (docs/deployments.md §2–§4), by concern:
//
//   errors.ts        DeployError and its stable codes
//   record.ts        the record, deployments/<network>.json: its type (the SDK's), parsing, path, layout
//   atomic-write.ts  D-R1: the record written so that no reader sees it torn
//   artifacts.ts     compiled contracts, and the check that code on chain is theirs
//   create2.ts       D-A1: the proxy, salts, initcode and predicted addresses
//   rpc.ts           the chain reads: code, receipts, creation blocks
//   proxy.ts         D-A2 / D-A3: the proxy on the chain before anything is created
//   suite.ts         the registered products (scripts/products/) planned for one deployment
//   run.ts           §4: the deploy run, deploySuite
//   address-book.ts  §6: sdk/address-book.json from the records of public chains
export * from "./address-book";
export * from "./artifacts";
export * from "./atomic-write";
export * from "./create2";
export * from "./errors";
export * from "./proxy";
export * from "./record";
export * from "./rpc";
export * from "./run";
export * from "./suite";
