// The swap benchmark (`npm run bench:swap`): AirSwap's SwapERC20 built at run time outside the repository
// (airswap.ts), the rows (rows.ts), the measurements on the Hardhat network (measure.ts), the floors (floor.ts) and the printout
// (format.ts).
export * from "./airswap";
export * from "./floor";
export * from "./format";
export * from "./measure";
export * from "./rows";
export * from "./trace";
