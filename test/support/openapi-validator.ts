/**
 * Validates an OpenAPI document with @apidevtools/swagger-parser (against the
 * official OpenAPI 3.x schemas, plus its own checks: unique operation
 * parameters, path parameters declared). The validator's dependencies ship as
 * ES modules, which jest's CommonJS runtime cannot load without
 * --experimental-vm-modules, so it runs in a child Node process, which can.
 */
import { spawn } from "node:child_process";

const SCRIPT = `
const parser = require("@apidevtools/swagger-parser");
let text = "";
process.stdin.on("data", (chunk) => (text += chunk));
process.stdin.on("end", () => {
  parser.validate(JSON.parse(text)).then(
    () => process.stdout.write("valid"),
    (err) => process.stdout.write(err.message),
  );
});
`;

/** `"valid"`, or the validator's message naming each problem. */
export function validateOpenApi(document: unknown): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", SCRIPT], {
      cwd: __dirname,
      stdio: ["pipe", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`The validator exited with ${String(code)}: ${out}`)),
    );
    child.stdin.end(JSON.stringify(document));
  });
}
