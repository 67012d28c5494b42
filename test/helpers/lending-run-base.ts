// The machinery of one run of the Lending property test (test/helpers/lending-run.ts adds the actions): sends each generated action as its actor at a pinned timestamp, predicts its
// outcome with the reference model (test/helpers/lending-model.ts), and after every step compares every loan, sale,
// position, deposit, credit, NFT owner and balance with the model, and Lending's balance per asset with what it owes
// plus what was donated (docs/lending.md LN-V1, LN-V2).
import { ethers, network } from "hardhat";
import { ZeroAddress, type Interface } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { Mismatch, decodeRevert, revertData, tally, type ActionStats } from "./property";
import { CollateralKind, InterestKind, Status, termsHash, type Terms } from "./lending";
import { LendingModel, type ModelLoan } from "./lending-model";
import { AUCTION_FEE_BPS, ONE, errors, type Flaw, type TermsChoice, type World } from "./lending-property";

const DURATIONS = [300n, 600n, 1_200n, 2_400n];
const GRACES = [0n, 60n, 300n];
const lc = (a: string) => a.toLowerCase();

export class RunBase {
  last = 0n;
  next: bigint | null = null;
  nextNft = 1_000n;
  nextNonce = new Map<string, bigint>();
  readonly trace: string[] = [];
  readonly initial = new Map<string, bigint>();
  readonly model: LendingModel;
  readonly order: bigint[] = [];
  readonly people: HardhatEthersSigner[];
  readonly lendingIface: Interface;

  constructor(
    readonly w: World,
    readonly stats: ActionStats,
  ) {
    this.model = new LendingModel(w.addresses);
    this.model.auctionFeeBps = AUCTION_FEE_BPS;
    this.people = [...w.actors, w.feeTaker];
    this.lendingIface = w.lending.interface as unknown as Interface;
  }

  get assets(): [string, string][] {
    return [
      ["ETH", ZeroAddress],
      ["P", this.w.addresses.principal],
      ["C", this.w.addresses.collateral],
    ];
  }

  async balanceOf(asset: string, who: string): Promise<bigint> {
    if (asset === ZeroAddress) return ethers.provider.getBalance(who);
    return (asset === this.w.addresses.principal ? this.w.principal : this.w.collateral).balanceOf(who);
  }

  async init(): Promise<void> {
    this.last = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
    for (const [, asset] of this.assets) {
      for (const p of this.people)
        this.initial.set(`${asset}|${lc(p.address)}`, await this.balanceOf(asset, p.address));
    }
    for (const [i] of this.people.entries()) {
      for (const k of [1n, 2n]) this.model.nftOwner.set(BigInt(10 * (i + 1)) + k, lc(this.people[i].address));
    }
  }

  fail(message: string): never {
    throw new Mismatch(`${message}\n\nSteps (the last one failed):\n${this.trace.join("\n")}`);
  }

  nameOf(a: string | null): string {
    if (a === null || a === ZeroAddress) return "0";
    const i = this.people.findIndex((p) => lc(p.address) === lc(a));
    return i < 0
      ? lc(a) === lc(this.w.addresses.lending)
        ? "Lending"
        : a.slice(0, 8)
      : ["alice", "bob", "carol", "dave", "fees"][i];
  }

  signerOf(a: string): HardhatEthersSigner {
    return this.people.find((p) => lc(p.address) === lc(a))!;
  }

  /** The timestamp of the next transaction. */
  now(): bigint {
    return this.next ?? this.last + 1n;
  }

