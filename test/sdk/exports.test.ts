import { expect } from "chai";
import path from "node:path";
import ts from "typescript";
import * as sdk from "../../sdk";
import { TYPES } from "./exports/types";
import { VALUES } from "./exports/values";

const ENTRY = path.join(__dirname, "../../sdk/index.ts");

const ROOT = path.join(__dirname, "../..");

/** The SDK alone, compiled with the project's options and no ambient `@types` packages. */
function sdkProgram(): ts.Program {
  const host = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined };
  const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, "tsconfig.json"), {}, host)!;
  return ts.createProgram([ENTRY], { ...config.options, types: [], noEmit: true });
}

/** The package (or top-level folder of this repository) a compiled file belongs to. */
function origin(fileName: string): string {
  const match = fileName.match(/node_modules\/((@[^/]+\/)?[^/]+)/);
  return match ? match[1] : path.relative(ROOT, fileName).split(path.sep)[0];
}

/** Every name `sdk/index.ts` exports, as the compiler sees it, with the symbol it resolves to. */
function compiledExports(program: ts.Program): { name: string; target: ts.Symbol; checker: ts.TypeChecker }[] {
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(ENTRY)!)!;
  return checker.getExportsOfModule(moduleSymbol).map((symbol) => ({
    name: symbol.name,
    target: symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol,
    checker,
  }));
}

describe("sdk/index.ts export surface", function () {
  let program: ts.Program;
  let exported: ReturnType<typeof compiledExports>;

  before(function () {
    this.timeout(60_000);
    program = sdkProgram();
    exported = compiledExports(program);
  });

  it("exports exactly the pinned runtime values", function () {
    expect(Object.keys(sdk).sort()).to.deep.equal(VALUES);
  });

  it("exports exactly the pinned types", function () {
    const types = exported.filter(({ target }) => !(target.flags & ts.SymbolFlags.Value)).map(({ name }) => name);
    expect(types.sort()).to.deep.equal(TYPES);
  });

  it("documents every export with JSDoc that has an @example", function () {
    const undocumented = exported
      .filter(({ target, checker }) => {
        const tags = target.getJsDocTags(checker).map((tag) => tag.name);
        const text = ts.displayPartsToString(target.getDocumentationComment(checker));
        return !tags.includes("example") || text.trim().length === 0;
      })
      .map(({ name }) => name);
    expect(undocumented).to.deep.equal([]);
  });

  it("type-checks on its own, strict, and reaches only ethers and the generated TypeChain types", function () {
    expect(
      ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")),
    ).to.deep.equal([]);
    const origins = new Set(program.getSourceFiles().map((file) => origin(file.fileName)));
    // typescript: the standard library; @types/node and undici-types: referenced by ethers' own declarations.
    expect([...origins].sort()).to.deep.equal(
      ["@types/node", "ethers", "sdk", "typechain-types", "typescript", "undici-types"].sort(),
    );
    const reachedTypechain = program
      .getSourceFiles()
      .map((file) => path.relative(ROOT, file.fileName))
      .filter((file) => file.startsWith("typechain-types/"));
    // Neither the Hardhat augmentation nor any mock's factory (with its bytecode) ends up in the bundle.
    expect(reachedTypechain.filter((file) => /hardhat\.d\.ts|mocks|\/Escrow__factory/.test(file))).to.deep.equal([]);
  });
});

describe("sdk/node.ts export surface (Node-only additions)", function () {
  it("exports exactly the pinned runtime values, and nothing that sdk/index.ts already exports", async function () {
    const node = await import("../../sdk/node");
    expect(Object.keys(node).sort()).to.deep.equal([
      "FilePeerStore",
      "FileVoucherStore",
      "PaywallCore",
      "PostgresClaimerLease",
      "PostgresVoucherStore",
      "Watchtower",
      "WatchtowerServer",
      "WebSocketPeerServer",
      "fastifyPaywall",
      "paywall",
      "runClaimer",
    ]);
    expect(Object.keys(node).filter((name) => name in sdk)).to.deep.equal([]);
  });
});
