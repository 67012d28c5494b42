// The mutants' compile profile: solc-js (the npm `solc` the project pins) without the optimizer and without via-IR,
// which compiles a contract about six times faster than the release profile (via-IR, 10,000 runs). Bytecode carries no
// metadata, so two sources that compile to the same code have the same bytes: a mutant whose deployed code equals the
// original's is equivalent (it cannot be killed), and one equal to another mutant's is a duplicate.
import { readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { Worker, isMainThread, parentPort } from "node:worker_threads";
import { ROOT } from "./sources";

export interface CompiledContract {
  abi: unknown[];
  bytecode: string;
  deployedBytecode: string;
}

export interface CompileJob {
  /** Project-relative path => source text, for the files that differ from the tree (the mutated file). */
  overrides: Record<string, string>;
  /** Project-relative paths of the deployable contracts to compile, e.g. "contracts/Escrow.sol". */
  targets: string[];
  /** Compile through the IR pipeline (still without the optimizer), for a contract that legacy code generation
   * cannot fit in the stack (see `MutationTarget.viaIR`); about 2.5 times slower per mutant. */
  viaIR?: boolean;
}

export type CompileResult = { ok: true; contracts: Record<string, CompiledContract> } | { ok: false; error: string };

type Solc = {
  compile(input: string, options: { import(p: string): { contents: string } | { error: string } }): string;
};

function readSource(relative: string, overrides: Record<string, string>): { contents: string } | { error: string } {
  if (relative in overrides) return { contents: overrides[relative] };
  for (const base of [ROOT, path.join(ROOT, "node_modules")]) {
    const file = path.join(base, relative);
    if (existsSync(file)) return { contents: readFileSync(file, "utf8") };
  }
  return { error: `not found: ${relative}` };
}

/** Compiles in this thread (used by the workers, and by the runner for the original sources). */
export function compileHere(solc: Solc, job: CompileJob): CompileResult {
  const sources: Record<string, { content: string }> = {};
  for (const target of job.targets) {
    const found = readSource(target, job.overrides);
    if ("error" in found) return { ok: false, error: found.error };
    sources[target] = { content: found.contents };
  }
  const input = {
    language: "Solidity",
    sources,
    settings: {
      evmVersion: "cancun",
      optimizer: { enabled: false },
      ...(job.viaIR === true ? { viaIR: true } : {}),
      metadata: { bytecodeHash: "none", appendCBOR: false },
      outputSelection: { "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: (p) => readSource(p, job.overrides) })) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts?: Record<
      string,
      Record<string, { abi: unknown[]; evm: { bytecode: { object: string }; deployedBytecode: { object: string } } }>
    >;
  };
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) return { ok: false, error: errors.map((e) => e.formattedMessage.split("\n")[0]).join("; ") };
  const contracts: Record<string, CompiledContract> = {};
  for (const target of job.targets) {
    const name = path.basename(target, ".sol");
    const compiled = output.contracts?.[target]?.[name];
    if (!compiled) return { ok: false, error: `no output for ${target}:${name}` };
    contracts[name] = {
      abi: compiled.abi,
      bytecode: `0x${compiled.evm.bytecode.object}`,
      deployedBytecode: `0x${compiled.evm.deployedBytecode.object}`,
    };
  }
  return { ok: true, contracts };
}

/** A pool of worker threads, each with its own solc instance, compiling jobs in parallel. */
export class CompilePool {
  readonly #workers: Worker[] = [];
  readonly #idle: Worker[] = [];
  readonly #queue: Array<{ job: CompileJob; resolve: (r: CompileResult) => void }> = [];
  readonly #pending = new Map<Worker, (r: CompileResult) => void>();

  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(__filename, { execArgv: ["-r", "ts-node/register/transpile-only"] });
      worker.on("message", (result: CompileResult) => {
        const resolve = this.#pending.get(worker)!;
        this.#pending.delete(worker);
        resolve(result);
        this.#next(worker);
      });
      worker.on("error", (error) => {
        const resolve = this.#pending.get(worker);
        this.#pending.delete(worker);
        resolve?.({ ok: false, error: `worker failed: ${error.message}` });
      });
      this.#workers.push(worker);
      this.#idle.push(worker);
    }
  }

  compile(job: CompileJob): Promise<CompileResult> {
    return new Promise((resolve) => {
      this.#queue.push({ job, resolve });
      const worker = this.#idle.pop();
      if (worker) this.#next(worker);
    });
  }

  #next(worker: Worker): void {
    const item = this.#queue.shift();
    if (!item) {
      this.#idle.push(worker);
      return;
    }
    this.#pending.set(worker, item.resolve);
    worker.postMessage(item.job);
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}

if (!isMainThread && parentPort) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the pinned compiler, loaded once per worker
  const solc = require("solc") as Solc;
  const port = parentPort;
  port.on("message", (job: CompileJob) => {
    try {
      port.postMessage(compileHere(solc, job));
    } catch (error) {
      port.postMessage({ ok: false, error: (error as Error).message });
    }
  });
}