  /** Sends a transaction at `at` and checks its outcome against `expected` (the model's prediction). */
  async send(
    action: string,
    desc: string,
    from: HardhatEthersSigner,
    to: string,
    data: string,
    value: bigint,
    at: bigint,
    expected: string[],
  ) {
    const want = [...new Set(expected)];
    await network.provider.send("evm_setNextBlockTimestamp", [Number(at)]);
    let got: { name: string; error: string } | null = null;
    try {
      await (await from.sendTransaction({ to, data, value, gasLimit: 5_000_000n, gasPrice: 0n })).wait();
    } catch (e) {
      const rd = revertData(e);
      if (rd === undefined) throw e;
      const d = decodeRevert(errors, rd);
      got = { name: d.errorName, error: d.error };
    }
    this.last = at;
    this.next = null;
    this.trace.push(
      `  t=${at} ${desc}\n      model: ${want.length === 0 ? "succeeds" : `reverts ${want.join(" | ")}`}; contract: ${got === null ? "succeeded" : `reverted ${got.error}`}`,
    );
    if (got === null && want.length > 0)
      this.fail(`the contract accepted a call the model says reverts ${want.join(" | ")}`);
    if (got !== null && want.length === 0) this.fail(`the contract reverted ${got.error}; the model says it is valid`);
    if (got !== null && !want.includes(got.name))
      this.fail(`the contract reverted ${got.error}; the model expected ${want.join(" | ")}`);
    tally(this.stats, action, got === null);
  }

  lending(fn: string, args: unknown[]): string {
    return this.lendingIface.encodeFunctionData(fn, args);
  }

  /** A loan: negative `pick` the k-th newest; 0..7 among `prefer`, else any. */
  loan(pick: number, prefer: (l: ModelLoan) => boolean): ModelLoan | undefined {
    const all = this.order.map((id) => this.model.loans.get(id)!);
    if (all.length === 0) return undefined;
    if (pick < 0) return all[Math.max(0, all.length + pick)];
    const preferred = all.filter(prefer);
    return pick < 8 && preferred.length > 0 ? preferred[pick % preferred.length] : all[pick % all.length];
  }

  freshNonce(signer: string): bigint {
    const n = this.nextNonce.get(lc(signer)) ?? 1n;
    this.nextNonce.set(lc(signer), n + 1n);
    return n;
  }

  /** The nonce a signature uses: fresh, or (flaw "reuse") one already used. */
  nonceFor(signer: string, f: Flaw): bigint {
    const used = this.model.nonces.get(lc(signer));
    if (f === "reuse" && used !== undefined && used.size > 0) return [...used][0];
    return this.freshNonce(signer);
  }

  termsOf(c: Partial<TermsChoice>, base: Partial<Terms>): Terms {
    const principal = BigInt(c.principal ?? 1) * ONE;
    const sale = c.sale === true;
    return {
      principalToken: c.eth === true ? ZeroAddress : this.w.addresses.principal,
      principal,
      collateralToken: c.nft === true ? this.w.addresses.nft : this.w.addresses.collateral,
      collateralAmount: c.nft === true ? 0n : 2n * ONE,
      collateralId: 0n,
      collateralKind: c.nft === true ? CollateralKind.ERC721 : CollateralKind.ERC20,
      interestKind: c.pro === true ? InterestKind.ProRated : InterestKind.Fixed,
      interest: c.pro === true ? 50_000n : principal / 10n,
      duration: DURATIONS[c.dur ?? 0],
      gracePeriod: GRACES[c.grace ?? 0],
      feeBps: c.fee === true ? 1_000n : 0n,
      feeRecipient: c.fee === true ? this.w.feeTaker.address : ZeroAddress,
      saleStartBps: sale ? 15_000n : 0n,
      saleFloorBps: sale ? 8_000n : 0n,
      saleDuration: sale ? 200n : 0n,
      saleFloorDuration: sale ? 100n : 0n,
      ...base,
    };
  }

  /** An ETH deposit (a step of its own) so that `who` can lend `amount` from it. */
  async topUp(who: HardhatEthersSigner, amount: bigint): Promise<void> {
    const have = this.model.depositOf(who.address);
    if (have >= amount) return;
    const at = this.now();
    const want = this.model.deposit(who.address, amount - have);
    await this.send(
      "deposit",
      `${this.nameOf(who.address)} deposit ${amount - have}`,
      who,
      this.w.addresses.lending,
      this.lending("deposit", []),
      amount - have,
      at,
      want,
    );
  }

