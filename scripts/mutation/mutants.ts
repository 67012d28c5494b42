// Mutant generation for `npm run mutation` (docs/security.md, "Mutation testing"). Each mutant is one small edit of
// one source file, found through the Solidity parser's ranges, so that it always names the exact text it replaced.
// The operators are ours: the classic families (relational, arithmetic, logical, bitwise, unary, literal, statement
// deletion, condition negation, modifier removal) plus a few Yul swaps, since the contracts' hot paths are assembly.
import { parse } from "@solidity-parser/parser";

export type Operator =
  | "relational"
  | "arithmetic"
  | "assignment"
  | "logical"
  | "bitwise"
  | "unary"
  | "bool"
  | "number"
  | "delete-statement"
  | "negate-condition"
  | "remove-modifier"
  | "yul";

export interface Mutant {
  /** Stable within a source: file, offset and replacement. */
  id: string;
  file: string;
  operator: Operator;
  /** 1-based line of the edit. */
  line: number;
  start: number;
  /** Exclusive end offset in the original source. */
  end: number;
  original: string;
  replacement: string;
}

type Node = { type: string; range?: [number, number]; loc?: { start: { line: number } }; [key: string]: unknown };

const RELATIONAL: Record<string, string[]> = {
  "<": ["<=", ">="],
  "<=": ["<", ">"],
  ">": [">=", "<="],
  ">=": [">", "<"],
  "==": ["!="],
  "!=": ["=="],
};
const ARITHMETIC: Record<string, string[]> = {
  "+": ["-"],
  "-": ["+"],
  "*": ["/"],
  "/": ["*"],
  "%": ["*"],
  "**": ["*"],
};
const ASSIGNMENT: Record<string, string[]> = { "+=": ["-="], "-=": ["+="], "*=": ["/="], "/=": ["*="] };
const LOGICAL: Record<string, string[]> = { "&&": ["||"], "||": ["&&"] };
const BITWISE: Record<string, string[]> = { "&": ["|"], "|": ["&"], "^": ["&"], "<<": [">>"], ">>": ["<<"] };
const YUL: Record<string, string> = {
  and: "or",
  or: "and",
  lt: "gt",
  gt: "lt",
  add: "sub",
  sub: "add",
  shl: "shr",
  shr: "shl",
};
/** Modifiers whose removal is a meaningful mutant (access control and reentrancy guards). */
const REMOVABLE_MODIFIERS = new Set(["nonReentrant", "onlyOwner"]);

function children(node: Node): Node[] {
  const out: Node[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === "range" || key === "loc") continue;
    if (Array.isArray(value)) {
      for (const item of value) if (item && typeof item === "object" && "type" in item) out.push(item as Node);
    } else if (value && typeof value === "object" && "type" in value) {
      out.push(value as Node);
    }
  }
  return out;
}

function rangeOf(node: Node): [number, number] {
  if (!node.range) throw new Error(`parser gave no range for a ${node.type}`);
  // The parser's ranges are inclusive.
  return [node.range[0], node.range[1] + 1];
}

