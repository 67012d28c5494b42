// One run of the Auctions property test: sends each generated action as its actor at a pinned timestamp, predicts
// its outcome with the reference model (test/helpers/auctions-model.ts), and checks every record, balance and lot
// against the model after every step (docs/auctions.md §8).
import { ethers, network } from "hardhat";
import { ZeroAddress } from "ethers";
import { Mismatch, decodeRevert, revertData, tally, type ActionStats } from "./property";
import { CommitStatus, Kind, LotKind, State, saltOf } from "./auctions";
import { AuctionsModel, MODEL_ETH } from "./auctions-model";
import { ACCT, CAROL, errors, type Action, type World } from "./auctions-property";
export class Run {
  now = 0n;
  nextNft = 1n;
  rejecting = false;
  readonly donated = new Map<string, bigint>();
  readonly donatedNfts: bigint[] = [];
  readonly trace: string[] = [];
  readonly initial = new Map<string, bigint>();
  readonly model: AuctionsModel;
  readonly tokenAddress: string;

  constructor(
    readonly w: World,
    readonly stats: ActionStats,
  ) {
    this.tokenAddress = String(w.token.target);
    const lower = (a: string) => a.toLowerCase();
    this.model = new AuctionsModel({
      eth: (a) => this.rejecting && lower(a) === lower(w.addresses[ACCT]),
      token: (a) => lower(a) === lower(w.carol.address),
      nft: (a) => lower(a) === lower(w.addresses[ACCT]),
    });
  }

  /** The accounts whose balances the model follows: the bidders, the contract account and the EOA seller. */
  tracked(): string[] {
    return [...this.w.addresses, this.w.seller.address];
  }

  /** An account's balance in `asset`; the contract account's ETH includes its owner's, who sends its value. */
  async balanceOf(asset: string, account: string): Promise<bigint> {
    if (asset !== MODEL_ETH) return this.w.token.balanceOf(account);
    const own = await ethers.provider.getBalance(account);
    if (account !== this.w.addresses[ACCT]) return own;
    return own + (await ethers.provider.getBalance(this.w.acctOwner.address));
  }

  async init(): Promise<void> {
    this.now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
    for (const asset of [MODEL_ETH, this.tokenAddress]) {
      for (const a of this.tracked()) this.initial.set(`${asset}/${a}`, await this.balanceOf(asset, a));
    }
  }

  fail(message: string): never {
    throw new Mismatch(`${message}\n${this.trace.join("\n")}`);
  }

  /** Moves the clock one second and pins the next block to it (every transaction, measured or not). */
  async tick(): Promise<void> {
    this.now += 1n;
    await network.provider.send("evm_setNextBlockTimestamp", [Number(this.now)]);
  }

  /** With `offset` in -1..1, moves the clock so that the next transaction lands at `deadline + offset`. */
  jump(deadline: bigint | undefined, offset: number): void {
    if (deadline === undefined || offset > 1) return;
    const target = deadline + BigInt(offset);
    if (target - 1n > this.now) {
      this.trace.push(`  jump to ${target - 1n}`);
      this.now = target - 1n;
    }
  }

  asset(eth: boolean): string {
    return eth ? MODEL_ETH : this.tokenAddress;
  }

  /** Sends `tx` at the next second as actor `i` (the contract account through its owner). */
  async send(desc: string, i: number, to: string, data: string, value: bigint): Promise<string | null> {
    await this.tick();
    const opts = { gasPrice: 0n, gasLimit: 3_000_000n };
    try {
      let tx: { wait(): Promise<unknown> };
      if (i === ACCT) tx = await this.w.acct.connect(this.w.acctOwner).execute(to, value, data, { ...opts, value });
      else {
        const signer = i === -1 ? this.w.owner : i === -2 ? this.w.seller : this.w.actors[i];
        tx = await signer.sendTransaction({ to, data, value, ...opts });
      }
      await tx.wait();
      this.trace.push(`  t=${this.now} ${desc}: ok`);
      return null;
    } catch (e) {
      const rd = revertData(e);
      if (rd === undefined) throw e;
      const { errorName, error } = decodeRevert(errors, rd);
      this.trace.push(`  t=${this.now} ${desc}: reverted ${error}`);
      return errorName;
    }
  }

