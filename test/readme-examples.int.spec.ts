/**
 * The README's `curl … localhost:3000 …` examples, run as pasted (real bash,
 * curl and jq) against a started node with the demo data, so they cannot rot
 * (issue 14: the first example answered 400 for raw UTF-8 in the URL).
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { localMoment } from "../platform/time";
import { loadDemoData } from "../scripts/demo/load";
import { startTestNode } from "./support/test-node";
import type { TestNode } from "./support/test-node";

const README = path.join(__dirname, "..", "README.md");

/** The commands of the README's `sh` blocks (continuation lines joined) that call curl on localhost:3000. */
function curlExamples(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/^```(?:sh|bash|shell)\n([\s\S]*?)^```/gm)].map((m) => m[1]);
  return blocks
    .flatMap((block) => block.replace(/\\\n/g, " ").split("\n"))
    .filter((line) => /\bcurl\b/.test(line) && /\blocalhost:3000\b/.test(line));
}

/**
 * Every curl call is recorded (status and body) by a shell function of the same
 * name, so the examples run unchanged: pipes into jq, `TOKEN=$(…)` and all.
 */
function script(examples: string[], port: number, record: string): string {
  return [
    "set -euo pipefail",
    "curl() {",
    `  local body; body="$(mktemp -p '${record}')"`,
    `  local status; status="$(command curl -o "$body" -w '%{http_code}' "$@")"`,
    `  printf '%s %s\\n' "$status" "$body" >> '${record}/calls'`,
    '  cat "$body"',
    "}",
    ...examples.map((line) => line.replace(/\blocalhost:3000\b/g, `127.0.0.1:${port}`)),
  ].join("\n");
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function runBash(text: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-c", text], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

describe("the README's curl examples", () => {
  let node: TestNode;
  let record: string;
  beforeAll(async () => {
    // What `npm start` does on an empty database before it starts serving (server.ts).
    node = await startTestNode(
      {},
      {
        beforeStart: async ({ app }) => {
          await loadDemoData(app.sequelize, {
            hospitals: 200,
            seed: 1,
            baseDate: localMoment(app.now(), "Asia/Seoul").date,
            password: app.config.demoPassword,
          });
        },
      },
    );
    record = fs.mkdtempSync(path.join(os.tmpdir(), "readme-examples-"));
  });
  afterAll(async () => {
    fs.rmSync(record, { recursive: true, force: true });
    await node.close();
  });

  test("are found: the first one is the non-ASCII search, encoded by curl", () => {
    const examples = curlExamples(fs.readFileSync(README, "utf8"));
    expect(examples.length).toBeGreaterThanOrEqual(4);
    expect(examples[0]).toMatch(/--get --data-urlencode 'q=소아'/);
  });

  test("each answers 2xx with a JSON body, run as pasted", async () => {
    const examples = curlExamples(fs.readFileSync(README, "utf8"));
    const port = Number(new URL(node.baseUrl).port);
    const { code, output } = await runBash(script(examples, port, record));
    expect([code, output]).toEqual([0, expect.any(String)]);

    const calls = fs
      .readFileSync(path.join(record, "calls"), "utf8")
      .trim()
      .split("\n")
      .map((line) => line.split(" "));
    // One call per example (an example with two curls would need its own count).
    expect(calls).toHaveLength(examples.length);
    const answers = calls.map(([status, bodyFile], i) => {
      const body = fs.readFileSync(bodyFile, "utf8");
      return { example: examples[i], status: Number(status), body, json: isJson(body) };
    });
    expect(answers.filter((a) => a.status < 200 || a.status >= 300 || !a.json)).toEqual([]);
    // The search found something: its Korean query reached the server intact.
    expect(JSON.parse(answers[0].body)).toMatchObject({ total: expect.any(Number) });
    expect((JSON.parse(answers[0].body) as { total: number }).total).toBeGreaterThan(0);
  });
});
