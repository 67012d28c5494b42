import { ethers, network } from "hardhat";
async function trace(hash: string, label: string) {
  const t: any = await network.provider.send("debug_traceTransaction", [hash, { disableStorage: true, disableMemory: true, disableStack: true }]);
  const by: Record<string, number> = {};
  const logs = t.structLogs;
  for (let i = 0; i < logs.length; i++) {
    const l = logs[i]; if (l.depth !== 1) continue;
    let cost = l.gasCost;
    if (["CALL","STATICCALL","DELEGATECALL"].includes(l.op)) { const nxt = logs.slice(i+1).find((x: any) => x.depth === 1); cost = nxt ? l.gas - nxt.gas : cost; }
    by[l.op] = (by[l.op] ?? 0) + cost;
  }
  const total = Object.values(by).reduce((a, b) => a + b, 0);
  const sorted = Object.entries(by).sort((a, b) => b[1] - a[1]).slice(0, 8);
  console.log("   ", label, "exec", total, "steps", logs.filter((l:any)=>l.depth===1).length, JSON.stringify(sorted));
}
async function main() {
  const [owner, dep, ben] = await ethers.getSigners();
  const esc = await (await ethers.getContractFactory("Escrow")).deploy(owner.address);
  const tok = await (await ethers.getContractFactory("MockERC20")).deploy("T", "T", 18);
  await tok.mint(dep.address, 10n ** 24n); await tok.mint(ben.address, 1n);
  await tok.connect(dep).approve(await esc.getAddress(), ethers.MaxUint256);
  const now = (await ethers.provider.getBlock("latest"))!.timestamp;
  for (const token of [ethers.ZeroAddress, await tok.getAddress()]) {
    const eth = token === ethers.ZeroAddress;
    const p = (salt: number) => ({ beneficiary: ben.address, arbiter: ethers.ZeroAddress, token, amount: 10n ** 18n, deadline: now + 86400, disputeWindow: 0, defaultOutcome: 0, fallbackBps: 0, arbiterFeeBps: 0, salt });
    await (await esc.connect(dep).createDeal(p(1), [], { value: eth ? 10n ** 18n : 0n })).wait();
    const tx = await esc.connect(dep).createDeal(p(2), [], { value: eth ? 10n ** 18n : 0n });
    const r = (await tx.wait())!;
    console.log(eth ? "ETH" : "ERC20", "create gas", r.gasUsed, "calldata", (tx.data.length - 2) / 2);
    await trace(tx.hash, "create");
    const ev = esc.interface.parseLog(r.logs.find(l => l.address === esc.target)!)!;
    const tx2 = await esc.connect(dep).release(ev.args.deal.toObject(), 10n ** 18n);
    const r2 = (await tx2.wait())!; console.log(eth ? "ETH" : "ERC20", "release gas", r2.gasUsed, "calldata", (tx2.data.length - 2) / 2);
    await trace(tx2.hash, "release");
  }
}
main();