  expect(action: string, got: string | null, want: string | null): void {
    tally(this.stats, action, got === null);
    if (got !== null) tally(this.stats, `${action} ${got}`, false);
    if (got !== want) this.fail(`${action}: contract ${got ?? "succeeded"}, model ${want ?? "succeeds"}`);
  }

  call(name: string, args: unknown[]): string {
    return this.w.auctions.interface.encodeFunctionData(name as never, args as never);
  }

  /** Mostly an auction of `kind` (the latest ones more often), sometimes any id, one past the last included. */
  idOfKind(p: number, kind: Kind): bigint {
    const ids = [...this.model.auctions.values()].filter((x) => x.kind === kind).map((x) => x.id);
    if (ids.length === 0 || p % 8 === 7) return this.idOf(p);
    return ids[ids.length - 1 - (p % Math.min(ids.length, 3))];
  }

  idOf(p: number): bigint {
    const n = this.model.nextId - 1n;
    return n === 0n ? 1n : (BigInt(p) % (n + 1n)) + 1n; // sometimes one past the last (no auction)
  }

  pullError(i: number): string | null {
    return i === CAROL ? "Blocked" : null;
  }

  async step(a: Action): Promise<void> {
    const { w, model } = this;
    let at = this.now + 1n;
    switch (a.t) {
      case "create": {
        const seller = a.seller === 0 ? w.seller : w.carol;
        const nftId = this.nextNft++;
        await this.tick();
        await (await w.nft.mint(seller.address, nftId)).wait();
        const lot = { kind: LotKind.ERC721, token: String(w.nft.target), id: nftId, amount: 1n };
        const bidToken = a.eth ? ZeroAddress : this.tokenAddress;
        const [d1, d2] = [BigInt(a.d1), BigInt(a.d2)];
        const t = this.now + 1n;
        let data: string;
        let p: Parameters<AuctionsModel["create"]>[5];
        if (a.kind === Kind.English) {
          const extension = d2 < d1 ? d2 : d1;
          data = this.call("createEnglish", [
            lot,
            { bidToken, reserve: a.reserve, incrementBps: a.step, duration: d1, extension },
          ]);
          p = { end: d1, extension, incrementBps: a.step, reserve: a.reserve };
        } else if (a.kind === Kind.Dutch) {
          const floorPrice = a.reserve + 1n;
          const startPrice = floorPrice + a.step * 10n ** 14n;
          data = this.call("createDutch", [lot, { bidToken, startPrice, floorPrice, duration: d1, floorDuration: d2 }]);
          p = { start: t, duration: d1, startPrice, floorPrice, end: t + d1 + d2 };
        } else {
          data = this.call("createSealed", [
            lot,
            { bidToken, reserve: a.reserve, commitDuration: d1, revealDuration: d2 + 1n },
          ]);
          p = { reserve: a.reserve, commitEnd: t + d1, revealEnd: t + d1 + d2 + 1n };
        }
        const got = await this.send(
          `create ${Kind[a.kind]} ${JSON.stringify(p, (_k, v) => (typeof v === "bigint" ? String(v) : v))}`,
          a.seller === 0 ? -2 : CAROL,
          w.address,
          data,
          0n,
        );
        this.expect("create", got, null);
        model.create(a.kind, seller.address, this.asset(a.eth), nftId, t, p);
        return;
      }
      case "bid": {
        const id = this.idOfKind(a.pick, Kind.English);
        const au = model.auctions.get(id);
        if (au?.bidder !== null) this.jump(au?.end, a.jump);
        at = this.now + 1n;
        const bidder = w.addresses[a.who];
        const eth = au === undefined || au.asset === MODEL_ETH;
        const minimum = au === undefined ? 1n : await w.auctions.minimumBidOf(id).catch(() => 1n);
        const amount = a.over < 0n ? (minimum > 0n ? minimum - 1n : 0n) : minimum + a.over;
        const credit = a.credit ? model.creditOf(au?.asset ?? MODEL_ETH, bidder) : 0n;
        const fromCredit = credit < amount ? credit : amount;
        const rest = amount - fromCredit;
        const value = eth ? (a.badValue ? rest + 1n : rest) : a.badValue ? 1n : 0n;
        const want = model.bid(id, bidder, amount, fromCredit, at, !a.badValue, this.pullError(a.who));
        const got = await this.send(
          `bid #${id} ${amount} (credit ${fromCredit}) by ${a.who}`,
          a.who,
          w.address,
          this.call("bid", [id, amount, fromCredit]),
          value,
        );
        this.expect("bid", got, want);
        return;
      }
      case "buy": {
        const id = this.idOfKind(a.pick, Kind.Dutch);
        const au = model.auctions.get(id);
        this.jump(au?.end, a.jump);
        at = this.now + 1n;
        const price = au !== undefined && au.kind === Kind.Dutch ? model.priceOf(au, at) : 0n;
        const eth = au === undefined || au.asset === MODEL_ETH;
        const value = eth ? (a.extra < 0n ? (price > 0n ? price - 1n : 0n) : price + a.extra) : 0n;
        const want = model.buy(id, w.addresses[a.who], value, at, this.pullError(a.who));
        const got = await this.send(
          `buy #${id} value ${value} by ${a.who}`,
          a.who,
          w.address,
          this.call("buy", [id]),
          value,
        );
        this.expect("buy", got, want);
        return;
      }
      case "commit": {
        const id = this.idOfKind(a.pick, Kind.Sealed);
        const au = model.auctions.get(id);
        const bidder = w.addresses[a.who];
        const salt = saltOf(`${id}/${bidder}`);
        const deposit = a.cover < 0n ? (a.amount === 0n ? 0n : a.amount - 1n) : a.amount + a.cover;
        const hash = await w.auctions.commitHashOf(id, bidder, a.amount, salt);
        const value = au === undefined || au.asset === MODEL_ETH ? deposit : 0n;
        const want = model.commit(id, bidder, { amount: a.amount, salt, deposit }, at, this.pullError(a.who));
        const got = await this.send(
          `commit #${id} ${a.amount} deposit ${deposit} by ${a.who}`,
          a.who,
          w.address,
          this.call("commit", [id, hash, deposit]),
          value,
        );
        this.expect("commit", got, want);
        return;
      }
      case "reveal": {
        const id = this.idOfKind(a.pick, Kind.Sealed);
        // Mostly one of the auction's committers.
        const committers = w.addresses.filter((x) => model.commitOf(id, x) !== undefined);
        const i =
          committers.length > 0 && a.who < 3 ? w.addresses.indexOf(committers[a.who % committers.length]) : a.who;
        const bidder = w.addresses[i];
        const c = model.commitOf(id, bidder);
        const au = model.auctions.get(id);
        // -1..1: commitEnd-1, commitEnd, commitEnd+1; 2, 3: the middle of the window; 4: revealEnd.
        if (au !== undefined && au.kind === Kind.Sealed) {
          const mid = (au.commitEnd + au.revealEnd) / 2n;
          if (a.jump <= 1) this.jump(au.commitEnd, a.jump);
          else this.jump(a.jump === 4 ? au.revealEnd : mid, 0);
        }
        at = this.now + 1n;
        const salt = a.wrongSalt || c === undefined ? saltOf("wrong") : c.salt;
        const want = model.reveal(id, bidder, a.wrongSalt, at);
        const got = await this.send(
          `reveal #${id} by ${i}${a.wrongSalt ? " (wrong salt)" : ""}`,
          i,
          w.address,
          this.call("reveal", [id, c?.amount ?? 0n, salt]),
          0n,
        );
        this.expect("reveal", got, want);
        return;
      }
      case "reclaim":
      case "settle":
      case "claimLot": {
        const sealed = a.t === "reclaim" || a.pick % 2 === 0;
        let id = this.idOfKind(a.pick, sealed ? Kind.Sealed : Kind.English);
        let who = a.who;
        // A lot claim mostly goes to a pending claim, by its claimant.
        const pending = [...model.claimants.entries()];
        if (a.t === "claimLot" && pending.length > 0 && a.pick % 4 !== 3) {
          const [claimId, claimant] = pending[a.pick % pending.length];
          [id, who] = [claimId, w.addresses.findIndex((x) => x.toLowerCase() === claimant.toLowerCase())];
        }
        const caller = w.addresses[who];
        const au = model.auctions.get(id);
        this.jump(au?.kind === Kind.Sealed ? au.revealEnd : au?.bidder !== null ? au?.end : undefined, a.jump);
        at = this.now + 1n;
        const want =
          a.t === "reclaim"
            ? model.reclaim(id, caller, at)
            : a.t === "settle"
              ? model.settle(id, at)
              : model.claimLot(id, caller, w.alice.address);
        const data = a.t === "claimLot" ? this.call("claimLot", [id, w.alice.address]) : this.call(a.t, [id]);
        const got = await this.send(`${a.t} #${id} by ${who}`, who, w.address, data, 0n);
        this.expect(a.t, got, want);
        return;
      }
      case "cancel": {
        const id = this.idOfKind(a.pick, [Kind.English, Kind.Dutch, Kind.Sealed][a.pick % 3]);
        const au = model.auctions.get(id);
        const sellerIsCarol = au !== undefined && au.seller.toLowerCase() === w.carol.address.toLowerCase();
        const caller = a.bySeller ? (sellerIsCarol ? CAROL : -2) : 0;
        const want = model.cancel(id, caller === -2 ? w.seller.address : w.addresses[caller]);
        const got = await this.send(`cancel #${id} by ${caller}`, caller, w.address, this.call("cancel", [id]), 0n);
        this.expect("cancel", got, want);
        return;
      }
      case "withdraw": {
        const asset = this.asset(a.eth);
        // Mostly an actor with a credit in the asset, when there is one.
        const holders = [0, 1, 2, 3].filter((i) => model.creditOf(asset, w.addresses[i]) > 0n);
        const who = holders.length > 0 && a.who !== 0 ? holders[a.who % holders.length] : a.who;
        const want = model.withdraw(asset, w.addresses[who], w.alice.address);
        const data = this.call("withdraw", [a.eth ? ZeroAddress : this.tokenAddress, w.alice.address]);
        const got = await this.send(`withdraw ${asset} by ${who}`, who, w.address, data, 0n);
        this.expect("withdraw", got, want);
        return;
      }
      case "setFee": {
        const got = await this.send(
          `setFee ${a.bps}`,
          -1,
          w.address,
          this.call("setFee", [a.bps, w.owner.address]),
          0n,
        );
        this.expect("setFee", got, model.setFee(a.bps));
        return;
      }
      case "collect": {
        const want = model.collectFees(this.asset(a.eth));
        const got = await this.send(
          `collectFees`,
          0,
          w.address,
          this.call("collectFees", [a.eth ? ZeroAddress : this.tokenAddress]),
          0n,
        );
        this.expect("collect", got, want);
        return;
      }
      case "donate":
      case "force":
      case "donateNft": {
        await this.tick();
        const asset = a.t === "force" ? MODEL_ETH : this.tokenAddress;
        if (a.t === "force") {
          await (
            await ethers.getContractFactory("ForceSend", w.alice)
          ).deploy(w.address, { value: a.amount, gasPrice: 0n });
        } else if (a.t === "donate") {
          await (await w.token.connect(w.alice).transfer(w.address, a.amount, { gasPrice: 0n })).wait();
        } else {
          const id = this.nextNft++;
          await (await w.nft.mint(w.alice.address, id)).wait();
          await this.tick();
          // The unsafe transfer strands it: never counted, never a lot.
          await (await w.nft.connect(w.alice).transferFrom(w.alice.address, w.address, id, { gasPrice: 0n })).wait();
          this.donatedNfts.push(id);
        }
        if (a.t !== "donateNft") {
          this.donated.set(asset, (this.donated.get(asset) ?? 0n) + a.amount);
          model.move(asset, w.alice.address, -a.amount);
        }
        this.trace.push(`  ${a.t} ${a.amount}`);
        tally(this.stats, a.t, true);
        return;
      }
      case "rejectEth": {
        await this.tick();
        await (await w.acct.setRejectEth(a.on)).wait();
        this.rejecting = a.on;
        this.trace.push(`  acct rejects ETH: ${a.on}`);
        return;
      }
      case "warp":
        this.now += BigInt(a.seconds);
        this.trace.push(`  warp ${a.seconds}s`);
        return;
    }
  }

