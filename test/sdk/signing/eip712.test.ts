import { expect } from "chai";
import { TypedDataEncoder, Wallet, ZeroAddress, type Signer } from "ethers";
import {
  InvalidParameterError,
  hashTypedData,
  recoverTypedDataSigner,
  signTypedData,
  type TypedData,
} from "../../../sdk";

describe("sdk/signing/eip712: generic EIP-712", function () {
  const voucher = (verifyingContract: string): TypedData<{ channelId: string; amount: bigint }> => ({
    domain: { name: "PeerPay Channels", version: "1", chainId: 31337n, verifyingContract },
    types: {
      Voucher: [
        { name: "channelId", type: "bytes32" },
        { name: "amount", type: "uint256" },
      ],
    },
    primaryType: "Voucher",
    message: { channelId: "0x" + "ab".repeat(32), amount: 42n },
  });

  it("signs, hashes and recovers any struct (a channel voucher)", async function () {
    const wallet = Wallet.createRandom();
    const typedData = voucher("0x" + "12".repeat(20));
    const { signature } = await signTypedData({ signer: wallet, typedData });
    expect(hashTypedData(typedData)).to.equal(
      TypedDataEncoder.hash(typedData.domain, { Voucher: [...typedData.types.Voucher] }, typedData.message),
    );
    expect(recoverTypedDataSigner({ typedData, signature })).to.equal(wallet.address);
  });

  it("normalises a wallet's v of 0/1 to 27/28, which OpenZeppelin's ECDSA requires", async function () {
    const wallet = Wallet.createRandom();
    const typedData = voucher("0x" + "12".repeat(20));
    const canonical = (await signTypedData({ signer: wallet, typedData })).signature;
    const legacyV = canonical.slice(0, -2) + (canonical.endsWith("1b") ? "00" : "01");
    const ledgerLike = { signTypedData: async () => legacyV } as unknown as Signer;
    const { signature } = await signTypedData({ signer: ledgerLike, typedData });
    expect(signature).to.equal(canonical);
  });

  it("recover refuses a signature that is not 65 bytes", function () {
    const typedData = voucher(ZeroAddress);
    expect(() => recoverTypedDataSigner({ typedData, signature: "0x" + "11".repeat(64) })).to.throw(
      InvalidParameterError,
      /65 bytes/,
    );
  });
});
