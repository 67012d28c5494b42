// deployments/record.schema.json compiled with ajv (draft 2020-12, strict), for the tests that check records and
// address books against it (test/deploy/schema.test.ts, test/integration/, test/demo/).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";

export const RECORD_SCHEMA_PATH = join(__dirname, "..", "..", "deployments", "record.schema.json");
export const RECORD_SCHEMA = JSON.parse(readFileSync(RECORD_SCHEMA_PATH, "utf8")) as { $schema: string };

const ajv = new Ajv2020({ strict: true, allErrors: true });
ajv.addSchema(RECORD_SCHEMA, "record");

/** A deployment record, deployments/<network>.json. */
export const validateRecord = ajv.getSchema("record") as ValidateFunction;
/** An address book, sdk/address-book.json. */
export const validateAddressBook = ajv.getSchema("record#/$defs/addressBook") as ValidateFunction;

/** The schema's complaints about `value`, one `path message` line each; none when it is valid. */
export function schemaErrors(validate: ValidateFunction, value: unknown): string[] {
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`);
}