  async check(): Promise<void> {
    const { w, model } = this;
    const same = (what: string, got: unknown, want: unknown) => {
      if (String(got).toLowerCase() !== String(want).toLowerCase())
        this.fail(`${what}: contract ${got}, model ${want}`);
    };
    const recorded = new Map<string, bigint>([
      [MODEL_ETH, 0n],
      [this.tokenAddress, 0n],
    ]);
    const add = (asset: string, v: bigint) => recorded.set(asset, recorded.get(asset)! + v);
    for (const a of model.auctions.values()) {
      const lot = await w.auctions.lotOf(a.id);
      same(`#${a.id} kind`, lot.kind, a.kind);
      same(`#${a.id} fee`, lot.feeBps, a.feeBps);
      if (a.kind === Kind.English) {
        const e = await w.auctions.englishOf(a.id);
        same(`#${a.id} state`, e.state, a.state);
        same(`#${a.id} bidder`, e.bidder, a.bidder ?? ZeroAddress);
        same(`#${a.id} amount`, e.amount, a.amount);
        same(`#${a.id} end`, e.end, a.end);
        if (e.state === BigInt(State.Open)) add(a.asset, e.amount);
      } else if (a.kind === Kind.Dutch) {
        const d = await w.auctions.dutchOf(a.id);
        same(`#${a.id} state`, d.state, a.state);
        // AU-D4: the price a taker paid, 0 before (and after a cancel).
        same(`#${a.id} price`, d.price, a.state === State.Settled ? a.amount : 0n);
      } else {
        const s = await w.auctions.sealedOf(a.id);
        same(`#${a.id} state`, s.state, a.state);
        same(`#${a.id} sealed bidder`, s.bidder, a.bidder ?? ZeroAddress);
        same(`#${a.id} highest/second`, `${s.highest}/${s.second}`, `${a.highest}/${a.second}`);
        for (const who of w.addresses) {
          const c = await w.auctions.commitOf(a.id, who);
          const m = model.commitOf(a.id, who);
          same(`#${a.id} commit ${who}`, `${c.status}/${c.deposit}`, `${m?.status ?? 0}/${m?.deposit ?? 0n}`);
          if (c.status === BigInt(CommitStatus.Committed) || c.status === BigInt(CommitStatus.Revealed))
            add(a.asset, c.deposit);
        }
      }
      // Lots: held while open or claimable, else with the model's holder.
      const claimant = model.claimants.get(a.id);
      same(`#${a.id} claimant`, await w.auctions.lotClaimantOf(a.id), claimant ?? ZeroAddress);
      same(`#${a.id} lot holder`, await w.nft.ownerOf(a.nftId), a.lotHolder ?? w.address);
    }
    for (const asset of [MODEL_ETH, this.tokenAddress]) {
      const token = asset === MODEL_ETH ? ZeroAddress : asset;
      for (const who of w.addresses) {
        const credit = await w.auctions.creditOf(token, who);
        same(`credit ${asset} ${who}`, credit, model.creditOf(asset, who));
        add(asset, credit);
      }
      const fees = await w.auctions.feesOf(token);
      same(`fees ${asset}`, fees, model.feesOf(asset));
      add(asset, fees);
      const owed = model.owed(asset);
      same(`records of ${asset} = owed`, recorded.get(asset), owed);
      const balance =
        asset === MODEL_ETH ? await ethers.provider.getBalance(w.address) : await w.token.balanceOf(w.address);
      same(`balance of ${asset} = owed + donated`, balance, owed + (this.donated.get(asset) ?? 0n));
    }
    // Every party's balance moved by exactly what the model paid it or took from it (gas is free).
    for (const asset of [MODEL_ETH, this.tokenAddress]) {
      for (const a of this.tracked()) {
        const moved = (await this.balanceOf(asset, a)) - this.initial.get(`${asset}/${a}`)!;
        same(`balance of ${a} in ${asset} moved`, moved, model.movedOf(asset, a));
      }
    }
    for (const id of this.donatedNfts) same(`donated NFT ${id}`, await w.nft.ownerOf(id), w.address);
  }
}
