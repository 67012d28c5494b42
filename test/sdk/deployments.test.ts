import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { Wallet, ZeroAddress } from "ethers";
import { Escrow__factory, MicropaymentChannels__factory } from "../../typechain-types";
import {
  EscrowClient,
  InvalidParameterError,
  MemoryVoucherStore,
  PayeeClient,
  PayerClient,
  PeerPayError,
  PeerPayErrorCode,
  RunnerError,
  UnknownDeploymentError,
  addressBookFromRecord,
  getDeployment,
  type AddressBook,
  type DeploymentRecord,
} from "../../sdk";
import bundled from "../../sdk/address-book.json";
import { expectSdkError } from "../helpers/sdk";

const ESCROW = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const CHANNELS = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
const OTHER = "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0";

type RecordEntry = DeploymentRecord["contracts"][string];

/** A record entry as the deploy script writes it (docs/deployments.md §3). */
function recordEntry(address: string, blockNumber: number | null, status: "pending" | "deployed"): RecordEntry {
  return {
    address,
    transactionHash: status === "pending" || blockNumber !== null ? "0x" + "ab".repeat(32) : null,
    blockNumber: status === "pending" ? null : blockNumber,
    constructorArgs: [],
    salt: "0x" + "00".repeat(32),
    bytecodeHash: "0x" + "cd".repeat(32),
    status,
  };
}

/** A record: one contract deployed, one adopted (creation block unknown), one pending. */
function record(overrides: Partial<DeploymentRecord> = {}): DeploymentRecord {
  return {
    network: "localhost",
    chainId: 31337,
    deployer: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
    contracts: {
      Escrow: recordEntry(ESCROW.toLowerCase(), 7, "deployed"),
      MicropaymentChannels: recordEntry(CHANNELS, null, "deployed"),
      Other: recordEntry(OTHER, null, "pending"),
    },
    ...overrides,
  };
}

