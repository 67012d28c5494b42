// The mutant generator of scripts/mutation.cjs on a small source: each operator produces the mutants it promises,
// and nothing is mutated inside comments, strings, mapping arrows, imports or error declarations.
import { expect } from "chai";
import path from "node:path";

interface Mutant {
  id: string;
  operator: string;
  original: string;
  mutated: string;
  line: number;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runner = require(path.resolve(__dirname, "../../scripts/mutation.cjs")) as {
  mutantsOf(source: string): Mutant[];
  apply(source: string, mutant: Mutant): string;
};

const SOURCE = `pragma solidity 0.8.37;
import {A} from "./A.sol"; // a < b
error Bad(uint256 x);
contract C {
    mapping(address owner => uint256 amount) private _m; /* x > y */
    function f(uint256 a, uint256 b) external returns (uint256 r) {
        if (a < b && b != 0) revert Bad(a);
        r = a + b * 2;
        _m[msg.sender] += r;
        emit Done("a >= b");
    }
}
`;

describe("mutation operators (scripts/mutation.cjs)", function () {
  const mutants = runner.mutantsOf(SOURCE);
  const ids = mutants.map((m) => m.id);

  it("swaps relational, logical and arithmetic operators, and compound assignments", function () {
    expect(ids).to.include.members([
      "L7 relational `<` -> `<=`",
      "L7 relational `<` -> `>=`",
      "L7 relational `!=` -> `==`",
      "L7 logical `&&` -> `||`",
      "L8 arithmetic `+` -> `-`",
      "L8 arithmetic `*` -> `/`",
      "L9 assignment `+=` -> `-=`",
    ]);
  });

  it("negates if conditions, deletes reverts and statements, and changes constants", function () {
    expect(ids).to.include.members([
      "L7 negate-if `a < b && b != 0` -> `!(a < b && b != 0)`",
      "L7 delete-revert `revert Bad(a);` -> `{}`",
      "L8 delete-statement `r = a + b * 2;` -> `{}`",
      'L10 delete-statement `emit Done("a >= b");` -> `{}`',
      "L8 constant `2` -> `0`",
      "L8 constant `2` -> `3`",
    ]);
  });

  it("mutates nothing in comments, strings, mapping arrows, pragmas, imports or error declarations", function () {
    expect(mutants.filter((m) => [1, 2, 3, 5].includes(m.line)).map((m) => m.id)).to.deep.equal([]);
    expect(mutants.filter((m) => m.line === 10 && m.operator !== "delete-statement")).to.deep.equal([]);
  });

  it("applies a mutant at its place only", function () {
    const mutant = mutants.find((m) => m.id === "L8 arithmetic `+` -> `-`");
    expect(mutant).to.not.equal(undefined);
    const mutated = runner.apply(SOURCE, mutant as Mutant);
    expect(mutated.split("\n")[7]).to.equal("        r = a - b * 2;");
    expect(mutated.length).to.equal(SOURCE.length);
  });
});