  short(l: ModelLoan): string {
    const t = l.terms;
    return (
      `loan ${l.id.toString(16).slice(0, 8)} [${t.principalToken === ZeroAddress ? "ETH" : "P"}/${t.collateralKind === CollateralKind.ERC721 ? `NFT ${t.collateralId}` : "C"}` +
      `${t.interestKind === InterestKind.ProRated ? " pro" : " fixed"}${t.feeBps > 0n ? " fee" : ""}${t.saleStartBps > 0n ? " sale" : ""} ${Status[l.status]}]`
    );
  }

  // -------------------------------------------------------------- checks after every step

  async check(): Promise<void> {
    const { w, model } = this;
    const L = w.addresses.lending;
    const eq = (what: string, got: unknown, want: unknown) => {
      if (String(got).toLowerCase() !== String(want).toLowerCase())
        this.fail(`${what}: contract ${got}, model ${want}`);
    };
    for (const l of model.loans.values()) {
      const c = await w.lending.loanOf(l.id);
      const name = this.short(l);
      eq(`${name} status (LN-S2)`, c.status, l.status);
      eq(`${name} lender`, c.lender, l.lender ?? ZeroAddress);
      eq(`${name} borrower`, c.borrower, l.borrower ?? ZeroAddress);
      eq(`${name} start`, c.start, l.start);
      eq(`${name} checkpoint`, c.checkpoint, l.checkpoint);
      eq(`${name} outstanding (LN-I1, LN-I2, LN-R2)`, c.outstanding, l.outstanding);
      eq(`${name} termsHash (LN-S1)`, c.termsHash, termsHash(l.terms));
      for (const [tokenId, holder] of [
        [l.id, l.lender],
        [l.id + 1n, l.borrower],
      ] as const) {
        const owner = await w.lending.ownerOf(tokenId).catch(() => null);
        eq(
          `${name} ownerOf(${tokenId % 2n === 0n ? "lender" : "borrower"} token) (LN-P2)`,
          owner ?? "none",
          holder ?? "none",
        );
      }
      if (l.sale !== null) {
        const s = await w.lending.saleOf(l.id);
        eq(
          `${name} sale (LN-D2)`,
          `${s.auctionId}/${s.debt}/${s.interest}`,
          `${l.sale.auctionId}/${l.sale.debt}/${l.sale.interest}`,
        );
      }
    }
    for (const p of this.people) {
      const who = this.nameOf(p.address);
      eq(`${who} positions balanceOf`, await w.lending.balanceOf(p.address), model.positionsOf(p.address));
      eq(`${who} depositOf`, await w.lending.depositOf(p.address), model.depositOf(p.address));
      for (const [n, asset] of this.assets) {
        if (n !== "C")
          eq(`${who} creditOf ${n}`, await w.lending.creditOf(asset, p.address), model.creditOf(asset, p.address));
        const moved = (await this.balanceOf(asset, p.address)) - this.initial.get(`${asset}|${lc(p.address)}`)!;
        eq(`${who}'s ${n} balance moved`, moved, model.balanceDeltaOf(asset, p.address));
      }
    }
    for (const [id, owner] of model.nftOwner) eq(`owner of NFT ${id}`, await w.nft.ownerOf(id), owner);
    for (const id of model.nftsOwed()) eq(`NFT ${id} of an Active loan or held (LN-V1)`, await w.nft.ownerOf(id), L);
    // LN-V1, LN-V2: per asset, Lending's balance covers what it owes and is exactly that plus donations.
    for (const [n, asset] of this.assets) {
      const balance = await this.balanceOf(asset, L);
      const { parts, donated } = model.liabilities(asset);
      const owed = parts.reduce((s, [, x]) => s + x, 0n);
      const desc = parts.map(([k, x]) => `${k} ${x}`).join(" + ");
      if (balance < owed) this.fail(`INSOLVENT in ${n}: balance ${balance} < ${desc}`);
      if (balance !== owed + donated) this.fail(`${n}: balance ${balance} != ${desc} + donated ${donated}`);
    }
  }
}