describe("address book (docs/deployments.md §6)", function () {
  describe("getDeployment (P-A2, P-A3)", function () {
    const book: AddressBook = {
      "31337": {
        Escrow: { address: ESCROW, blockNumber: 12 },
        MicropaymentChannels: { address: CHANNELS, blockNumber: null },
      },
    };

    it("P-A2: returns the entry's checksummed address and block as fromBlock, for a number or bigint chain id", function () {
      const lower = { "31337": { Escrow: { address: ESCROW.toLowerCase(), blockNumber: 12 } } };
      expect(getDeployment(31337, "Escrow", { addressBook: lower })).to.deep.equal({ address: ESCROW, fromBlock: 12 });
      expect(getDeployment(31337n, "Escrow", { addressBook: book })).to.deep.equal({ address: ESCROW, fromBlock: 12 });
    });

    it("P-A2: an entry whose block is unknown (null) scans from block 0", function () {
      expect(getDeployment(31337n, "MicropaymentChannels", { addressBook: book })).to.deep.equal({
        address: CHANNELS,
        fromBlock: 0,
      });
    });

    it("P-A2: throws UnknownDeploymentError UNKNOWN_DEPLOYMENT naming the chain and contract for an unknown chain", async function () {
      const error = await expectSdkError(
        () => getDeployment(999_999n, "Escrow", { addressBook: book }),
        UnknownDeploymentError,
        PeerPayErrorCode.UNKNOWN_DEPLOYMENT,
        { chainId: 999_999n, contract: "Escrow" },
      );
      expect(error).to.be.instanceOf(PeerPayError);
      expect(error.message).to.equal("No Escrow deployment is known on chain 999999");
      expect(error.toJSON()).to.deep.include({ details: { chainId: "999999", contract: "Escrow" } });
    });

    it("P-A2: throws UNKNOWN_DEPLOYMENT for a contract the chain's entry lacks, or an inherited property name", async function () {
      const escrowOnly: AddressBook = { "5": { Escrow: { address: ESCROW, blockNumber: 1 } } };
      await expectSdkError(
        () => getDeployment(5, "MicropaymentChannels", { addressBook: escrowOnly }),
        UnknownDeploymentError,
        PeerPayErrorCode.UNKNOWN_DEPLOYMENT,
        { chainId: 5n, contract: "MicropaymentChannels" },
      );
      for (const name of ["constructor", "toString", "__proto__"]) {
        await expectSdkError(
          () => getDeployment(5, name as "Escrow", { addressBook: escrowOnly }),
          UnknownDeploymentError,
          PeerPayErrorCode.UNKNOWN_DEPLOYMENT,
          { contract: name },
        );
      }
    });

    it("rejects a chain id that is not a positive integer, and a malformed entry, naming the parameter", async function () {
      for (const chainId of [0, -1, 1.5, 0n, "1"]) {
        await expectSdkError(
          () => getDeployment(chainId as number, "Escrow", { addressBook: book }),
          InvalidParameterError,
          PeerPayErrorCode.INVALID_PARAMETER,
          { parameter: "chainId" },
        );
      }
      const malformed = { "1": { Escrow: { address: "0x1234", blockNumber: 1 } } };
      await expectSdkError(
        () => getDeployment(1, "Escrow", { addressBook: malformed }),
        InvalidParameterError,
        PeerPayErrorCode.INVALID_PARAMETER,
        { parameter: "addressBook[1].Escrow.address" },
      );
      const negative = { "1": { Escrow: { address: ESCROW, blockNumber: -1 } } };
      await expectSdkError(
        () => getDeployment(1, "Escrow", { addressBook: negative }),
        InvalidParameterError,
        PeerPayErrorCode.INVALID_PARAMETER,
        { parameter: "addressBook[1].Escrow.blockNumber" },
      );
    });

    describe("with entries in the bundled book", function () {
      // The bundled book is the JSON module the SDK loaded; entries are added for these tests and removed after.
      const bundledBook = bundled as Record<string, unknown>;

      beforeEach(function () {
        bundledBook["424242"] = {
          Escrow: { address: ESCROW, blockNumber: 100 },
          MicropaymentChannels: { address: CHANNELS, blockNumber: 101 },
        };
      });

      afterEach(function () {
        delete bundledBook["424242"];
      });

      it("P-A1: finds a bundled entry without options", function () {
        expect(getDeployment(424242n, "Escrow")).to.deep.equal({ address: ESCROW, fromBlock: 100 });
      });

      it("P-A3: an addressBook entry replaces the bundled one of its contract only; other chains are added", function () {
        const addressBook: AddressBook = {
          "424242": { Escrow: { address: OTHER, blockNumber: 5 } },
          "31337": { Escrow: { address: ESCROW, blockNumber: 1 } },
        };
        expect(getDeployment(424242n, "Escrow", { addressBook })).to.deep.equal({ address: OTHER, fromBlock: 5 });
        expect(getDeployment(424242n, "MicropaymentChannels", { addressBook })).to.deep.equal({
          address: CHANNELS,
          fromBlock: 101,
        });
        expect(getDeployment(31337n, "Escrow", { addressBook })).to.deep.equal({ address: ESCROW, fromBlock: 1 });
      });
    });

    it("P-A1: every entry of the bundled sdk/address-book.json is well-formed", function () {
      for (const [chainId, contracts] of Object.entries(bundled as AddressBook)) {
        for (const [contract, entry] of Object.entries(contracts)) {
          const found = getDeployment(BigInt(chainId), contract as "Escrow");
          expect(found, `${chainId}.${contract}`).to.deep.equal({
            address: ethers.getAddress(entry.address),
            fromBlock: entry.blockNumber ?? 0,
          });
        }
      }
    });
  });

  describe("addressBookFromRecord (P-A3)", function () {
    it("converts the deployed entries of a record, checksummed, under its chain id; pending entries are left out", function () {
      expect(addressBookFromRecord(record())).to.deep.equal({
        "31337": {
          Escrow: { address: ESCROW, blockNumber: 7 },
          MicropaymentChannels: { address: CHANNELS, blockNumber: null },
        },
      });
    });

    it("gives a book getDeployment reads; a contract only pending is unknown", async function () {
      const addressBook = addressBookFromRecord(record());
      expect(getDeployment(31337n, "Escrow", { addressBook })).to.deep.equal({ address: ESCROW, fromBlock: 7 });
      const pendingEscrow = record({
        contracts: { Escrow: recordEntry(ESCROW, null, "pending") },
      });
      await expectSdkError(
        () => getDeployment(31337n, "Escrow", { addressBook: addressBookFromRecord(pendingEscrow) }),
        UnknownDeploymentError,
        PeerPayErrorCode.UNKNOWN_DEPLOYMENT,
      );
    });

    it("rejects a malformed record, naming the field", async function () {
      const cases: [unknown, string][] = [
        [null, "record"],
        [{ ...record(), chainId: "31337" }, "record.chainId"],
        [{ ...record(), contracts: null }, "record.contracts"],
        [
          { ...record(), contracts: { Escrow: { address: "0xnope", blockNumber: 1, status: "deployed" } } },
          "record.contracts.Escrow.address",
        ],
        [
          { ...record(), contracts: { Escrow: { address: ESCROW, blockNumber: 1.5, status: "deployed" } } },
          "record.contracts.Escrow.blockNumber",
        ],
      ];
      for (const [bad, parameter] of cases) {
        await expectSdkError(
          () => addressBookFromRecord(bad as DeploymentRecord),
          InvalidParameterError,
          PeerPayErrorCode.INVALID_PARAMETER,
          { parameter },
        );
      }
    });
  });

  describe("connect (P-A3), on the embedded Hardhat network", function () {
    async function deployedFixture() {
      const [owner, payer, payee] = await ethers.getSigners();
      const escrow = await new Escrow__factory(owner).deploy(owner.address);
      const escrowReceipt = (await escrow.deploymentTransaction()!.wait())!;
      const channels = await new MicropaymentChannels__factory(owner).deploy();
      const channelsReceipt = (await channels.deploymentTransaction()!.wait())!;
      const deployment = record({
        network: "hardhat",
        contracts: {
          Escrow: recordEntry(await escrow.getAddress(), escrowReceipt.blockNumber, "deployed"),
          MicropaymentChannels: recordEntry(await channels.getAddress(), channelsReceipt.blockNumber, "deployed"),
        },
      });
      return { owner, payer, payee, deployment, addressBook: addressBookFromRecord(deployment) };
    }

    it("EscrowClient.connect finds the escrow of the runner's chain and reads it", async function () {
      const { owner, deployment, addressBook } = await loadFixture(deployedFixture);
      const escrow = await EscrowClient.connect({ runner: owner, addressBook, confirmations: 2 });
      expect(escrow.address).to.equal(deployment.contracts.Escrow.address);
      expect(escrow.fromBlock).to.equal(deployment.contracts.Escrow.blockNumber);
      expect(escrow.confirmations).to.equal(2);
      expect(await escrow.getConfig()).to.deep.equal({
        protocolFeeBps: 0,
        feeRecipient: ZeroAddress,
        creationPaused: false,
      });
    });

    it("PayerClient.connect and PayeeClient.connect find the channels, with a Signer or a Provider as runner", async function () {
      const { payer, payee, deployment, addressBook } = await loadFixture(deployedFixture);
      const { address, blockNumber } = deployment.contracts.MicropaymentChannels;
      const payerClient = await PayerClient.connect({ runner: payer, addressBook });
      expect(payerClient).to.be.instanceOf(PayerClient);
      expect([payerClient.address, payerClient.fromBlock]).to.deep.equal([address, blockNumber]);
      const store = new MemoryVoucherStore();
      const payeeClient = await PayeeClient.connect({
        runner: ethers.provider,
        addressBook,
        store,
        payee: payee.address,
        claimMargin: 900,
      });
      expect(payeeClient).to.be.instanceOf(PayeeClient);
      expect([payeeClient.address, payeeClient.fromBlock]).to.deep.equal([address, blockNumber]);
      expect([payeeClient.store, payeeClient.claimMargin]).to.deep.equal([store, 900]);

      // The clients work: a channel opened by the payer is seen by the payee.
      const { channelId } = await payerClient.open({ payee: payee.address, amount: 1_000n, challengePeriod: 3_600 });
      expect((await payeeClient.getChannelState({ channelId })).deposit).to.equal(1_000n);
    });

    it("a given address is used as is; fromBlock comes from the book only when the book has that address", async function () {
      const { owner, deployment, addressBook } = await loadFixture(deployedFixture);
      const { address, blockNumber } = deployment.contracts.Escrow;
      const same = await EscrowClient.connect({ runner: owner, address: address.toLowerCase(), addressBook });
      expect([same.address, same.fromBlock]).to.deep.equal([address, blockNumber]);
      const other = await EscrowClient.connect({ runner: owner, address: OTHER, addressBook });
      expect([other.address, other.fromBlock]).to.deep.equal([OTHER, 0]);
      const unknownChain = await EscrowClient.connect({ runner: owner, address: OTHER });
      expect([unknownChain.address, unknownChain.fromBlock]).to.deep.equal([OTHER, 0]);
      const explicit = await EscrowClient.connect({ runner: owner, address, fromBlock: 3, addressBook });
      expect([explicit.address, explicit.fromBlock]).to.deep.equal([address, 3]);
    });

    it("a given address and fromBlock need no provider", async function () {
      const offline = await PayerClient.connect({ runner: Wallet.createRandom(), address: CHANNELS, fromBlock: 9 });
      expect([offline.address, offline.fromBlock]).to.deep.equal([CHANNELS, 9]);
    });

    it("throws UNKNOWN_DEPLOYMENT with the runner's chain id when the book has no entry", async function () {
      const { owner } = await loadFixture(deployedFixture);
      const elsewhere: AddressBook = { "1": { Escrow: { address: ESCROW, blockNumber: 1 } } };
      await expectSdkError(
        EscrowClient.connect({ runner: owner, addressBook: elsewhere }),
        UnknownDeploymentError,
        PeerPayErrorCode.UNKNOWN_DEPLOYMENT,
        { chainId: 31337n, contract: "Escrow" },
      );
      await expectSdkError(
        PayeeClient.connect({ runner: owner, store: new MemoryVoucherStore(), addressBook: elsewhere }),
        UnknownDeploymentError,
        PeerPayErrorCode.UNKNOWN_DEPLOYMENT,
        { chainId: 31337n, contract: "MicropaymentChannels" },
      );
    });

    it("throws RunnerError PROVIDER_REQUIRED when the chain must be read and the runner has none", async function () {
      const addressBook: AddressBook = { "31337": { Escrow: { address: ESCROW, blockNumber: 1 } } };
      await expectSdkError(
        EscrowClient.connect({ runner: null, addressBook }),
        RunnerError,
        PeerPayErrorCode.PROVIDER_REQUIRED,
      );
      await expectSdkError(
        PayerClient.connect({ runner: Wallet.createRandom(), address: ZeroAddress }),
        RunnerError,
        PeerPayErrorCode.PROVIDER_REQUIRED,
      );
    });
  });
});
