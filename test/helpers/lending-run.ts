// One run of the Lending property test: sends each generated action as its actor at a pinned timestamp, predicts its
// outcome with the reference model (test/helpers/lending-model.ts); test/helpers/lending-run-base.ts sends, picks and
// checks every loan, balance and the solvency of Lending after every step (docs/lending.md LN-V1, LN-V2).
import { ethers, network } from "hardhat";
import { ZeroAddress } from "ethers";
import { big, tally } from "./property";
import { shareOf } from "./property-runner";
import {
  DAY,
  Status,
  loanIdOf,
  offerDigest,
  requestDigest,
  signOffer,
  signRequest,
  type Offer,
  type Request,
} from "./lending";
import { ONE, type Action } from "./lending-property";
import { RunBase } from "./lending-run-base";

const lc = (a: string) => a.toLowerCase();

export class Run extends RunBase {
  async step(a: Action): Promise<void> {
    const { w, model } = this;
    const L = w.addresses.lending;
    switch (a.t) {
      case "offer":
      case "request": {
        const signer = w.actors[a.signer];
        let caller = w.actors[a.caller];
        if (a.flaw === "self") caller = signer;
        else if (caller === signer) caller = w.actors[(a.caller + 1) % w.actors.length];
        const borrower = a.t === "offer" ? caller : signer;
        // The borrower's own NFT, when it has one.
        const owned = [...model.nftOwner.entries()].filter(([, o]) => o === lc(borrower.address)).map(([id]) => id);
        const nftId = owned.length > 0 ? owned[a.principal % owned.length] : BigInt(10 * (a.signer + 1) + 1);
        const anyId = a.t === "offer" && a.nft && a.anyId;
        const terms = this.termsOf(a, { collateralId: a.nft && !anyId ? nftId : 0n });
        const stored = { ...terms, collateralId: a.nft ? nftId : 0n };
        const counterparty =
          a.flaw === "wrongCaller"
            ? w.actors[(a.caller + 2) % w.actors.length].address
            : a.open
              ? ZeroAddress
              : caller.address;
        if (a.t === "offer" && a.eth && a.fund && a.flaw === null) await this.topUp(signer, terms.principal);
        const at = this.now();
        const expiry = a.flaw === "expired" ? at : at + DAY;
        const nonce = this.nonceFor(signer.address, a.flaw);
        let data: string;
        let id: bigint;
        let value = 0n;
        if (a.t === "offer") {
          const offer: Offer = {
            lender: signer.address,
            borrower: counterparty,
            terms,
            anyCollateralId: anyId,
            refinances: 0n,
            nonce,
            expiry,
          };
          data = this.lending("acceptOffer", [offer, await signOffer(L, signer, offer), stored.collateralId]);
          id = loanIdOf(await offerDigest(L, offer));
        } else {
          const request: Request = {
            borrower: signer.address,
            lender: counterparty,
            terms,
            refinances: 0n,
            nonce,
            expiry,
          };
          data = this.lending("acceptRequest", [request, await signRequest(L, signer, request)]);
          id = loanIdOf(await requestDigest(L, request));
          value = a.eth ? terms.principal : 0n;
        }
        const want = model.accept({
          id,
          kind: a.t,
          signer: signer.address,
          caller: caller.address,
          counterparty,
          terms: stored,
          nonce,
          expiry,
          value,
          now: at,
        });
        if (want.length === 0) this.order.push(id);
        const desc = `${this.nameOf(caller.address)} accepts ${a.t} of ${this.nameOf(signer.address)} #${nonce} ${JSON.stringify(stored, big)}${a.flaw ? ` [${a.flaw}]` : ""}`;
        await this.send(a.t, desc, caller, L, data, value, at, want);
        return;
      }
      case "repay": {
        const l = this.loan(a.pick, (x) => x.status === Status.Active);
        if (l === undefined) return;
        const at = this.now();
        const payer =
          a.payer < 0 && l.borrower !== null
            ? this.signerOf(l.borrower)
            : this.people[Math.abs(a.payer) % this.people.length];
        const owed = model.owed(l, at);
        const amount =
          a.mode === "belowInterest"
            ? owed.interestPart > 0n
              ? owed.interestPart - 1n
              : 0n
            : a.mode === "interestOnly"
              ? owed.interestPart
              : a.mode === "over"
                ? owed.total + ONE
                : shareOf(owed.total, a.share);
        const value = l.terms.principalToken === ZeroAddress ? amount : 0n;
        const want = model.repay(l.id, payer.address, amount, at);
        await this.send(
          "repay",
          `${this.nameOf(payer.address)} repays ${amount} of ${owed.total} on ${this.short(l)}`,
          payer,
          L,
          this.lending("repay", [l.terms, l.id, amount]),
          value,
          at,
          want,
        );
        return;
      }
      case "transfer": {
        const l = this.loan(a.pick, (x) => (a.lenderSide ? x.lender : x.borrower) !== null);
        if (l === undefined) return;
        const holder = a.lenderSide ? l.lender : l.borrower;
        const by =
          a.byHolder && holder !== null
            ? this.signerOf(holder)
            : w.actors[(a.to + 1 + w.actors.length) % w.actors.length];
        const to = a.to < 0 ? L : this.people[a.to].address;
        const tokenId = a.lenderSide ? l.id : l.id + 1n;
        const at = this.now();
        const want = model.transfer(l.id, a.lenderSide, by.address, to);
        const data = w.lending.interface.encodeFunctionData("transferFrom", [holder ?? by.address, to, tokenId]);
        await this.send(
          "transfer",
          `${this.nameOf(by.address)} transfers ${a.lenderSide ? "lender" : "borrower"} token of ${this.short(l)} to ${this.nameOf(to)}`,
          by,
          L,
          data,
          0n,
          at,
          want,
        );
        return;
      }
      case "claim":
      case "withdrawCollateral": {
        const l = this.loan(a.pick, (x) => (a.t === "claim" ? x.status === Status.Active : x.held));
        if (l === undefined) return;
        const holder = a.t === "claim" ? l.lender : l.status === Status.Repaid ? l.borrower : l.lender;
        const by = a.byHolder && holder !== null ? this.signerOf(holder) : w.actors[(a.to + 3) % w.actors.length];
        const to = a.to === -2 ? ZeroAddress : a.to === -1 ? by.address : this.people[a.to].address;
        const at = this.now();
        const want =
          a.t === "claim" ? model.claim(l.id, by.address, to, at) : model.withdrawCollateral(l.id, by.address, to);
        await this.send(
          a.t,
          `${this.nameOf(by.address)} ${a.t} ${this.short(l)} to ${this.nameOf(to)}`,
          by,
          L,
          this.lending(a.t, [l.terms, l.id, to]),
          0n,
          at,
          want,
        );
        return;
      }
      case "startSale":
      case "settleSale": {
        const l = this.loan(a.pick, (x) =>
          a.t === "startSale" ? x.status === Status.Active && x.terms.saleStartBps > 0n : x.status === Status.OnSale,
        );
        if (l === undefined) return;
        const by = this.people[a.by];
        const at = this.now();
        const want = a.t === "startSale" ? model.startSale(l.id, at) : model.settleSale(l.id, at);
        await this.send(
          a.t,
          `${this.nameOf(by.address)} ${a.t} ${this.short(l)}`,
          by,
          L,
          this.lending(a.t, [l.terms, l.id]),
          0n,
          at,
          want,
        );
        return;
      }
      case "buy": {
        const l = this.loan(a.pick, (x) => x.status === Status.OnSale && x.sale!.price === null);
        if (l === undefined || l.sale === null) return;
        const by = w.actors[a.by];
        const at = this.now();
        const eth = l.terms.principalToken === ZeroAddress;
        const value = eth ? model.priceOf(l.sale, at) + a.extra : 0n;
        const want = model.buy(l.id, by.address, value, at);
        const data = w.auctions.interface.encodeFunctionData("buy", [l.sale.auctionId]);
        await this.send(
          "buy",
          `${this.nameOf(by.address)} buys sale #${l.sale.auctionId} of ${this.short(l)} sending ${value}`,
          by,
          w.addresses.auctions,
          data,
          value,
          at,
          want,
        );
        return;
      }
      case "refiOffer":
      case "refiRequest": {
        const l = this.loan(a.pick, (x) => x.status === Status.Active);
        if (l === undefined || l.borrower === null) return;
        const newLender = w.actors[a.newLender];
        const borrower = this.signerOf(l.borrower);
        const at0_ = this.now();
        const owedEstimate = model.owed(l, at0_ + (a.t === "refiOffer" && a.fund ? 1n : 0n)).total;
        const principal = a.above
          ? owedEstimate + shareOf(owedEstimate, a.share) / 4n + 1n
          : shareOf(owedEstimate, a.share) || 1n;
        const old = l.terms;
        const terms = this.termsOf(a, {
          principalToken: old.principalToken,
          principal,
          collateralToken: old.collateralToken,
          collateralAmount: old.collateralAmount,
          collateralId: old.collateralId,
          collateralKind: old.collateralKind,
        });
        const eth = old.principalToken === ZeroAddress;
        if (a.t === "refiOffer" && eth && a.fund && a.flaw === null) await this.topUp(newLender, principal);
        const at = this.now();
        const owed = model.owed(l, at).total;
        const expiry = a.flaw === "expired" ? at : at + DAY;
        const shortfall = owed > principal ? owed - principal : 0n;
        if (a.t === "refiOffer") {
          const caller = a.flaw === "wrongCaller" ? w.actors[(a.newLender + 1) % w.actors.length] : borrower;
          const nonce = this.nonceFor(newLender.address, a.flaw);
          const offer: Offer = {
            lender: newLender.address,
            borrower: ZeroAddress,
            terms,
            anyCollateralId: false,
            refinances: a.pick % 2 === 0 ? l.id : 0n,
            nonce,
            expiry,
          };
          const maxPayment = shareOf(shortfall, a.pay);
          const value = eth ? maxPayment : 0n;
          const want = model.refinance({
            id: l.id,
            kind: "offer",
            caller: caller.address,
            newLender: newLender.address,
            signer: newLender.address,
            terms,
            nonce,
            expiry,
            maxPayment,
            value,
            now: at,
          });
          const data = this.lending("refinanceWithOffer", [
            old,
            l.id,
            offer,
            await signOffer(L, newLender, offer),
            maxPayment,
          ]);
          await this.send(
            a.t,
            `${this.nameOf(caller.address)} refinances ${this.short(l)} (owed ${owed}) with ${this.nameOf(newLender.address)}'s offer of ${principal}, max ${maxPayment}${a.flaw ? ` [${a.flaw}]` : ""}`,
            caller,
            L,
            data,
            value,
            at,
            want,
          );
        } else {
          const nonce = this.nonceFor(borrower.address, a.flaw);
          const request: Request = {
            borrower: borrower.address,
            lender: a.flaw === "wrongCaller" ? w.feeTaker.address : ZeroAddress,
            terms,
            refinances: l.id,
            nonce,
            expiry,
          };
          const value = eth ? principal : 0n;
          const want = model.refinance({
            id: l.id,
            kind: "request",
            caller: newLender.address,
            newLender: newLender.address,
            signer: borrower.address,
            terms,
            nonce,
            expiry,
            maxPayment: 0n,
            value,
            now: at,
          });
          if (a.flaw === "wrongCaller") want.push("LendingUnauthorized");
          const data = this.lending("refinanceWithRequest", [
            old,
            l.id,
            request,
            await signRequest(L, borrower, request),
          ]);
          await this.send(
            a.t,
            `${this.nameOf(newLender.address)} refinances ${this.short(l)} (owed ${owed}) on ${this.nameOf(borrower.address)}'s request of ${principal}${a.flaw ? ` [${a.flaw}]` : ""}`,
            newLender,
            L,
            data,
            value,
            at,
            want,
          );
        }
        return;
      }
      case "deposit": {
        const who = w.actors[a.who];
        const at = this.now();
        await this.send(
          "deposit",
          `${this.nameOf(who.address)} deposit ${a.amount}`,
          who,
          L,
          this.lending("deposit", []),
          a.amount,
          at,
          model.deposit(who.address, a.amount),
        );
        return;
      }
      case "withdrawDeposit": {
        const who = w.actors[a.who];
        const amount = shareOf(model.depositOf(who.address), a.share);
        const to = a.toSelf ? who.address : w.actors[(a.who + 1) % w.actors.length].address;
        const at = this.now();
        const want = model.withdrawDeposit(who.address, amount, to);
        await this.send(
          "withdrawDeposit",
          `${this.nameOf(who.address)} withdrawDeposit ${amount} to ${this.nameOf(to)}`,
          who,
          L,
          this.lending("withdrawDeposit", [amount, to]),
          0n,
          at,
          want,
        );
        return;
      }
      case "withdraw": {
        // Mostly someone with a credit.
        const creditors = this.people.filter(
          (p) => model.creditOf(w.addresses.principal, p.address) > 0n || model.creditOf(ZeroAddress, p.address) > 0n,
        );
        const who = creditors.length > 0 && a.who !== 0 ? creditors[a.who % creditors.length] : this.people[a.who];
        const token =
          a.eth && model.creditOf(ZeroAddress, who.address) > 0n
            ? ZeroAddress
            : model.creditOf(w.addresses.principal, who.address) > 0n
              ? w.addresses.principal
              : a.eth
                ? ZeroAddress
                : w.addresses.principal;
        // To itself, or (blocked) to an actor the token does not block.
        const able = this.people.find((p) => !model.blocked.has(lc(p.address))) ?? who;
        const to = token !== ZeroAddress && model.blocked.has(lc(who.address)) ? able.address : who.address;
        const at = this.now();
        const want = model.withdraw(who.address, token, to);
        await this.send(
          "withdraw",
          `${this.nameOf(who.address)} withdraws ${this.nameOf(token)} credit ${model.creditOf(token, who.address)} to ${this.nameOf(to)}`,
          who,
          L,
          this.lending("withdraw", [token, to]),
          0n,
          at,
          want,
        );
        return;
      }
      case "cancel": {
        const who = w.actors[a.who];
        const at = this.now();
        if (a.below) {
          const n = (this.nextNonce.get(lc(who.address)) ?? 1n) + BigInt(a.k) - 1n;
          const want = model.cancelNoncesBelow(who.address, n);
          if (want.length === 0 && (this.nextNonce.get(lc(who.address)) ?? 1n) < n)
            this.nextNonce.set(lc(who.address), n);
          await this.send(
            "cancelNoncesBelow",
            `${this.nameOf(who.address)} cancelNoncesBelow(${n})`,
            who,
            L,
            this.lending("cancelNoncesBelow", [n]),
            0n,
            at,
            want,
          );
        } else {
          const n = this.freshNonce(who.address);
          await this.send(
            "cancelNonces",
            `${this.nameOf(who.address)} cancelNonces([${n}])`,
            who,
            L,
            this.lending("cancelNonces", [[n]]),
            0n,
            at,
            model.cancelNonce(who.address, n),
          );
        }
        return;
      }
      case "block": {
        const who = this.people[a.who].address;
        const token = a.collateral ? w.collateral : w.principal;
        const set = a.collateral ? model.blockedC : model.blocked;
        if (a.on) set.add(lc(who));
        else set.delete(lc(who));
        const at = this.now();
        await this.send(
          "block",
          `${a.collateral ? "C" : "P"}.setBlocked(${this.nameOf(who)}, ${a.on})`,
          w.owner,
          await token.getAddress(),
          token.interface.encodeFunctionData("setBlocked", [who, a.on]),
          0n,
          at,
          [],
        );
        return;
      }
      case "donate": {
        const dave = w.actors[3];
        await network.provider.send("evm_setNextBlockTimestamp", [Number(this.now())]);
        if (a.what === "ETH") {
          await (await ethers.getContractFactory("ForceSend", dave)).deploy(L, { value: a.amount, gasPrice: 0n });
          model.donate(ZeroAddress, dave.address, a.amount);
        } else if (a.what === "NFT") {
          const id = this.nextNft++;
          await (await w.nft.mint(dave.address, id, { gasPrice: 0n })).wait();
          this.last = this.now();
          await network.provider.send("evm_setNextBlockTimestamp", [Number(this.last + 1n)]);
          await (await w.nft.connect(dave).transferFrom(dave.address, L, id, { gasPrice: 0n })).wait();
          model.nftOwner.set(id, lc(L));
        } else {
          const token = a.what === "P" ? w.principal : w.collateral;
          if ((a.what === "P" ? model.blocked : model.blockedC).has(lc(dave.address))) return;
          await (await token.connect(dave).transfer(L, a.amount, { gasPrice: 0n })).wait();
          model.donate(await token.getAddress(), dave.address, a.amount);
        }
        this.last = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
        this.next = null;
        this.trace.push(`  donate ${a.what} ${a.amount}`);
        tally(this.stats, `donate ${a.what}`, true);
        return;
      }
      case "warp": {
        const l = this.loan(a.pick, (x) => x.status === Status.Active || x.status === Status.OnSale);
        let target: bigint | null = this.last + BigInt(a.secs);
        if (l !== undefined && a.where <= 1) target = model.defaultsAt(l) + BigInt(a.where);
        else if (l !== undefined && a.where === 2)
          target =
            l.sale !== null ? l.sale.end : model.defaultsAt(l) + l.terms.saleDuration + l.terms.saleFloorDuration;
        if (target <= this.last) target = null;
        this.next = target;
        this.trace.push(`  warp: next transaction at ${target ?? "now"}`);
        return;
      }
    }
  }
}