/** Every mutant of `source` (the text of `file`). */
export function generateMutants(file: string, source: string): Mutant[] {
  const ast = parse(source, { range: true, loc: true, tolerant: false }) as unknown as Node;
  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === "\n") lineStarts.push(i + 1);
  const lineOf = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const mutants: Mutant[] = [];
  const seen = new Set<string>();
  const add = (operator: Operator, start: number, end: number, replacement: string) => {
    const original = source.slice(start, end);
    if (original === replacement) return;
    const id = `${file}:${start}-${end}:${replacement}`;
    if (seen.has(id)) return;
    seen.add(id);
    mutants.push({ id, file, operator, line: lineOf(start), start, end, original, replacement });
  };
  /** The operator between two operands: its offset in the gap, skipping white space and comments-free text. */
  const operatorAt = (left: Node, right: Node, op: string): number => {
    const from = rangeOf(left)[1];
    const gap = source.slice(from, rangeOf(right)[0]);
    const at = gap.indexOf(op);
    if (at < 0) throw new Error(`operator ${op} not found between operands at ${lineOf(from)}`);
    return from + at;
  };

  const visit = (node: Node, inFunctionBody: boolean) => {
    switch (node.type) {
      case "BinaryOperation": {
        const op = node.operator as string;
        const table = { ...RELATIONAL, ...ARITHMETIC, ...ASSIGNMENT, ...LOGICAL, ...BITWISE }[op];
        if (table) {
          const at = operatorAt(node.left as Node, node.right as Node, op);
          const operator: Operator =
            op in RELATIONAL
              ? "relational"
              : op in ARITHMETIC
                ? "arithmetic"
                : op in ASSIGNMENT
                  ? "assignment"
                  : op in LOGICAL
                    ? "logical"
                    : "bitwise";
          for (const replacement of table) add(operator, at, at + op.length, replacement);
        }
        break;
      }
      case "UnaryOperation": {
        const [start] = rangeOf(node);
        if (node.operator === "!" && node.isPrefix) add("unary", start, start + 1, "");
        if (node.operator === "++" && node.isPrefix) add("unary", start, start + 2, "--");
        if (node.operator === "--" && node.isPrefix) add("unary", start, start + 2, "++");
        break;
      }
      case "BooleanLiteral": {
        const [start, end] = rangeOf(node);
        add("bool", start, end, node.value ? "false" : "true");
        break;
      }
      case "NumberLiteral": {
        const [start] = rangeOf(node);
        const text = node.number as string;
        const value = BigInt(text.replace(/_/g, ""));
        const hex = /^0x/i.test(text);
        const format = (v: bigint) => (hex ? `0x${v.toString(16)}` : v.toString());
        add("number", start, start + text.length, format(value + 1n));
        add("number", start, start + text.length, value === 0n ? "1" : "0");
        break;
      }
      case "IfStatement": {
        const [start, end] = rangeOf(node.condition as Node);
        add("negate-condition", start, end, `!(${source.slice(start, end)})`);
        break;
      }
      case "ExpressionStatement":
      case "EmitStatement":
      case "RevertStatement":
      case "ReturnStatement": {
        // A for loop's header expressions come without a range: they are not statements of their own to delete.
        if (inFunctionBody && node.range) {
          const [start, end] = rangeOf(node);
          add("delete-statement", start, end, "{}");
        }
        break;
      }
      case "FunctionDefinition": {
        for (const modifier of (node.modifiers as Node[] | undefined) ?? []) {
          const args = modifier.arguments as unknown[] | null | undefined;
          if (
            REMOVABLE_MODIFIERS.has(modifier.name as string) &&
            (args === null || args === undefined || args.length === 0)
          ) {
            const [start, end] = rangeOf(modifier);
            add("remove-modifier", start, end, "");
          }
        }
        if (node.body) visit(node.body as Node, true);
        return;
      }
      case "AssemblyCall": {
        const name = node.functionName as string;
        const swap = YUL[name];
        if (swap !== undefined) {
          const [start] = rangeOf(node);
          if (source.startsWith(name, start)) add("yul", start, start + name.length, swap);
        }
        break;
      }
      default:
        break;
    }
    for (const child of children(node)) visit(child, inFunctionBody);
  };
  visit(ast, false);
  return mutants.sort((a, b) => a.start - b.start || a.replacement.localeCompare(b.replacement));
}

/** `source` with `mutant` applied. */
export function applyMutant(source: string, mutant: Mutant): string {
  if (source.slice(mutant.start, mutant.end) !== mutant.original) {
    throw new Error(`mutant ${mutant.id} does not match its source`);
  }
  return source.slice(0, mutant.start) + mutant.replacement + source.slice(mutant.end);
}
